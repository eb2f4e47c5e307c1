/**
 * The characters a name (a job name, an owner id) may not hold: control characters (NUL,
 * escape, newline, C1 controls...) and lone UTF-16 surrogates. Such a name could not be
 * stored by every store (PostgreSQL text cannot hold NUL; UTF-8 cannot encode a lone
 * surrogate), could inject into a terminal or a log line, and would not come back as written.
 * The job model refuses them with a `JobConfigError`; stores refuse them with a `TypeError`.
 *
 * @module
 */

/** A control character (Unicode category Cc) or a lone surrogate (Cs, which `u` mode reads alone). */
const FORBIDDEN = /[\p{Cc}\p{Cs}]/u;

/**
 * Describes the first character of `text` a name may not hold, as `U+001B at index 3`, or
 * returns `null` when there is none.
 */
export function forbiddenNameCharacter(text: string): string | null {
  const match = FORBIDDEN.exec(text);
  if (match === null) return null;
  const code = (match[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');
  return `U+${code} at index ${match.index}`;
}
