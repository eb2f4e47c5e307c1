/**
 * The worker-thread isolation layer (`isolation: 'thread'`) as `BaseJob` reaches it: through
 * the {@link IsolationLayer} interface, registered by the package's root entry.
 *
 * @module
 */
import type { IsolationLayer } from '../job/job-isolation.js';
import { locateJobClass, type ThreadJobClass } from './job-class-location.js';
import { ThreadHooks } from './thread-hooks.js';

/** Runs a job's hooks in a dedicated worker thread per (re)start (see {@link ThreadHooks}). */
export const threadIsolation: IsolationLayer = {
  check: (name, jobClass) => {
    locateJobClass(name, jobClass as unknown as ThreadJobClass);
  },
  hooksFor: (job) => new ThreadHooks(job),
};
