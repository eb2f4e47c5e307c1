/**
 * The reason an execution's signal aborts when its job's lease is gone: a renewal found
 * another holder, or the lease expired before the store confirmed it (the store was
 * unreachable for longer than the lease). Another replica may run the job meanwhile, so the
 * execution is recorded as `interrupted`, never as a success.
 */
export class LeaseLostError extends Error {
  /** The job whose lease was lost. */
  readonly job: string;

  /**
   * @param job - the job whose lease was lost
   * @param detail - why it counts as lost
   */
  constructor(job: string, detail: string) {
    super(`Job "${job}": lost its lease (${detail}); execution aborted`);
    this.name = 'LeaseLostError';
    this.job = job;
  }
}
