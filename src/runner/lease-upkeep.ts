/**
 * `LeaseUpkeep`: one round of a runner's lease upkeep, at most two store calls per
 * `MAX_BATCH_ITEMS` leases held (see `in-chunks.ts`): one `renewLeases` for the leases an
 * execution (or its finish) holds, so that a lost lease aborts it, and one `acquireLeases` for
 * idle interval jobs, which may also take a lapsed lease back (with a new fence). The answers go
 * back to the host through {@link LeaseUpkeepOutcomes}; a failed call is logged once for the
 * round, and the leases' deadlines, not the answers, decide when a lease counts as lost.
 *
 * @module
 */
import { toError } from '../errors/to-error.js';
import type { JobLogger } from '../job/job-logger.js';
import type { JobStore } from '../store/job-store.js';
import { inChunks } from './in-chunks.js';
import type { ActiveRun, JobSlot } from './job-slot.js';

/** What the host does with a round's answers. */
export interface LeaseUpkeepOutcomes {
  /** The store confirmed the lease with a request sent at `sentAt`. */
  confirm(slot: JobSlot, sentAt: number): void;
  /** The execution's lease is gone: abort the run (if it is still the slot's). */
  lose(slot: JobSlot, run: ActiveRun | null, detail: string): void;
  /** An idle interval job's lease is another owner's now: forget it. */
  drop(slot: JobSlot): void;
  /** An idle interval job's lapsed lease was taken back with a new fence. */
  hold(slot: JobSlot, fence: number, sentAt: number): void;
}

/** Where and as whom a {@link LeaseUpkeep} renews. */
export interface LeaseUpkeepOptions {
  /** The runner's store. */
  readonly store: JobStore;
  /** This process's identifier on leases. */
  readonly owner: string;
  /** Lease length in milliseconds; a round is due every third of it. */
  readonly leaseMs: number;
  /** Logs failed rounds. */
  readonly logger: JobLogger;
}

/** A lease sent in a round, with what its slot was when it was sent. */
interface SentLease {
  readonly slot: JobSlot;
  readonly fence: number;
  readonly epoch: number;
  readonly run: ActiveRun | null;
}

/** Sends upkeep rounds for a host's held leases (see the module comment). */
export class LeaseUpkeep {
  readonly #options: LeaseUpkeepOptions;
  readonly #outcomes: LeaseUpkeepOutcomes;

  /**
   * @param options - store, owner, lease length and logger
   * @param outcomes - receives each lease's answer
   */
  constructor(options: LeaseUpkeepOptions, outcomes: LeaseUpkeepOutcomes) {
    this.#options = options;
    this.#outcomes = outcomes;
  }

  /**
   * Renews the held leases that have no renewal in flight sent less than a period ago (a request
   * on a stalled connection may never answer: it does not hold back the next round). Resolves
   * when every call settled.
   */
  async round(held: Iterable<JobSlot>, now: number): Promise<void> {
    const period = this.#options.leaseMs / 3;
    const renewing: SentLease[] = [];
    const reacquiring: SentLease[] = [];
    for (const slot of held) {
      if (slot.fence === null || now - slot.renewSentAt < period) continue;
      slot.renewSentAt = now;
      const sent = { slot, fence: slot.fence, epoch: slot.epoch, run: slot.run };
      (slot.run !== null || !slot.keepsLease ? renewing : reacquiring).push(sent);
    }
    await Promise.all([...inChunks(renewing).map((chunk) => this.#renew(chunk, now)), ...inChunks(reacquiring).map((chunk) => this.#reacquire(chunk, now))]);
  }

  async #renew(leases: readonly SentLease[], sentAt: number): Promise<void> {
    const { store, owner, leaseMs } = this.#options;
    await this.#send('renewLeases', leases, sentAt, async () => {
      const held = await store.renewLeases(leases.map(({ slot, fence }) => ({ job: slot.name, owner, fence, leaseMs })));
      leases.forEach(({ slot, epoch, run }, index) => {
        if (slot.epoch !== epoch) return;
        if (held[index] === true) this.#outcomes.confirm(slot, sentAt);
        else this.#outcomes.lose(slot, run, 'another holder has it, or it expired');
      });
    });
  }

  async #reacquire(leases: readonly SentLease[], sentAt: number): Promise<void> {
    const { store, owner, leaseMs } = this.#options;
    await this.#send('acquireLeases', leases, sentAt, async () => {
      const taken = await store.acquireLeases(leases.map(({ slot }) => ({ job: slot.name, owner, leaseMs })));
      leases.forEach(({ slot, epoch, fence }, index) => {
        if (slot.epoch !== epoch || slot.run !== null) return;
        const fenceNow = taken[index] ?? null;
        if (fenceNow === null) this.#outcomes.drop(slot);
        else if (fenceNow === fence) this.#outcomes.confirm(slot, sentAt);
        else this.#outcomes.hold(slot, fenceNow, sentAt);
      });
    });
  }

  async #send(operation: string, leases: readonly SentLease[], sentAt: number, call: () => Promise<void>): Promise<void> {
    try {
      await call();
    } catch (error) {
      const failure = toError(error);
      const jobs = leases.filter(({ slot, epoch }) => slot.epoch === epoch).length;
      if (jobs > 0) {
        this.#options.logger.warn({ event: 'renew-failed', operation, jobs, err: failure }, `renewing ${jobs} leases (${operation}) failed: ${failure.message}`);
      }
    } finally {
      for (const { slot } of leases) if (slot.renewSentAt === sentAt) slot.renewSentAt = Number.NaN;
    }
  }
}
