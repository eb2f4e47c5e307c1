/**
 * Prometheus metrics of one runner, on its own prom-client `Registry` (nothing is added to
 * prom-client's global default registry, so several runners, or an application's own
 * metrics, never collide).
 *
 * Counters and histograms are updated from runner events through label children created
 * once per job; the two gauges are read from the jobs when scraped.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JobState } from '../job/job-state.js';
import type { RunEndEvent, RunStartEvent, TickUnexecutedEvent } from '../runner/runner-events.js';

/** What the gauges read from a job at scrape time. */
export interface MetricsJobSource {
  readonly name: string;
  readonly state: JobState;
  readonly nextRunAt: Date | null;
}

/** Options of {@link RunnerMetrics}. */
export interface RunnerMetricsOptions {
  /** The jobs to read gauges from, at each scrape. */
  readonly jobs: () => Iterable<MetricsJobSource>;
  /** Prefix of every metric name. Default `eleanor_`. */
  readonly prefix?: string;
  /**
   * Registry to register on, e.g. the application's own (prom-client's global `register`
   * included), so that one `/metrics` serves both. It must not already hold this runner's
   * metric names (another runner with the same prefix). Default: a new one for this runner.
   */
  readonly registry?: Registry;
  /**
   * Also collect prom-client's default process and Node.js runtime metrics (CPU, memory,
   * event loop lag, GC, handles) on the registry, unless it already has them. Default `false`.
   */
  readonly defaultMetrics?: boolean;
}

/** The name of one of prom-client's default metrics, to tell whether a registry has them. */
const DEFAULT_METRIC_PROBE = 'process_cpu_user_seconds_total';

/** Buckets of the execution duration histogram, in seconds (10 ms to 1 h). */
export const DURATION_BUCKETS: readonly number[] = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/** Buckets of the start lateness histogram, in seconds (1 ms to 10 min). */
export const LATENESS_BUCKETS: readonly number[] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60, 600];

interface JobChildren {
  readonly triggers: Counter.Internal;
  readonly failures: Counter.Internal;
  readonly missed: Counter.Internal;
  readonly skipped: Counter.Internal;
  readonly duration: Histogram.Internal<'job'>;
  readonly lateness: Histogram.Internal<'job'>;
  readonly running: Gauge.Internal<'job'>;
  readonly nextRun: Gauge.Internal<'job'>;
}

/**
 * The metrics of one runner, all labelled by `job`:
 *
 * | metric | type | meaning |
 * | --- | --- | --- |
 * | `eleanor_job_triggers_total` | counter | executions started |
 * | `eleanor_job_failures_total` | counter | executions that failed or timed out |
 * | `eleanor_job_missed_ticks_total` | counter | cron ticks dropped by the misfire policy |
 * | `eleanor_job_skipped_ticks_total` | counter | cron ticks passed over by misfire `skip` |
 * | `eleanor_job_execution_duration_seconds` | histogram | execution time |
 * | `eleanor_job_start_lateness_seconds` | histogram | start time minus due time |
 * | `eleanor_job_running` | gauge | 1 while an execution runs, else 0 |
 * | `eleanor_job_next_run_timestamp_seconds` | gauge | next trigger (Unix seconds), 0 when none is armed |
 */
export class RunnerMetrics {
  /** The registry holding these metrics: serve `await registry.metrics()` as `registry.contentType`. */
  readonly registry: Registry;
  readonly #children = new Map<string, JobChildren>();
  readonly #triggers: Counter<'job'>;
  readonly #failures: Counter<'job'>;
  readonly #missed: Counter<'job'>;
  readonly #skipped: Counter<'job'>;
  readonly #duration: Histogram<'job'>;
  readonly #lateness: Histogram<'job'>;
  readonly #running: Gauge<'job'>;
  readonly #nextRun: Gauge<'job'>;

  /** @param options - see {@link RunnerMetricsOptions} */
  constructor(options: RunnerMetricsOptions) {
    const prefix = options.prefix ?? 'eleanor_';
    this.registry = options.registry ?? new Registry();
    if (this.registry.getSingleMetric(`${prefix}job_triggers_total`) !== undefined) {
      throw new TypeError(`the metrics registry already holds ${prefix}job_triggers_total (another runner's metrics); give each runner its own registry or prefix`);
    }
    if (options.defaultMetrics === true && this.registry.getSingleMetric(DEFAULT_METRIC_PROBE) === undefined) collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    const labelNames = ['job'] as const;
    const counter = (name: string, help: string): Counter<'job'> => new Counter({ name: prefix + name, help, labelNames, registers });
    this.#triggers = counter('job_triggers_total', 'Executions started.');
    this.#failures = counter('job_failures_total', 'Executions that failed or timed out.');
    this.#missed = counter('job_missed_ticks_total', 'Cron ticks dropped by the misfire policy.');
    this.#skipped = counter('job_skipped_ticks_total', "Cron ticks passed over by misfire policy 'skip'.");
    this.#duration = new Histogram({
      name: `${prefix}job_execution_duration_seconds`,
      help: 'Execution time of each run, in seconds.',
      labelNames,
      buckets: [...DURATION_BUCKETS],
      registers,
    });
    this.#lateness = new Histogram({
      name: `${prefix}job_start_lateness_seconds`,
      help: 'How late each execution started after it was due, in seconds.',
      labelNames,
      buckets: [...LATENESS_BUCKETS],
      registers,
    });
    const jobs = options.jobs;
    this.#running = new Gauge({
      name: `${prefix}job_running`,
      help: '1 while an execution of the job runs, else 0.',
      labelNames,
      registers,
      collect: () => {
        for (const job of jobs()) this.#of(job.name).running.set(job.state === 'running' ? 1 : 0);
      },
    });
    this.#nextRun = new Gauge({
      name: `${prefix}job_next_run_timestamp_seconds`,
      help: 'When the next trigger is due (Unix time, seconds); 0 when none is armed.',
      labelNames,
      registers,
      collect: () => {
        for (const job of jobs()) this.#of(job.name).nextRun.set(job.nextRunAt === null ? 0 : job.nextRunAt.getTime() / 1000);
      },
    });
  }

  /** Creates the job's counters (at zero) so they are exported before its first run. */
  addJob(name: string): void {
    this.#of(name);
  }

  /** Counts a started execution and observes its lateness. */
  onRunStart(event: RunStartEvent): void {
    const children = this.#of(event.job);
    children.triggers.inc();
    children.lateness.observe(event.context.lateness);
  }

  /** Observes an execution's duration; counts it as a failure when it failed or timed out. */
  onRunEnd(event: RunEndEvent): void {
    const children = this.#of(event.job);
    const { startedAt, endedAt, status } = event.run;
    if (startedAt !== null && endedAt !== null) children.duration.observe(Math.max(0, endedAt - startedAt) / 1000);
    if (status === 'failed' || status === 'timeout') children.failures.inc();
  }

  /** Counts ticks passed over by the misfire policy. */
  onTicksUnexecuted(event: TickUnexecutedEvent): void {
    const children = this.#of(event.job);
    (event.ticks.status === 'missed' ? children.missed : children.skipped).inc(event.ticks.count);
  }

  #of(job: string): JobChildren {
    let children = this.#children.get(job);
    if (children === undefined) {
      const labels = { job };
      children = {
        triggers: this.#triggers.labels(labels),
        failures: this.#failures.labels(labels),
        missed: this.#missed.labels(labels),
        skipped: this.#skipped.labels(labels),
        duration: this.#duration.labels(labels),
        lateness: this.#lateness.labels(labels),
        running: this.#running.labels(labels),
        nextRun: this.#nextRun.labels(labels),
      };
      // Counters start at 0 so that increase() sees the first event. Histogram series appear
      // with the first run: zeroing them up front costs several KiB per idle job.
      for (const counter of [children.triggers, children.failures, children.missed, children.skipped]) counter.inc(0);
      this.#children.set(job, children);
    }
    return children;
  }
}
