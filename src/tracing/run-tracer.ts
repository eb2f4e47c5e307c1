/**
 * OpenTelemetry tracing of runs: one span per execution, active while the job's `execute`
 * runs, so that the spans of what it calls (HTTP clients, database drivers, ... with their
 * instrumentations) nest under it. `@opentelemetry/api` is an optional peer dependency,
 * imported when the runner starts; without it (or with tracing turned off) runs are not
 * wrapped at all. Without an SDK registered by the application, the API's spans are no-ops.
 *
 * @module
 */
import type * as otel from '@opentelemetry/api';
import type { Attributes, Span } from '@opentelemetry/api';
import type { HostedJob } from '../job/job-host.js';
import type { RunContext } from '../job/run-context.js';
import type { RunEndEvent } from '../runner/runner-events.js';

/** The `@opentelemetry/api` module. */
type OtelApi = typeof otel;

/** How the API is imported; tests pass one that fails, to act as if it were not installed. */
export type OtelImporter = () => Promise<OtelApi>;

/** The tracer name (instrumentation scope) of the spans. */
export const TRACER_NAME = 'eleanor-jobs';

/**
 * Starts a span per run and ends it with the run's outcome.
 *
 * | attribute | value |
 * | --- | --- |
 * | `eleanor.job` | the job name |
 * | `eleanor.run.id` | the run's record id (when the store gives one) |
 * | `eleanor.run.trigger` | the trigger number |
 * | `eleanor.run.reason` | `schedule`, `catch-up`, `start`, `manual` |
 * | `eleanor.run.tick` | the cron tick or due time (ISO 8601, UTC), when there is one |
 * | `eleanor.run.lateness_s` | start time minus due time, in seconds |
 * | `eleanor.run.owner` | the replica (runner owner id) that ran it |
 * | `eleanor.run.outcome` | `ok`, `failed`, `timeout`, `interrupted` (set at the end) |
 *
 * Failed and timed-out runs get status `ERROR` and the exception recorded.
 */
export class RunTracer {
  readonly #owner: string;
  readonly #importer: OtelImporter;
  #api: OtelApi | null = null;
  #loading: Promise<boolean> | null = null;
  /** The open span of each job (a job runs one execution at a time). */
  readonly #spans = new Map<string, Span>();

  /**
   * @param owner - the runner's owner id, recorded on every span
   * @param importer - how to import `@opentelemetry/api` (default: `import()`)
   */
  constructor(owner: string, importer: OtelImporter = () => import('@opentelemetry/api')) {
    this.#owner = owner;
    this.#importer = importer;
  }

  /** Imports the API once; resolves `false` when it is not installed. */
  load(): Promise<boolean> {
    this.#loading ??= this.#importer().then(
      (api) => {
        this.#api = api;
        return true;
      },
      () => false,
    );
    return this.#loading;
  }

  /**
   * Calls `execute` inside a new root span made active (the `wrapExecution` seam of a job
   * host); just calls it while the API is not loaded.
   */
  readonly wrap = (job: HostedJob, run: RunContext, execute: () => void | Promise<void>): void | Promise<void> => {
    const api = this.#api;
    if (api === null) return execute();
    const attributes: Attributes = {
      'eleanor.job': job.name,
      'eleanor.run.trigger': run.trigger,
      'eleanor.run.reason': run.reason,
      'eleanor.run.lateness_s': run.lateness,
      'eleanor.run.owner': this.#owner,
    };
    if (run.runId !== null) attributes['eleanor.run.id'] = run.runId;
    if (run.scheduledAtMs !== null) attributes['eleanor.run.tick'] = new Date(run.scheduledAtMs).toISOString();
    const span = api.trace.getTracer(TRACER_NAME).startSpan(`run ${job.name}`, { kind: api.SpanKind.INTERNAL, startTime: run.startedAtMs, attributes }, api.ROOT_CONTEXT);
    this.#spans.set(job.name, span);
    return api.context.with(api.trace.setSpan(api.ROOT_CONTEXT, span), execute);
  };

  /** Ends the job's open span with the run's outcome (the runner's `run:end` event). */
  end(event: RunEndEvent): void {
    const span = this.#spans.get(event.job);
    const api = this.#api;
    if (span === undefined || api === null) return;
    this.#spans.delete(event.job);
    const { status, error, endedAt } = event.outcome;
    span.setAttribute('eleanor.run.outcome', status);
    if ((status === 'failed' || status === 'timeout') && error !== null) {
      span.recordException(error);
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: `${error.name}: ${error.message}`.slice(0, 1000) });
    }
    span.end(endedAt);
  }
}
