/**
 * `eleanor-jobs history <job> [-n 20] [--store]`: a job's latest runs, as a table.
 */
import type { JobStore, RunRecord } from '../../store/job-store.js';
import { CliError } from '../cli-error.js';
import { formatTable } from '../format-table.js';
import { formatDuration, formatLocalTime } from '../format-time.js';
import { describeStoreSpec, storeFromSpec } from '../store-spec.js';

/** Options of {@link historyCommand}. */
export interface HistoryOptions {
  /** `--store`: an SQLite path or a postgres URL. */
  readonly store: string;
  /** How many runs, newest first. */
  readonly count: number;
}

/** Longest error excerpt shown in the table. */
const ERROR_WIDTH = 60;

/**
 * The text `history` prints.
 *
 * @throws CliError when the store is missing or the job has nothing recorded; StoreError when
 *   the store cannot be opened (unreadable, corrupt)
 */
export async function historyCommand(job: string, options: HistoryOptions): Promise<string> {
  const store = storeFromSpec(options.store, { mustExist: true });
  try {
    await store.open();
    return await historyTable(store, job, options);
  } finally {
    await store.close();
  }
}

async function historyTable(store: JobStore, job: string, options: HistoryOptions): Promise<string> {
  const [state, runs] = await Promise.all([store.loadState(job), store.listRuns({ job, limit: options.count })]);
  if (state === null && runs.length === 0) throw new CliError(`no runs recorded for job "${job}" in ${describeStoreSpec(options.store)}`);
  const rows = runs.map(row);
  const summary = `${job}: ${state?.triggerCount ?? 0} trigger(s) in all; latest ${runs.length} run(s), newest first`;
  return `${summary}\n${formatTable(['ID', 'STATUS', 'TICK', 'STARTED', 'DURATION', 'TRIGGER', 'OWNER', 'ERROR'], rows)}`;
}

function row(run: RunRecord): string[] {
  const error = run.error?.split('\n')[0] ?? '';
  return [
    run.id,
    run.status,
    run.tickAt === null ? '-' : formatLocalTime(run.tickAt),
    run.startedAt === null ? '-' : formatLocalTime(run.startedAt),
    run.startedAt !== null && run.endedAt !== null ? formatDuration(run.endedAt - run.startedAt) : '-',
    run.trigger === null ? '-' : String(run.trigger),
    run.owner ?? '-',
    error.length > ERROR_WIDTH ? `${error.slice(0, ERROR_WIDTH - 3)}...` : error,
  ];
}
