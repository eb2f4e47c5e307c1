/**
 * Text made safe for an error message: control characters escaped, so that a value from a
 * user or a job cannot move a terminal's cursor, clear its screen or forge a log line.
 *
 * @module
 */

/** Control characters (C0, DEL, C1) and lone surrogates (`u` mode reads a paired one as one code point). */
const UNPRINTABLE = /[\p{Cc}\p{Cs}]/gu;
/** Characters `JSON.stringify` leaves raw although they are controls: DEL and the C1 range. */
const RAW_CONTROLS = /[\u007f-\u009f]/g;

const escapeCode = (char: string): string => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** `text` with every control character and lone surrogate written as a `\uXXXX` escape. */
export function escapeControlCharacters(text: string): string {
  return text.replace(UNPRINTABLE, escapeCode);
}

/**
 * `text` as a double-quoted literal (as `JSON.stringify` writes it, so C0 controls, quotes,
 * backslashes and lone surrogates are escaped), with DEL and the C1 controls escaped as well.
 */
export function quoteText(text: string): string {
  return JSON.stringify(text).replace(RAW_CONTROLS, escapeCode);
}
