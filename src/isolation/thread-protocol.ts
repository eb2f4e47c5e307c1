/**
 * The messages between a thread-isolated job's stand-in on the main thread and its worker
 * thread, and how values that are not structured-cloneable (errors with extra fields, log
 * bindings holding functions or class instances) are turned into plain data to cross.
 */
import type { JobLogLevel } from '../job/job-logger.js';
import type { TriggerReason } from '../job/run-context.js';

/** Log levels, in the order the worker's logger checks them. */
export const LOG_LEVELS: readonly JobLogLevel[] = ['debug', 'info', 'warn', 'error'];

/** What the worker receives as `workerData`. */
export interface ThreadWorkerData {
  /** Name of the job (for messages). */
  readonly jobName: string;
  /** URL of the module that exports the job's class. */
  readonly moduleUrl: string;
  /** Name under which that module exports the class. */
  readonly exportName: string;
  /** The job's validated data model (`job.toJSON()`), with `isolation: 'inline'`. */
  readonly model: Record<string, unknown>;
  /** Levels the main-thread logger writes; the worker does not send the others. */
  readonly enabledLevels: readonly JobLogLevel[];
}

/** A {@link RunContext} as plain data. */
export interface RunData {
  readonly trigger: number;
  readonly reason: TriggerReason;
  readonly scheduledAtMs: number | null;
  readonly runId: string | null;
  readonly fence: number | null;
  readonly startedAtMs: number;
}

/** The hooks the main thread calls in the worker. */
export type ThreadHookName = 'setup' | 'execute' | 'shutdown';

/** Main thread to worker. */
export type MainToWorker =
  | { readonly type: 'call'; readonly id: number; readonly hook: 'setup' | 'shutdown' }
  | { readonly type: 'call'; readonly id: number; readonly hook: 'execute'; readonly run: RunData }
  | { readonly type: 'abort'; readonly id: number; readonly reason: EncodedError };

/** Worker to main thread. */
export type WorkerToMain =
  | { readonly type: 'result'; readonly id: number; readonly error: EncodedError | null }
  | { readonly type: 'log'; readonly level: JobLogLevel; readonly bindings: Record<string, unknown>; readonly message: string | undefined; readonly args: readonly unknown[] };

/** Key that marks an encoded error inside plain data. */
const ERROR_TAG = '__eleanorError';

/** An `Error` as plain, structured-cloneable data. */
export interface EncodedError {
  readonly [ERROR_TAG]: true;
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly code: string | undefined;
  readonly cause: unknown;
}

const MAX_DEPTH = 8;

/** Encodes any thrown value as an {@link EncodedError} (non-errors become an `Error`). */
export function encodeError(value: unknown): EncodedError {
  const error = value instanceof Error ? value : new Error(`non-error thrown: ${String(value)}`);
  return encodeErrorAt(error, 0, new WeakSet());
}

/** Rebuilds an `Error` from {@link encodeError}'s data: same name, message, stack and code. */
export function decodeError(encoded: EncodedError): Error {
  const error = new Error(encoded.message, encoded.cause === undefined ? undefined : { cause: fromCloneable(encoded.cause) });
  error.name = encoded.name;
  if (encoded.stack !== undefined) error.stack = encoded.stack;
  if (encoded.code !== undefined) (error as Error & { code?: string }).code = encoded.code;
  return error;
}

/**
 * Turns `value` into plain data that survives `postMessage`: errors are encoded (see
 * {@link fromCloneable}), functions and symbols become descriptive strings, maps objects, sets
 * arrays, class instances their own enumerable fields, cycles `'[Circular]'`; primitives,
 * dates and typed arrays stay as they are.
 */
export function toCloneable(value: unknown): unknown {
  return toCloneableAt(value, 0, new WeakSet());
}

/** Reverses {@link toCloneable} as far as errors go: encoded errors become `Error`s again. */
export function fromCloneable(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (isEncodedError(value)) return decodeError(value);
  if (Array.isArray(value)) return value.map(fromCloneable);
  if (value instanceof Date) return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) result[key] = fromCloneable(item);
  return result;
}

/** Whether `value` is an {@link EncodedError}. */
export function isEncodedError(value: unknown): value is EncodedError {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[ERROR_TAG] === true;
}

function encodeErrorAt(error: Error, depth: number, seen: WeakSet<object>): EncodedError {
  seen.add(error);
  try {
    const code = (error as Error & { code?: unknown }).code;
    return {
      [ERROR_TAG]: true,
      name: error.name,
      message: error.message,
      stack: error.stack,
      code: typeof code === 'string' ? code : undefined,
      cause: error.cause === undefined ? undefined : toCloneableAt(error.cause, depth + 1, seen),
    };
  } finally {
    seen.delete(error);
  }
}

function toCloneableAt(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return value;
    case 'function':
      return `[Function ${value.name || '(anonymous)'}]`;
    case 'symbol':
      return value.toString();
  }
  if (value === null || value instanceof Date || ArrayBuffer.isView(value)) return value;
  const object = value as object;
  if (seen.has(object)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Object]';
  if (object instanceof Error) return encodeErrorAt(object, depth, seen);
  seen.add(object);
  try {
    if (Array.isArray(object)) return object.map((item) => toCloneableAt(item, depth + 1, seen));
    if (object instanceof Map) return toCloneableAt(Object.fromEntries(object), depth, seen);
    if (object instanceof Set) return toCloneableAt([...object], depth, seen);
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(object)) result[key] = toCloneableAt(item, depth + 1, seen);
    return result;
  } finally {
    // Only ancestors count as cycles: the same object twice side by side is copied twice.
    seen.delete(object);
  }
}
