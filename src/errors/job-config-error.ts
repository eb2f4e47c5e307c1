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
 * The message names every offending field with its value; {@link JobConfigError.issues}
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
    const lines = issues.map((issue) => `  - ${issue.field || '(config)'}: ${issue.message} (got ${describeValue(issue.value)})`);
    super(`${subject}: invalid configuration\n${lines.join('\n')}`);
    this.name = 'JobConfigError';
    this.issues = Object.freeze(issues.map((issue) => Object.freeze({ ...issue })));
  }
}

/** Renders a value for an error message: JSON where possible, with its type. */
function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  try {
    const json = JSON.stringify(value);
    const text = json === undefined ? String(value) : json.length > 80 ? `${json.slice(0, 77)}...` : json;
    return `${text} (${value === null ? 'null' : typeof value})`;
  } catch {
    return `${String(value)} (${typeof value})`;
  }
}
