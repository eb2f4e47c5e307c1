import { JobException } from '../errors/job-exception.js';
import type { ThreadHookName } from './thread-protocol.js';

/** Why a job's worker thread ended before its hook returned. */
export type ThreadFailure =
  /** The worker threw an uncaught exception (or an unhandled rejection). */
  | 'crashed'
  /** The worker called `process.exit()` or ended by itself. */
  | 'exited'
  /** The worker exceeded its `resourceLimits` (`ERR_WORKER_OUT_OF_MEMORY`). */
  | 'out-of-memory'
  /** The stand-in terminated it: it did not return within `stopGrace` after its signal aborted. */
  | 'terminated'
  /** The worker could not be started (e.g. fields that are not structured-cloneable). */
  | 'spawn-failed';

/**
 * A thread-isolated job's worker thread failed: it crashed, exited, ran out of memory, or was
 * terminated after the stop grace. The hook that was running (or the next one called) rejects
 * with this error, which the job's loop handles like any error of that hook: it logs it,
 * waits `retryWait` and restarts in a fresh worker (or, after a stop request, records the
 * execution as interrupted).
 */
export class JobThreadError extends JobException {
  /** What happened to the worker. */
  readonly failure: ThreadFailure;
  /** The hook that was running, or `null` if the worker died between hooks. */
  readonly hook: ThreadHookName | null;
  /** The worker's exit code, when it has exited. */
  readonly exitCode: number | null;

  /**
   * @param job - the job's name
   * @param failure - what happened to the worker
   * @param hook - the hook that was running, or `null`
   * @param exitCode - the worker's exit code, when known
   * @param detail - the cause in words, without the job name (it is prefixed)
   * @param options - standard error options (`cause`: the worker's own error)
   */
  constructor(job: string, failure: ThreadFailure, hook: ThreadHookName | null, exitCode: number | null, detail: string, options?: ErrorOptions) {
    super(job, detail, options);
    this.name = 'JobThreadError';
    this.failure = failure;
    this.hook = hook;
    this.exitCode = exitCode;
  }
}
