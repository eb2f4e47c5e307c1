/**
 * What `StoreHost` keeps per job: the lease it holds (fence, epoch, local deadline), the run in
 * progress, and the ordering of its writes.
 *
 * @module
 */
import type { ExecutionGrant, HostedJob } from '../job/job-host.js';
import type { RunRecord } from '../store/job-store.js';
import { CutoffEntry } from '../time/timer-queue.js';

/**
 * A lease counts as lost this long before it would expire unconfirmed (a tenth of its length,
 * at most 500 ms), so that an execution stops before another replica may take the job over.
 */
export const expiryMargin = (leaseMs: number): number => Math.min(leaseMs / 10, 500);

/** The `settled` of a slot with no finish or release work in progress: one resolved promise for all. */
export const SETTLED: Promise<void> = Promise.resolve();

/** An execution the store granted, from claim to finish. */
export interface ActiveRun {
  readonly grant: ExecutionGrant;
  /** The execution's controller (the job's): aborted when the lease is lost. */
  readonly controller: AbortController;
  readonly record: RunRecord;
  /** The lease was lost while this run held it. */
  leaseLost: boolean;
}

/** What the host knows about one job. */
export interface JobSlot {
  readonly name: string;
  readonly keepsLease: boolean;
  /** The lease fence this process holds, or `null`. */
  fence: number | null;
  /** Changes whenever the lease is claimed or given up, so stale renewals are ignored. */
  epoch: number;
  /**
   * When the newest request the store confirmed the lease with was sent (local clock): the
   * lease is live until at least this plus the lease length.
   */
  confirmedAt: number;
  /** Fires shortly before the lease would expire unconfirmed: the lease then counts as lost. */
  readonly deadline: CutoffEntry;
  /** When the renewal in flight was sent, or `NaN` when none is. */
  renewSentAt: number;
  run: ActiveRun | null;
  /**
   * The key of the previous claim when it rejected (its commit may or may not have happened):
   * the next claim is re-sent under it as a retry. `null` when no claim is in doubt.
   */
  claimInDoubt: string | null;
  /** The job was asked to stop: claims that resolve now are given back. */
  stopping: boolean;
  /** Rows left to write before the next prune (a `PruneCountdown`, see prune-schedule.ts; 0: due at the next row). */
  writesUntilPrune: number;
  /** Finish and release work of this job, in order; {@link SETTLED} when none is in progress. */
  settled: Promise<void>;
}

/** A new slot for `job`; `onDeadline` runs when its lease would expire unconfirmed. */
export function createJobSlot(job: HostedJob, writesUntilPrune: number, onDeadline: (slot: JobSlot) => void): JobSlot {
  const slot: JobSlot = {
    name: job.name,
    keepsLease: job.cron === null,
    fence: null,
    epoch: 0,
    confirmedAt: Number.NEGATIVE_INFINITY,
    deadline: new CutoffEntry(() => onDeadline(slot)),
    renewSentAt: Number.NaN,
    run: null,
    claimInDoubt: null,
    stopping: false,
    writesUntilPrune,
    settled: SETTLED,
  };
  return slot;
}

/** The slots of a host's jobs, by name; a job's slot is created on first use. */
export class JobSlots {
  readonly #byName = new Map<string, JobSlot>();
  readonly #pruneEvery: number;
  readonly #onDeadline: (slot: JobSlot) => void;
  /** The job found last and its slot: a job's calls come in runs (a stop reports two states, then detaches). */
  #lastJob: HostedJob | null = null;
  #lastSlot: JobSlot | undefined;

  /** Slots whose first prune is spread over `pruneEvery` rows (the n-th job's countdown starts at n mod `pruneEvery`, so jobs started together do not all come due at once); `onDeadline` as in {@link createJobSlot}. */
  constructor(pruneEvery: number, onDeadline: (slot: JobSlot) => void) {
    this.#pruneEvery = pruneEvery;
    this.#onDeadline = onDeadline;
  }

  /** The job's slot, if it has one. */
  find(job: HostedJob): JobSlot | undefined {
    if (this.#lastJob !== job || this.#lastSlot === undefined) {
      this.#lastSlot = this.#byName.get(job.name);
      this.#lastJob = job;
    }
    return this.#lastSlot;
  }

  /** The job's slot, created if it has none. */
  of(job: HostedJob): JobSlot {
    let slot = this.find(job);
    if (slot === undefined) {
      slot = createJobSlot(job, this.#byName.size % this.#pruneEvery, this.#onDeadline);
      this.#byName.set(job.name, slot);
      this.#lastSlot = slot;
    }
    return slot;
  }
}
