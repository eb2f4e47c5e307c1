/**
 * `--json` output: indented JSON whose strings cannot drive a terminal. `JSON.stringify`
 * escapes C0 controls; this also escapes DEL, the C1 controls and the bidirectional controls.
 */

const UNESCAPED_BY_JSON = /[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/** `value` as JSON text, two-space indented, every control character escaped as `\uXXXX`. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(UNESCAPED_BY_JSON, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
