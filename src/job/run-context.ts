import type { RunProgress } from '../store/job-store.js';
import { checkProgressFraction, checkProgressMessage, storedProgressMessage } from '../store/run-report-rules.js';
import type { Clock } from '../time/clock.js';
import { getDefaultLogger, type JobLogger } from './job-logger.js';
import { RunLogger } from './run-logger.js';

/**
 * Where a run's progress and log lines go: the job's worker, which hands them to its host
 * (a runner's store). Every method returns at once and never throws.
 */
export interface RunSink {
  /** The job's logger, which `run.logger` writes through. */
  readonly logger: JobLogger;
  /** Reads "now" for progress and log line times. */
  readonly clock: Clock;
  /** Takes the run's latest progress. */
  reportProgress(runId: string | null, progress: RunProgress): void;
  /** Takes one line the run logged. */
  reportLine(runId: string | null, line: string): void;
}

/** Why an execution happened. */
export type TriggerReason =
  /** A cron tick or an interval elapsed, on time. */
  | 'schedule'
  /** A cron tick that was missed and is run late under the misfire policy. */
  | 'catch-up'
  /** `triggerOnStart`: the first trigger after (re)start. */
  | 'start'
  /** `triggerNow()`. */
  | 'manual';

/**
 * What one execution is for, passed to `execute(signal, run)`. Times are kept as epoch
 * milliseconds and turned into `Date`s only when read.
 */
export class RunContext {
  /**
   * @param trigger - the job's trigger count for this execution
   * @param reason - why it runs
   * @param scheduledAtMs - the instant it was due (the cron tick, or the interval's due time,
   *   jitter included), or `null` for start and manual triggers
   * @param startedAtMs - when it started
   * @param runId - the id of the run's row in the runner's store, or `null` without a runner
   * @param fence - the fencing number of the job's lease for this run, or `null` without a
   *   runner: it only grows, so a downstream write that stores the highest fence it has seen
   *   can reject a write from a replica that lost the lease (see the runner guide)
   * @param sink - where progress and log lines go, or `null` (kept on this context only)
   */
  constructor(
    readonly trigger: number,
    readonly reason: TriggerReason,
    readonly scheduledAtMs: number | null,
    readonly startedAtMs: number,
    readonly runId: string | null = null,
    readonly fence: number | null = null,
    sink: RunSink | null = null,
  ) {
    this.#sink = sink;
  }

  readonly #sink: RunSink | null;
  #progress: RunProgress | null = null;
  /** The last message as given, and as kept: a loop repeating one message escapes it once. */
  #rawMessage: string | null = null;
  #message: string | null = null;
  #logger: JobLogger | null = null;

  /**
   * Reports how far along the run is: `fraction` from 0 to 1 and an optional short `message`
   * (kept to 200 characters, control characters shown escaped). Cheap and synchronous: under
   * a runner the latest value is written to the store at most once a second, and streamed as
   * `run:progress`; the last one is written before the run's end.
   *
   * @throws RangeError naming the value when `fraction` is not a finite number from 0 to 1
   * @throws TypeError when `message` is neither a string nor omitted
   */
  progress(fraction: number, message?: string): void {
    checkProgressFraction(fraction, 'run.progress() fraction');
    const text = message ?? null;
    if (text !== this.#rawMessage) {
      checkProgressMessage(text, 'run.progress() message');
      this.#message = storedProgressMessage(text);
      this.#rawMessage = text;
    }
    const progress: RunProgress = { fraction, message: this.#message, updatedAt: this.#sink?.clock.now() ?? Date.now() };
    this.#progress = progress;
    this.#sink?.reportProgress(this.runId, progress);
  }

  /** The progress last reported with {@link RunContext.progress}, or `null`. */
  get currentProgress(): RunProgress | null {
    return this.#progress;
  }

  /**
   * The job's logger for this run: entries go to the job's logger, and, under a runner, their
   * lines (time, level, message) are kept as the run's log (at most 200 lines and 64 KiB).
   */
  get logger(): JobLogger {
    const sink = this.#sink;
    this.#logger ??=
      sink === null ? getDefaultLogger() : new RunLogger(sink.logger, (line) => sink.reportLine(this.runId, line), () => sink.clock.now());
    return this.#logger;
  }

  /** The instant the execution was due, or `null` for start and manual triggers. */
  get scheduledAt(): Date | null {
    return this.scheduledAtMs === null ? null : new Date(this.scheduledAtMs);
  }

  /** When the execution started. */
  get startedAt(): Date {
    return new Date(this.startedAtMs);
  }

  /** How late the execution started, in seconds (0 for start and manual triggers). */
  get lateness(): number {
    return this.scheduledAtMs === null ? 0 : Math.max(0, this.startedAtMs - this.scheduledAtMs) / 1000;
  }
}
