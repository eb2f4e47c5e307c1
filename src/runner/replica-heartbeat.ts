/**
 * `ReplicaHeartbeat`: a runner's row in the store's replicas table (`JobStore.replicas`).
 *
 * - At start, and then every `intervalMs` (the runner's poll interval, on the shared timer
 *   queue), the runner upserts its row: owner, host, pid, version, start time, interval. The
 *   store stamps it with its own clock; a replica counts as stale once
 *   `REPLICA_STALE_BEATS` intervals pass without a beat.
 * - A beat still unanswered when the next is due is not doubled (a hanging store costs one
 *   call at a time). A failing store is logged once (warn) until a beat succeeds again (info);
 *   a beat never throws.
 * - On the first beat and every {@link PRUNE_EVERY_BEATS} beats after it, rows not seen for
 *   {@link REPLICA_RETENTION_MS} are deleted, so the table stays bounded.
 * - {@link ReplicaHeartbeat.stop} cancels the next beat, waits (bounded) for one in flight and
 *   marks the row stopped; a stop that runs out of time leaves the row to go stale.
 *
 * @module
 */
import { hostname } from 'node:os';
import { toError } from '../errors/to-error.js';
import type { JobLogger } from '../job/job-logger.js';
import type { JobStore } from '../store/job-store.js';
import { CancellableWaits } from '../time/cancellable-waits.js';
import { sharedTimerQueue, TimerEntry } from '../time/timer-queue.js';
import { PACKAGE_VERSION } from './package-version.js';

/** Rows of replicas not seen for this long (ms) are pruned: one hour. */
export const REPLICA_RETENTION_MS = 3_600_000;

/** The heartbeat prunes the replicas table on its first beat and every this many beats. */
export const PRUNE_EVERY_BEATS = 100;

/** Options of {@link ReplicaHeartbeat}. */
export interface ReplicaHeartbeatOptions {
  /** The (opened) store. */
  readonly store: JobStore;
  /** The runner's owner id. */
  readonly owner: string;
  /** Milliseconds between beats. */
  readonly intervalMs: number;
  /** Logs failures (once per outage) and recoveries. */
  readonly logger: JobLogger;
}

/** Keeps one runner's row in the replicas table fresh; see the module comment. */
export class ReplicaHeartbeat {
  readonly #store: JobStore;
  readonly #owner: string;
  readonly #intervalMs: number;
  readonly #logger: JobLogger;
  readonly #timer = new TimerEntry(() => this.#beat());
  readonly #stopWaits = new CancellableWaits();
  #startedAt = 0;
  #inFlight: Promise<void> | null = null;
  #beats = 0;
  #failing = false;
  #running = false;

  /** @param options - see {@link ReplicaHeartbeatOptions} */
  constructor(options: ReplicaHeartbeatOptions) {
    this.#store = options.store;
    this.#owner = options.owner;
    this.#intervalMs = options.intervalMs;
    this.#logger = options.logger;
  }

  /** Beats now and every interval until {@link ReplicaHeartbeat.stop}. `startedAt` is the runner's start. */
  start(startedAt: number): void {
    this.#startedAt = startedAt;
    this.#running = true;
    this.#beat();
  }

  /**
   * Stops beating: cancels the next beat, waits for one in flight, then marks the row
   * stopped, all within `timeoutMs` (the waits end when it elapses; nothing throws).
   */
  async stop(timeoutMs: number): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    sharedTimerQueue.cancel(this.#timer);
    const inFlight = this.#inFlight ?? Promise.resolve();
    const stopped = inFlight.then(() => this.#store.replicas.markStopped(this.#owner));
    const marked = stopped.then(
      () => true,
      (error: unknown) => {
        const failure = toError(error);
        this.#logger.warn({ event: 'replica-stop-failed', err: failure }, `could not mark this replica stopped (it shows as stale): ${failure.message}`);
        return true;
      },
    );
    const inTime = await Promise.race([marked, this.#stopWaits.wait(Math.max(0, timeoutMs)).then(() => false)]);
    this.#stopWaits.endAll();
    if (!inTime) this.#logger.warn({ event: 'replica-stop-timeout' }, 'the store did not confirm this replica stopped in time (it shows as stale)');
  }

  #beat(): void {
    if (!this.#running) return;
    sharedTimerQueue.schedule(this.#timer, Date.now() + this.#intervalMs);
    if (this.#inFlight !== null) return;
    const prune = this.#beats % PRUNE_EVERY_BEATS === 0;
    this.#beats++;
    this.#inFlight = this.#send(prune).finally(() => {
      this.#inFlight = null;
    });
  }

  async #send(prune: boolean): Promise<void> {
    try {
      await this.#store.replicas.heartbeat({
        owner: this.#owner,
        host: hostname(),
        pid: process.pid,
        version: PACKAGE_VERSION,
        startedAt: this.#startedAt,
        heartbeatMs: Math.max(1, Math.round(this.#intervalMs)),
      });
      if (prune) await this.#store.replicas.prune(REPLICA_RETENTION_MS);
      if (this.#failing) this.#logger.info({ event: 'heartbeat-recovered' }, 'replica heartbeats reach the store again');
      this.#failing = false;
    } catch (error) {
      if (this.#failing) return;
      this.#failing = true;
      const failure = toError(error);
      this.#logger.warn({ event: 'heartbeat-failed', err: failure }, `the replica heartbeat failed (retrying every ${this.#intervalMs} ms, logged once): ${failure.message}`);
    }
  }
}
