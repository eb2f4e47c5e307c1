/**
 * The replicas table of {@link MemoryStore}: a map by owner, times from the store's clock.
 *
 * @module
 */
import type { Clock } from '../time/clock.js';
import type { ReplicaBeat, ReplicaRecord, ReplicaRegistry } from './job-store.js';
import { checkNotSeenForMs, checkReplicaBeat, toReplicaRecord, type ReplicaRow } from './replica-rows.js';
import { checkName } from './store-arguments.js';

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

/** {@link ReplicaRegistry} in this process's memory. */
export class MemoryReplicas implements ReplicaRegistry {
  readonly #rows = new Map<string, ReplicaRow>();
  readonly #clock: Clock;
  readonly #checkOpen: () => void;

  /**
   * @param clock - the store's clock
   * @param checkOpen - throws when the store is closed
   */
  constructor(clock: Clock, checkOpen: () => void) {
    this.#clock = clock;
    this.#checkOpen = checkOpen;
  }

  /** {@inheritDoc ReplicaRegistry.heartbeat} */
  async heartbeat(beat: ReplicaBeat): Promise<void> {
    this.#checkOpen();
    checkReplicaBeat(beat);
    const { owner, host, pid, version, startedAt, heartbeatMs } = beat;
    const row = { owner, host, pid, version, started_at: startedAt, heartbeat_ms: heartbeatMs, last_seen_at: this.#clock.now(), stopped_at: null };
    this.#rows.set(owner, row);
  }

  /** {@inheritDoc ReplicaRegistry.markStopped} */
  async markStopped(owner: string): Promise<void> {
    this.#checkOpen();
    checkName('owner', owner);
    const row = this.#rows.get(owner);
    const now = this.#clock.now();
    if (row !== undefined) this.#rows.set(owner, { ...row, last_seen_at: now, stopped_at: now });
  }

  /** {@inheritDoc ReplicaRegistry.list} */
  async list(): Promise<ReplicaRecord[]> {
    this.#checkOpen();
    const now = this.#clock.now();
    return [...this.#rows.values()].sort((a, b) => Buffer.compare(utf8(a.owner), utf8(b.owner))).map((row) => toReplicaRecord(row, now));
  }

  /** {@inheritDoc ReplicaRegistry.prune} */
  async prune(notSeenForMs: number): Promise<number> {
    this.#checkOpen();
    checkNotSeenForMs(notSeenForMs);
    const cutoff = this.#clock.now() - notSeenForMs;
    let deleted = 0;
    for (const [owner, row] of this.#rows) {
      if (Number(row.last_seen_at) < cutoff) {
        this.#rows.delete(owner);
        deleted++;
      }
    }
    return deleted;
  }
}
