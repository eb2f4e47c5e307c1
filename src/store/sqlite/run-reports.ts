/**
 * `JobStore.reportRun` and `JobStore.readRunLog` on SQLite: progress columns on
 * `eleanor_runs`, and one `eleanor_run_logs` row per run that wrote lines (deleted with the
 * run by its foreign key).
 *
 * @module
 */
import type Database from 'better-sqlite3';
import type { RunLog, RunReport } from '../job-store.js';
import { boundedLogLines, logLinesOf, storedProgress } from '../run-report-rules.js';

interface LogRow {
  readonly text: string;
  readonly lines: number;
  readonly bytes: number;
  readonly cut: number;
}

/** The run report statements, prepared once per connection. */
export class SqliteRunReports {
  readonly #isRunning: Database.Statement<[id: number], { running: number }>;
  readonly #setProgress: Database.Statement<[fraction: number, message: string | null, at: number, id: number]>;
  readonly #log: Database.Statement<[id: number], LogRow>;
  readonly #append: Database.Statement<[id: number, text: string, lines: number, bytes: number, cut: number]>;
  readonly #runExists: Database.Statement<[id: number], { id: number }>;

  /** @param db - a migrated connection */
  constructor(db: Database.Database) {
    this.#isRunning = db.prepare(`SELECT status = 'running' AS running FROM eleanor_runs WHERE id = ?`);
    this.#setProgress = db.prepare('UPDATE eleanor_runs SET progress_fraction = ?, progress_message = ?, progress_at = ? WHERE id = ?');
    this.#log = db.prepare('SELECT text, lines, bytes, cut FROM eleanor_run_logs WHERE run_id = ?');
    this.#append = db.prepare(`
      INSERT INTO eleanor_run_logs (run_id, text, lines, bytes, cut) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (run_id) DO UPDATE SET text = text || excluded.text, lines = lines + excluded.lines,
        bytes = bytes + excluded.bytes, cut = cut + excluded.cut`);
    this.#runExists = db.prepare('SELECT id FROM eleanor_runs WHERE id = ?');
  }

  /** Applies `report` to run `id` if it is running; call inside a write transaction. */
  report(id: number, report: RunReport): boolean {
    if (this.#isRunning.get(id)?.running !== 1) return false;
    const progress = storedProgress(report.progress);
    if (progress !== null) this.#setProgress.run(progress.fraction, progress.message, progress.updatedAt, id);
    if (report.lines.length > 0 || (report.dropped ?? 0) > 0) {
      const log = this.#log.get(id);
      const bounded = boundedLogLines({ lines: log?.lines ?? 0, bytes: log?.bytes ?? 0, cut: log?.cut ?? 0 }, report.lines, report.dropped);
      const text = bounded.kept.map((line) => `${line}\n`).join('');
      this.#append.run(id, text, bounded.kept.length, bounded.bytes, bounded.cut);
    }
    return true;
  }

  /** Run `id`'s log, or `null` when there is no such run. */
  read(id: number): RunLog | null {
    if (this.#runExists.get(id) === undefined) return null;
    const log = this.#log.get(id);
    return log === undefined ? { lines: [], cut: 0 } : { lines: logLinesOf(log.text), cut: log.cut };
  }
}
