/**
 * The run logs of the {@link MemoryStore}: each run's kept lines, within the bounds of
 * `run-report-rules.ts`, deleted with the run.
 *
 * @module
 */
import type { RunLog } from './job-store.js';
import { boundedLogLines } from './run-report-rules.js';

interface MutableLog {
  readonly lines: string[];
  bytes: number;
  cut: number;
}

/** Every run's log, by run id. */
export class MemoryRunLogs {
  readonly #logs = new Map<number, MutableLog>();

  /** Appends `lines` to run `id`'s log, keeping what fits. */
  append(id: number, lines: readonly string[], dropped = 0): void {
    if (lines.length === 0 && dropped === 0) return;
    let log = this.#logs.get(id);
    if (log === undefined) this.#logs.set(id, (log = { lines: [], bytes: 0, cut: 0 }));
    const bounded = boundedLogLines({ lines: log.lines.length, bytes: log.bytes, cut: log.cut }, lines, dropped);
    log.lines.push(...bounded.kept);
    log.bytes += bounded.bytes;
    log.cut += bounded.cut;
  }

  /** Run `id`'s log (empty when it wrote none). */
  read(id: number): RunLog {
    const log = this.#logs.get(id);
    return log === undefined ? { lines: [], cut: 0 } : { lines: [...log.lines], cut: log.cut };
  }

  /** Forgets the logs of deleted runs. */
  delete(ids: Iterable<number>): void {
    for (const id of ids) this.#logs.delete(id);
  }
}
