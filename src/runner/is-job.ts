/**
 * Recognising jobs by shape rather than by class identity: a job module loaded through
 * another copy of eleanor-jobs (a global CLI and a local library, or TypeScript sources next
 * to the built package) has its own `BaseJob` class, so `instanceof` would refuse it although
 * it works with any runner.
 */
import type { BaseJob } from '../job/base-job.js';

const JOB_METHODS = ['start', 'requestStop', 'waitUntilDone', 'bindHost', 'pause', 'resume', 'triggerNow', 'toJSON'] as const;

/** Whether `value` is a job: an object with a non-empty `name` and the methods of `BaseJob`. */
export function isJob(value: unknown): value is BaseJob {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate.name === 'string' && candidate.name !== '' && JOB_METHODS.every((method) => typeof candidate[method] === 'function');
}
