/**
 * A job's page (`#/jobs/<name>`): its facts and actions, the duration chart, the run history
 * with errors (message, and the stack behind a disclosure), and its data model (each field's
 * JSON Schema title and description with its value).
 */
import { RUN_AGAIN_STATUSES, actionButtons, runAgainButton, type ActionButtons } from './actions.js';
import { ApiError, getJson, jobPath } from './api.js';
import type { JobDetailView, JobView, RunLogEvent, RunProgressEvent, RunView, RunsResponse } from './api-types.js';
import { lastRunContent, nextRunContent, stateContent, statusBadge, zoneText } from './cells.js';
import { el, replaceChildren, svgToDom, timeEl } from './dom.js';
import { renderDurationChart } from './duration-chart.js';
import { errorSummary, formatDateTime, formatDuration, formatValue } from './format.js';
import { progressBar } from './progress-bar.js';
import { loadRunLog, runLogDisclosure } from './run-log-view.js';
import type { DashboardState } from './state.js';

/** Runs per page of the history table. */
export const HISTORY_PAGE = 100;

/** A JSON Schema property as the dashboard reads it. */
interface SchemaProperty {
  readonly title?: unknown;
  readonly description?: unknown;
  readonly readOnly?: unknown;
}

/** The page of one job. */
export class JobPage {
  readonly element: HTMLElement;
  readonly name: string;
  readonly #state: DashboardState;
  readonly #runs = new Map<string, RunView>();
  readonly #rows = new Map<string, HTMLTableRowElement>();
  readonly #header = el('div', { class: 'job-head' });
  readonly #facts = el('dl', { class: 'facts' });
  readonly #chart = el('div', { class: 'chart-wrap' });
  readonly #history = el('tbody');
  readonly #model = el('tbody');
  readonly #more = el('button', { type: 'button', class: 'secondary', hidden: true }, 'Load older runs');
  #schema: Record<string, SchemaProperty> = {};
  #actions: ActionButtons | null = null;
  #chartTimer: ReturnType<typeof setTimeout> | null = null;

  /**
   * @param state - the shared data (jobs stay live through it)
   * @param name - the job's name
   */
  constructor(state: DashboardState, name: string) {
    this.#state = state;
    this.name = name;
    this.#more.addEventListener('click', () => void this.#loadOlder());
    const th = (text: string): HTMLTableCellElement => el('th', { scope: 'col' }, text);
    this.element = el(
      'div',
      { class: 'job-page' },
      el('nav', { 'aria-label': 'Breadcrumb', class: 'crumbs' }, el('a', { href: '#/' }, 'All jobs'), el('span', { 'aria-hidden': 'true' }, ' / '), el('span', { 'aria-current': 'page' }, name)),
      this.#header,
      this.#facts,
      el('section', { 'aria-labelledby': 'durations-heading' }, el('h3', { id: 'durations-heading' }, 'Durations'), this.#chart),
      el(
        'section',
        { 'aria-labelledby': 'history-heading' },
        el('h3', { id: 'history-heading' }, 'Run history'),
        el(
          'div',
          { class: 'table-wrap' },
          el(
            'table',
            { class: 'history' },
            el('caption', { class: 'visually-hidden' }, `Runs of ${name}, newest first`),
            el('thead', {}, el('tr', {}, th('Run'), th('Status'), th('Started'), th('Duration'), th('Late'), th('Tick'), th('Trigger'), th('Error'), th('Log'))),
            this.#history,
          ),
        ),
        this.#more,
      ),
      el(
        'section',
        { 'aria-labelledby': 'model-heading' },
        el('h3', { id: 'model-heading' }, 'Data model'),
        el('div', { class: 'table-wrap' }, el('table', { class: 'model' }, el('thead', {}, el('tr', {}, th('Field'), th('Value'), th('Description'))), this.#model)),
      ),
    );
  }

  /** Loads the job's detail and runs; shows "no such job" on a 404. */
  async load(): Promise<void> {
    try {
      const [detail, runs] = await Promise.all([getJson<JobDetailView>(jobPath(this.name)), getJson<RunsResponse>(`${jobPath(this.name)}/runs?limit=${HISTORY_PAGE}`)]);
      const properties = (detail.schema as { properties?: unknown } | null)?.properties;
      this.#schema = typeof properties === 'object' && properties !== null ? (properties as Record<string, SchemaProperty>) : {};
      this.#state.upsertJob(detail);
      for (const run of runs.runs) this.#runs.set(run.id, run);
      this.#more.hidden = runs.runs.length < HISTORY_PAGE;
      this.renderJob();
      this.#renderHistory();
      this.#renderChart();
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        replaceChildren(this.element, el('h2', {}, 'No such job'), el('p', {}, `The runner has no job named "${this.name}". `, el('a', { href: '#/' }, 'Back to all jobs')));
        return;
      }
      throw error;
    }
  }

  /** Redraws the header, facts and model values from the live job view. */
  renderJob(): void {
    const job = this.#state.jobs.get(this.name);
    if (job === undefined) return;
    const now = this.#state.now();
    if (this.#header.childElementCount === 0) {
      this.#actions = this.#state.actionsEnabled ? actionButtons(this.#state, this.name) : null;
      replaceChildren(this.#header, el('h2', { id: 'job-heading' }, job.name), el('span', { class: 'job-state' }), this.#actions?.element);
    }
    const stateSlot = this.#header.querySelector('.job-state');
    if (stateSlot !== null) replaceChildren(stateSlot, ...stateContent(job, this.#state.staleSince));
    this.#actions?.update(job);
    const fact = (term: string, ...value: (Node | string)[]): Node[] => [el('div', {}, el('dt', {}, term), el('dd', {}, ...value))];
    replaceChildren(
      this.#facts,
      ...fact('Schedule', job.description, ...(job.cron !== null ? [' ', el('code', {}, job.cron)] : [])),
      ...fact('Zone', zoneText(job)),
      ...fact('Next run', ...nextRunContent(job, now, this.#state.staleSince !== null)),
      ...fact('Last run', ...lastRunContent(job.lastRun, now)),
      ...fact('Triggers', String(job.triggerCount)),
      ...fact('Failures (24 h)', String(job.failures24h)),
      ...fact('Missed / skipped ticks', `${job.missedTicks} / ${job.skippedTicks}`),
    );
    this.#renderModel(job);
  }

  /** Merges a live run of this job. */
  onRun(run: RunView): void {
    if (run.job !== this.name) return;
    const known = this.#runs.get(run.id);
    if (known !== undefined && known.status !== 'running' && run.status === 'running') return;
    this.#runs.set(run.id, run);
    this.#renderHistory();
    if (this.#chartTimer !== null) return;
    this.#chartTimer = setTimeout(() => {
      this.#chartTimer = null;
      this.#renderChart();
    }, 250);
  }

  /** Shows a running run's new progress. */
  onProgress(event: RunProgressEvent): void {
    const run = this.#runs.get(event.runId);
    if (run === undefined || run.status !== 'running') return;
    this.#runs.set(run.id, { ...run, progress: event.progress });
    this.#renderHistory();
  }

  /** Reads an open log of a running run again when it logged more. */
  onLog(event: RunLogEvent): void {
    const details = this.#rows.get(event.runId)?.querySelector<HTMLDetailsElement>('details.run-log');
    if (details?.open === true) void loadRunLog(details);
  }

  /** Reloads the newest runs (after a reconnect or on a poll). */
  async refreshRuns(): Promise<void> {
    const { runs } = await getJson<RunsResponse>(`${jobPath(this.name)}/runs?limit=${HISTORY_PAGE}`);
    for (const run of runs) this.onRun(run);
  }

  async #loadOlder(): Promise<void> {
    const oldest = [...this.#runs.keys()].map(Number).sort((a, b) => a - b)[0];
    if (oldest === undefined) return;
    const { runs } = await getJson<RunsResponse>(`${jobPath(this.name)}/runs?limit=${HISTORY_PAGE}&beforeId=${oldest}`);
    for (const run of runs) this.#runs.set(run.id, run);
    this.#more.hidden = runs.length < HISTORY_PAGE;
    this.#renderHistory();
    this.#renderChart();
  }

  /** Keyed rows, newest first; a row is rebuilt only when its run changed. */
  #renderHistory(): void {
    const runs = [...this.#runs.values()].sort((a, b) => Number(b.id) - Number(a.id));
    if (runs.length === 0) {
      replaceChildren(this.#history, el('tr', {}, el('td', { colspan: 9, class: 'muted' }, 'No runs yet.')));
      return;
    }
    this.#history.querySelector('tr:not([data-run-id])')?.remove();
    let previous: HTMLTableRowElement | null = null;
    for (const run of runs) {
      const key = `${run.status}|${run.endedAt ?? ''}|${run.progress?.updatedAt ?? ''}`;
      let row = this.#rows.get(run.id);
      if (row === undefined || row.dataset.key !== key) {
        const fresh = historyRow(run, this.#state.actionsEnabled && RUN_AGAIN_STATUSES.has(run.status) ? runAgainButton(this.#state, this.name, run.id) : null);
        fresh.dataset.key = key;
        keepOpenLog(row, fresh, run.status !== 'running');
        row?.replaceWith(fresh);
        row = fresh;
        this.#rows.set(run.id, row);
      }
      const expected: Element | null = previous === null ? this.#history.firstElementChild : previous.nextElementSibling;
      if (expected !== row) {
        if (previous === null) this.#history.prepend(row);
        else previous.after(row);
      }
      previous = row;
    }
  }

  #renderChart(): void {
    replaceChildren(this.#chart, svgToDom(renderDurationChart([...this.#runs.values()], { title: `Durations of the last ${Math.min(100, this.#runs.size)} runs of ${this.name}` })));
  }

  #renderModel(job: JobView): void {
    const keys = [...new Set([...Object.keys(this.#schema), ...Object.keys(job.model)])];
    replaceChildren(
      this.#model,
      ...keys.map((key) => {
        const property = this.#schema[key] ?? {};
        const title = typeof property.title === 'string' ? property.title : key;
        const description = typeof property.description === 'string' ? property.description : '';
        return el(
          'tr',
          {},
          el('th', { scope: 'row' }, el('span', { class: 'field-title' }, title), el('code', {}, key), property.readOnly === true ? el('span', { class: 'tag' }, 'read-only') : null),
          el('td', { 'data-label': 'Value' }, el('code', { class: 'value' }, formatValue(job.model[key]))),
          el('td', { 'data-label': 'Description', class: 'description' }, description),
        );
      }),
    );
  }
}

/** One row of the run history; `runAgain` (a failed run's "Run again") goes next to the status. */
function historyRow(run: RunView, runAgain: HTMLButtonElement | null): HTMLTableRowElement {
  const error =
    run.error === null || run.error === ''
      ? el('span', { class: 'muted' }, '—')
      : el('details', { class: 'error' }, el('summary', {}, errorSummary(run.error)), el('pre', {}, run.error));
  return el(
    'tr',
    { 'data-run-id': run.id },
    el('td', { 'data-label': 'Run', class: 'num' }, `#${run.id}`),
    el('td', { 'data-label': 'Status' }, statusBadge(run.status), runAgain === null ? null : ' ', runAgain),
    el('td', { 'data-label': 'Started' }, run.startedAt === null ? el('span', { class: 'muted' }, 'not run') : timeEl(run.startedAt, formatDateTime(run.startedAt))),
    el('td', { 'data-label': 'Duration', class: 'num' }, run.durationMs === null ? (run.status === 'running' ? (progressBar(run, `run #${run.id}`) ?? 'running') : '—') : formatDuration(run.durationMs)),
    el('td', { 'data-label': 'Late', class: 'num' }, run.latenessMs === null ? '—' : formatDuration(run.latenessMs)),
    el('td', { 'data-label': 'Tick' }, run.tickAt === null ? el('span', { class: 'muted' }, '—') : timeEl(run.tickAt, formatDateTime(run.tickAt))),
    el('td', { 'data-label': 'Trigger', class: 'num' }, run.trigger === null ? '—' : String(run.trigger)),
    el('td', { 'data-label': 'Error' }, error),
    el('td', { 'data-label': 'Log' }, run.startedAt === null ? el('span', { class: 'muted' }, '—') : runLogDisclosure(run.id)),
  );
}

/** Moves an open log from a run's old row to its rebuilt one (read again when the run `ended`). */
function keepOpenLog(old: HTMLTableRowElement | undefined, fresh: HTMLTableRowElement, ended: boolean): void {
  const open = old?.querySelector<HTMLDetailsElement>('details.run-log[open]');
  const slot = fresh.querySelector('details.run-log');
  if (open == null || slot === null) return;
  slot.replaceWith(open);
  if (ended) void loadRunLog(open);
}
