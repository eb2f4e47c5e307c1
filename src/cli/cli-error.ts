/**
 * Errors the CLI reports as one line on stderr with a non-zero exit.
 */

/** A bad input the user can fix: reported as `eleanor-jobs: <message>`, exit code 1. */
export class CliError extends Error {
  /** @param message - what is wrong, naming the file, option or value */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CliError';
  }
}

/**
 * Renders any error as one line: multi-line messages (a `JobConfigError` lists one field per
 * line) are joined with `; `. Errors that are not `CliError`s keep their class name when it
 * says something (`StoreError: ...`).
 */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message
    .split('\n')
    .map((line) => line.trim().replace(/^- /, ''))
    .filter((line) => line !== '');
  return lines.join('; ').replace(/:;/g, ':');
}
