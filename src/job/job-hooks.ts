import type { RunContext } from './run-context.js';

/**
 * The three hooks of a job's loop, as the worker calls them. An inline job is its own
 * `JobHooks`; an isolated job (`isolation: 'thread'`) gets a stand-in that runs the same
 * hooks of the same class in a worker thread.
 */
export interface JobHooks {
  /** Runs before the first trigger of each (re)start. */
  setup(): void | Promise<void>;
  /** One execution; `signal` aborts on stop, timeout or lost lease. */
  execute(signal: AbortSignal, run: RunContext): void | Promise<void>;
  /** Runs when the loop ends. */
  shutdown(): void | Promise<void>;
}
