/**
 * How `BaseJob` reaches an isolation layer (`isolation: 'thread'`) without importing it: the
 * layer registers itself here (the package's root entry registers the worker-thread layer),
 * and a job asks for it by name when it validates its fields and when it (re)starts.
 *
 * @module
 */
import type { JobHooks } from './job-hooks.js';
import type { JobLogger } from './job-logger.js';
import type { JobState } from './job-state.js';
import type { ResourceLimits } from './job-fields.js';

/** The part of a job an isolation layer runs hooks for (a `BaseJob` has all of it). */
export interface IsolatedJob {
  readonly name: string;
  readonly stopGrace: number;
  readonly resourceLimits: ResourceLimits | null;
  readonly state: JobState;
  readonly logger: JobLogger;
  toJSON(): Record<string, unknown>;
}

/** An isolation layer: where a job's hooks run when they do not run inline. */
export interface IsolationLayer {
  /** Throws, saying why, when jobs of `jobClass` named `name` cannot run in this layer. */
  check(name: string, jobClass: abstract new (...args: never[]) => unknown): void;
  /** The hooks of one (re)start of `job`, run in this layer. */
  hooksFor(job: IsolatedJob): JobHooks;
}

/** The isolation modes other than `inline`. */
export type IsolationMode = 'thread';

const layers = new Map<IsolationMode, IsolationLayer>();

/** Registers the layer that runs jobs of `mode` (the root entry registers `thread`). */
export function registerIsolationLayer(mode: IsolationMode, layer: IsolationLayer): void {
  layers.set(mode, layer);
}

/** The layer registered for `mode`; throws when none is (the package's root entry was not loaded). */
export function isolationLayer(mode: IsolationMode): IsolationLayer {
  const layer = layers.get(mode);
  if (layer === undefined) throw new Error(`isolation '${mode}' is not available: import the job classes' BaseJob from 'eleanor-jobs'`);
  return layer;
}
