/**
 * Text from jobs and stores made safe for a terminal: control characters (escape sequences,
 * carriage returns, bidirectional overrides) are shown escaped instead of being obeyed.
 */

const NAMED: Readonly<Record<string, string>> = { '\x1b': '\\e', '\r': '\\r', '\n': '\\n', '\t': '\\t', '\0': '\\0', '\b': '\\b', '\f': '\\f', '\v': '\\v' };

/** C0 and C1 controls, DEL, and the bidirectional embedding/override/isolate characters. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- as above, newlines excepted
const CONTROL_BUT_NEWLINE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Options of {@link visible}. */
export interface VisibleOptions {
  /** Keep `\n` as a line break (multi-line output such as a whole error); default `false`. */
  readonly keepNewlines?: boolean;
}

/**
 * `text` with every control character shown as an escape: `\e` for ESC, `\r`, `\n`, `\t`,
 * `\0`, `\b`, `\f`, `\v`, and `\xHH` / `\u{HHHH}` for the others.
 */
export function visible(text: string, options: VisibleOptions = {}): string {
  return text.replace(options.keepNewlines === true ? CONTROL_BUT_NEWLINE : CONTROL, escapeControl);
}

function escapeControl(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}
