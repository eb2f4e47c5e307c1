/**
 * `eleanor-jobs history <job> [-n 20] [--store] [--full] [--tz] [--json]`: a job's latest
 * runs, as a table (text from the store shown with control characters escaped) or as JSON.
 */
import { runView } from '../../http/views.js';
import type { JobStore, RunRecord } from '../../store/job-store.js';
import { CliError } from '../cli-error.js';
import { toJson } from '../cli-json.js';
import { formatTable } from '../format-table.js';
import { formatDuration, formatLocalTime } from '../format-time.js';
import { describeStoreSpec, storeFromSetting, type StoreSetting } from '../store-spec.js';
import { visible } from '../visible-text.js';

/** Options of {@link historyCommand}. */
export interface HistoryOptions {
  /** The store setting in force (`--store`, `ELEANOR_STORE`, ...). */
  readonly store: StoreSetting;
  /** How many runs, newest first. */
  readonly count: number;
  /** `--full`: every error whole, below its row, instead of its first line cut to a column. */
  readonly full?: boolean;
  /** IANA zone the times are shown in (with their offset). Default: the process's zone. */
  readonly tz?: string | undefined;
  /** `--json`: `{ job, triggerCount, runs }`, runs as the HTTP API shows them. */
  readonly json?: boolean;
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
  const store = storeFromSetting(options.store, { mustExist: true });
  try {
    await store.open();
    return await readHistory(store, job, options);
  } finally {
    await store.close();
  }
}

async function readHistory(store: JobStore, job: string, options: HistoryOptions): Promise<string> {
  const [state, runs] = await Promise.all([store.loadState(job), store.listRuns({ job, limit: options.count })]);
  if (state === null && runs.length === 0) throw new CliError(`no runs recorded for job "${job}" in ${describeStoreSpec(options.store.value)}`);
  const triggerCount = state?.triggerCount ?? 0;
  if (options.json === true) return toJson({ job, triggerCount, runs: runs.map(runView) });
  const summary = `${visible(job)}: ${triggerCount} trigger(s) in all; latest ${runs.length} run(s), newest first`;
  const headers = ['ID', 'STATUS', 'TICK', 'STARTED', 'DURATION', 'TRIGGER', 'OWNER'];
  if (options.full !== true) {
    return `${summary}\n${formatTable([...headers, 'ERROR'], runs.map((run) => [...row(run, options.tz), errorExcerpt(run)]))}`;
  }
  // --full: the table without the error column, each run's whole error indented below it.
  const [header, ...lines] = formatTable(headers, runs.map((run) => row(run, options.tz))).split('\n');
  const blocks = lines.map((line, index) => {
    const error = runs[index]?.error ?? null;
    // The stores keep at most MAX_RUN_ERROR_LENGTH characters of an error (with a note of what was cut).
    return error === null ? line : [line, ...visible(error, { keepNewlines: true }).split('\n').map((text) => `    ${text}`)].join('\n');
  });
  return [summary, header, ...blocks].join('\n');
}

function row(run: RunRecord, zone: string | undefined): string[] {
  return [
    run.id,
    run.status,
    run.tickAt === null ? '-' : formatLocalTime(run.tickAt, zone),
    run.startedAt === null ? '-' : formatLocalTime(run.startedAt, zone),
    run.startedAt !== null && run.endedAt !== null ? formatDuration(run.endedAt - run.startedAt) : '-',
    run.trigger === null ? '-' : String(run.trigger),
    visible(run.owner ?? '-'),
  ];
}

/** The error's first line, escaped, cut to {@link ERROR_WIDTH}. */
function errorExcerpt(run: RunRecord): string {
  const error = visible(run.error?.split('\n')[0] ?? '');
  return error.length > ERROR_WIDTH ? `${error.slice(0, ERROR_WIDTH - 3)}...` : error;
}
