import { formatValue } from './format-value.js';
import { escapeControlCharacters, quoteText } from './quote-text.js';

/** One invalid field found while validating a job's configuration. */
export interface ConfigIssue {
  /** Dotted path of the field, e.g. `retryBackoff.factor`; empty for the whole object. */
  readonly field: string;
  /** The offending value as given (`undefined` when missing). */
  readonly value: unknown;
  /** What is wrong with it. */
  readonly message: string;
}

/**
 * A job's configuration is invalid. Thrown by the constructor before anything is scheduled.
 * The message names every offending field with its value as written in source (`NaN`,
 * `"text"`, `{ factor: 0.5 }`, control characters escaped); {@link JobConfigError.issues}
 * lists them structurally.
 */
export class JobConfigError extends Error {
  /** Every invalid field, in the order found. */
  readonly issues: readonly ConfigIssue[];

  /**
   * @param subject - what was validated, e.g. `Job "backup"` or `CleanupJob`
   * @param issues - the invalid fields (at least one)
   */
  constructor(subject: string, issues: readonly ConfigIssue[]) {
    const lines = issues.map((issue) => `  - ${describeField(issue.field)}: ${issue.message} (got ${formatValue(issue.value)})`);
    super(`${escapeControlCharacters(subject)}: invalid configuration\n${lines.join('\n')}`);
    this.name = 'JobConfigError';
    this.issues = Object.freeze(issues.map((issue) => Object.freeze({ ...issue })));
  }
}

/** A field path as the message shows it: as is when plain, quoted (controls escaped) otherwise. */
function describeField(field: string): string {
  if (field === '') return '(config)';
  return /^[\w$.[\]-]+$/.test(field) ? field : quoteText(field);
}
