/**
 * The options of `JobRunner`, their defaults and their validation.
 */
import type { Registry } from 'prom-client';
import type { JobLogger } from '../job/job-logger.js';
import type { JobStore } from '../store/job-store.js';
import { forbiddenNameCharacter } from '../store/name-characters.js';
import { describeValue } from './describe-value.js';

/** Options of `new JobRunner(options)`. Durations are seconds. */
export interface JobRunnerOptions {
  /** Where runs, job state and leases are kept. Default: a new `MemoryStore`. */
  readonly store?: JobStore;
  /** Logger for the runner's own messages (pino-compatible). Default: the shared default logger. */
  readonly logger?: JobLogger;
  /** This process's identifier on leases and runs. Default: `hostname:pid:random`. */
  readonly owner?: string;
  /** Lease length, in seconds: how long other replicas wait after this one dies. Default 15. */
  readonly leaseTtl?: number;
  /** Seconds a job waits before asking the store again after a refusal or a failure. Default 5. */
  readonly pollInterval?: number;
  /**
   * Seconds before a cron tick is due that its claim is sent to the store, so that the round
   * trip does not delay the start; `0` claims at the tick. A replica that dies in between
   * leaves that tick unexecuted, as one that dies right after claiming. Default 0.25.
   */
  readonly claimAhead?: number;
  /** Runs kept per job; older ones are pruned as new ones are written. Default 1000. */
  readonly retention?: number;
  /** Stop gracefully on SIGINT/SIGTERM and exit the process (see `JobRunner`). Default `false`. */
  readonly handleSignals?: boolean;
  /** Seconds a signal-initiated stop waits for jobs before exiting non-zero. Default 30. */
  readonly shutdownTimeout?: number;
  /**
   * A span per run, active inside `execute`, when `@opentelemetry/api` is installed (an
   * optional peer dependency; it does nothing until the application registers an SDK).
   * Default `true`.
   */
  readonly tracing?: boolean;
  /** Where the Prometheus metrics go; see {@link RunnerMetricsSettings}. Default: a registry of the runner's own. */
  readonly metrics?: RunnerMetricsSettings;
}

/** The `metrics` option of `JobRunner`. */
export interface RunnerMetricsSettings {
  /** Register on this prom-client `Registry` (e.g. the application's) instead of a new one. */
  readonly registry?: Registry;
  /** Also collect prom-client's default process and runtime metrics there. Default `false`. */
  readonly defaultMetrics?: boolean;
}

/** Defaults of {@link JobRunnerOptions}. */
export const RUNNER_DEFAULTS = {
  leaseTtl: 15,
  pollInterval: 5,
  claimAhead: 0.25,
  retention: 1000,
  handleSignals: false,
  shutdownTimeout: 30,
  tracing: true,
} as const;

/** The options after defaults and validation (the store and logger are resolved by the runner). */
export interface CheckedRunnerOptions {
  readonly owner: string | undefined;
  readonly leaseTtl: number;
  readonly pollInterval: number;
  readonly claimAhead: number;
  readonly retention: number;
  readonly handleSignals: boolean;
  readonly shutdownTimeout: number;
  readonly tracing: boolean;
}

const STORE_METHODS = ['open', 'close', 'ping', 'loadState', 'claimRuns', 'finishRuns', 'releaseLeases', 'listRuns', 'prune', 'interruptStaleRuns'] as const;
const LOGGER_METHODS = ['child', 'debug', 'info', 'warn', 'error'] as const;

/**
 * Validates `options`, throwing `TypeError` or `RangeError` that names the option and the value
 * it got.
 */
export function checkRunnerOptions(options: JobRunnerOptions): CheckedRunnerOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError(`JobRunner options must be an object, got ${describeValue(options)}`);
  if (options.store !== undefined && !hasMethods(options.store, STORE_METHODS)) {
    throw new TypeError(`JobRunner option "store" must implement JobStore (${STORE_METHODS.join(', ')}, ...), got ${describeValue(options.store)}`);
  }
  if (options.logger !== undefined && !hasMethods(options.logger, LOGGER_METHODS)) {
    throw new TypeError(`JobRunner option "logger" must be a pino-compatible logger (${LOGGER_METHODS.join(', ')}), got ${describeValue(options.logger)}`);
  }
  if (options.owner !== undefined && (typeof options.owner !== 'string' || options.owner.trim() === '')) {
    throw new TypeError(`JobRunner option "owner" must be a non-empty string, got ${describeValue(options.owner)}`);
  }
  const ownerCharacter = options.owner === undefined ? null : forbiddenNameCharacter(options.owner);
  if (ownerCharacter !== null) {
    throw new TypeError(`JobRunner option "owner" must not contain control characters (${ownerCharacter}), got ${describeValue(options.owner)}`);
  }
  checkMetricsSettings(options.metrics);
  if (options.tracing !== undefined && typeof options.tracing !== 'boolean') {
    throw new TypeError(`JobRunner option "tracing" must be a boolean, got ${describeValue(options.tracing)}`);
  }
  if (options.handleSignals !== undefined && typeof options.handleSignals !== 'boolean') {
    throw new TypeError(`JobRunner option "handleSignals" must be a boolean, got ${describeValue(options.handleSignals)}`);
  }
  return {
    owner: options.owner,
    leaseTtl: checkSeconds('JobRunner option "leaseTtl"', options.leaseTtl ?? RUNNER_DEFAULTS.leaseTtl, false),
    pollInterval: checkSeconds('JobRunner option "pollInterval"', options.pollInterval ?? RUNNER_DEFAULTS.pollInterval, false),
    claimAhead: checkSeconds('JobRunner option "claimAhead"', options.claimAhead ?? RUNNER_DEFAULTS.claimAhead, true),
    retention: positiveInteger('retention', options.retention ?? RUNNER_DEFAULTS.retention),
    handleSignals: options.handleSignals ?? RUNNER_DEFAULTS.handleSignals,
    shutdownTimeout: checkSeconds('JobRunner option "shutdownTimeout"', options.shutdownTimeout ?? RUNNER_DEFAULTS.shutdownTimeout, true),
    tracing: options.tracing ?? RUNNER_DEFAULTS.tracing,
  };
}

/**
 * Checks a duration in seconds: finite and positive (or `>= 0` when `zeroAllowed`).
 *
 * @param subject - names the value in the error, e.g. `JobRunner option "leaseTtl"`
 */
export function checkSeconds(subject: string, value: unknown, zeroAllowed: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0)) {
    throw new RangeError(`${subject} must be a finite number of seconds ${zeroAllowed ? '>= 0' : '> 0'}, got ${describeValue(value)}`);
  }
  return value;
}

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`JobRunner option "${name}" must be an integer >= 1, got ${describeValue(value)}`);
  }
  return value;
}

function checkMetricsSettings(metrics: RunnerMetricsSettings | undefined): void {
  if (metrics === undefined) return;
  if (typeof metrics !== 'object' || metrics === null) throw new TypeError(`JobRunner option "metrics" must be an object, got ${describeValue(metrics)}`);
  if (metrics.registry !== undefined && !hasMethods(metrics.registry, ['registerMetric', 'getSingleMetric', 'metrics'])) {
    throw new TypeError(`JobRunner option "metrics.registry" must be a prom-client Registry, got ${describeValue(metrics.registry)}`);
  }
  if (metrics.defaultMetrics !== undefined && typeof metrics.defaultMetrics !== 'boolean') {
    throw new TypeError(`JobRunner option "metrics.defaultMetrics" must be a boolean, got ${describeValue(metrics.defaultMetrics)}`);
  }
}

function hasMethods(value: unknown, methods: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return methods.every((method) => typeof candidate[method] === 'function');
}
