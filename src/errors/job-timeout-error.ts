/** An execution ran longer than the job's `timeout`; its signal was aborted with this error. */
export class JobTimeoutError extends Error {
  /** The job whose execution timed out. */
  readonly job: string;
  /** The configured timeout, in seconds. */
  readonly timeout: number;

  /**
   * @param job - the job whose execution timed out
   * @param timeout - the configured timeout, in seconds
   */
  constructor(job: string, timeout: number) {
    super(`Job "${job}": execution timed out after ${timeout} s`);
    this.name = 'JobTimeoutError';
    this.job = job;
    this.timeout = timeout;
  }
}
