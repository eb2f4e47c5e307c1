/**
 * `JobStore.reportRun` and `JobStore.readRunLog` on PostgreSQL: progress columns on `runs`,
 * and one `run_logs` row per run that wrote lines (deleted with the run by its foreign key).
 * A report is at most two statements: the progress update (which also answers whether the run
 * is running and how much of its log is used) and, when there are lines, the append. One
 * process writes a run's reports (the one that claimed it), so the two need no transaction.
 *
 * @module
 */
import type { QueryResult, QueryResultRow } from 'pg';
import type { RunLog, RunReport } from '../job-store.js';
import { boundedLogLines, checkRunReport, logLinesOf, storedProgress } from '../run-report-rules.js';
import { parseRunId } from '../store-arguments.js';

/**
 * Records the progress of a running run (left as it is when `$2` is null) and returns how much
 * of its log is used; no row when the run is not running.
 * -- Params: $1 run id, $2 fraction, $3 message, $4 reported at
 */
export const REPORT_PROGRESS_SQL = `
UPDATE __SCHEMA__.runs AS r
   SET progress_fraction = COALESCE($2::double precision, r.progress_fraction),
       progress_message  = CASE WHEN $2::double precision IS NULL THEN r.progress_message ELSE $3::text END,
       progress_at       = COALESCE($4::bigint, r.progress_at)
 WHERE r.id = $1::bigint AND r.status = 'running'
RETURNING (SELECT l.lines FROM __SCHEMA__.run_logs AS l WHERE l.run_id = r.id) AS lines,
          (SELECT l.bytes FROM __SCHEMA__.run_logs AS l WHERE l.run_id = r.id) AS bytes,
          (SELECT l.cut FROM __SCHEMA__.run_logs AS l WHERE l.run_id = r.id) AS cut`;

/**
 * Appends kept lines to a run's log.
 * -- Params: $1 run id, $2 text (lines each followed by a newline), $3 lines, $4 bytes, $5 cut
 */
export const APPEND_LOG_SQL = `
INSERT INTO __SCHEMA__.run_logs AS l (run_id, text, lines, bytes, cut)
VALUES ($1::bigint, $2::text, $3::integer, $4::integer, $5::integer)
ON CONFLICT (run_id) DO UPDATE
   SET text = l.text || EXCLUDED.text, lines = l.lines + EXCLUDED.lines,
       bytes = l.bytes + EXCLUDED.bytes, cut = l.cut + EXCLUDED.cut`;

/**
 * A run's log; no row when there is no such run, null columns when it wrote none.
 * -- Params: $1 run id
 */
export const READ_LOG_SQL = `
SELECT l.text, l.cut
  FROM __SCHEMA__.runs AS r LEFT JOIN __SCHEMA__.run_logs AS l ON l.run_id = r.id
 WHERE r.id = $1::bigint`;

/**
 * Runs one statement (SQL with the schema placeholder) as the store does; `resend` when
 * re-sending it on another connection is harmless.
 */
export type RunReportQuery = <R extends QueryResultRow>(operation: string, sql: string, params: readonly unknown[], resend?: () => readonly unknown[]) => Promise<QueryResult<R>>;

/** The run report operations of a `PostgresStore`, over its query function. */
export class PostgresRunReports {
  readonly #query: RunReportQuery;

  /** @param query - the store's statement runner */
  constructor(query: RunReportQuery) {
    this.#query = query;
  }

  /** {@inheritDoc JobStore.reportRun} */
  async report(report: RunReport): Promise<boolean> {
    checkRunReport(report);
    const progress = storedProgress(report.progress);
    const params = [report.runId, progress?.fraction ?? null, progress?.message ?? null, progress?.updatedAt ?? null];
    const updated = await this.#query<{ lines: number | null; bytes: number | null; cut: number | null }>('reportRun', REPORT_PROGRESS_SQL, params, () => params);
    const use = updated.rows[0];
    if (use === undefined) return false;
    if (report.lines.length === 0 && (report.dropped ?? 0) === 0) return true;
    const bounded = boundedLogLines({ lines: use.lines ?? 0, bytes: use.bytes ?? 0, cut: use.cut ?? 0 }, report.lines, report.dropped);
    const text = bounded.kept.map((line) => `${line}\n`).join('');
    await this.#query('reportRun', APPEND_LOG_SQL, [report.runId, text, bounded.kept.length, bounded.bytes, bounded.cut]);
    return true;
  }

  /** {@inheritDoc JobStore.readRunLog} */
  async read(runId: string): Promise<RunLog | null> {
    parseRunId('runId', runId);
    const result = await this.#query<{ text: string | null; cut: number | null }>('readRunLog', READ_LOG_SQL, [runId], () => [runId]);
    const row = result.rows[0];
    if (row === undefined) return null;
    return { lines: logLinesOf(row.text ?? ''), cut: row.cut ?? 0 };
  }
}
