/**
 * Job control error, as in the seed: raised by `start()` when the worker is already running
 * and by `waitUntilDone()` when the worker is still alive after the timeout.
 */
export class JobException extends Error {
  /** The job the control call was made on. */
  readonly job: string;

  /**
   * @param job - name of the job the control call was made on
   * @param message - what went wrong, without the job name (it is prefixed)
   * @param options - standard error options (`cause`)
   */
  constructor(job: string, message: string, options?: ErrorOptions) {
    super(`Job "${job}": ${message}`, options);
    this.name = 'JobException';
    this.job = job;
  }
}
