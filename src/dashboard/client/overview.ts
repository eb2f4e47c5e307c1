/**
 * The overview at `/`: the table of every job, the timeline of the last hour or day, and the
 * replicas.
 * Rows are keyed by job and updated in place, so live updates never move keyboard focus.
 */
import { actionButtons, type ActionButtons } from './actions.js';
import type { JobView } from './api-types.js';
import { lastRunContent, nextRunContent, stateContent, jobHref, zoneText } from './cells.js';
import { el, replaceChildren, svgToDom } from './dom.js';
import { followNow, type FollowNow } from './follow-now.js';
import { laneNames } from './lane-names.js';
import { ReplicasPanel } from './replicas-panel.js';
import { WINDOWS, type DashboardState, type WindowName } from './state.js';
import { renderTimeline } from './timeline.js';

/** Scroll offset (px) of the timeline from which the pinned lane names show. */
const PINNED_NAMES_AFTER = 40;

/** One table row and its updatable cells. */
interface Row {
  readonly row: HTMLTableRowElement;
  readonly state: HTMLTableCellElement;
  readonly next: HTMLTableCellElement;
  readonly last: HTMLTableCellElement;
  readonly triggers: HTMLTableCellElement;
  readonly failures: HTMLTableCellElement;
  readonly actions: ActionButtons | null;
}

/** The overview, mounted in a container. */
export class OverviewView {
  readonly element: HTMLElement;
  /** The replicas panel, below the timeline (loaded by the page). */
  readonly replicas = new ReplicasPanel();
  readonly #state: DashboardState;
  readonly #tbody: HTMLTableSectionElement;
  readonly #count: HTMLElement;
  readonly #timeline: HTMLElement;
  readonly #follow: FollowNow;
  readonly #rows = new Map<string, Row>();
  readonly #windowButtons = new Map<WindowName, HTMLButtonElement>();
  #timelineTimer: ReturnType<typeof setTimeout> | null = null;

  /** @param state - the data to show */
  constructor(state: DashboardState) {
    this.#state = state;
    this.#count = el('span', { class: 'count' });
    const headers = ['Job', 'Schedule', 'Zone', 'State', 'Next run', 'Last run', 'Triggers', 'Failures (24 h)'];
    if (state.actionsEnabled) headers.push('Actions');
    this.#tbody = el('tbody');
    const table = el(
      'table',
      { class: 'jobs' },
      el('caption', { class: 'visually-hidden' }, 'Every job: schedule, state, next and last run, triggers and recent failures'),
      el('thead', {}, el('tr', {}, ...headers.map((header) => el('th', { scope: 'col' }, header)))),
      this.#tbody,
    );
    const windowGroup = el('div', { class: 'toggle', role: 'group', 'aria-label': 'Timeline window' });
    for (const [name, label] of [
      ['hour', 'Last hour'],
      ['day', 'Last day'],
    ] as const) {
      const button = el('button', { type: 'button', class: 'secondary', 'aria-pressed': String(state.window === name) }, label);
      button.addEventListener('click', () => void this.#setWindow(name));
      this.#windowButtons.set(name, button);
      windowGroup.appendChild(button);
    }
    this.#timeline = el('div', { class: 'timeline-wrap', tabindex: 0, role: 'region', 'aria-label': 'Timeline (scrolls sideways on narrow screens)' });
    this.#follow = followNow(this.#timeline);
    // Scrolled past its own name column: show the pinned lane names.
    this.#timeline.addEventListener('scroll', () => this.#timeline.classList.toggle('scrolled', this.#timeline.scrollLeft > PINNED_NAMES_AFTER));
    this.element = el(
      'div',
      { class: 'overview' },
      el('section', { 'aria-labelledby': 'jobs-heading' }, el('h2', { id: 'jobs-heading' }, 'Jobs ', this.#count), el('div', { class: 'table-wrap' }, table)),
      el('section', { 'aria-labelledby': 'timeline-heading' }, el('div', { class: 'section-head' }, el('h2', { id: 'timeline-heading' }, 'Timeline'), windowGroup), this.#timeline),
      this.replicas.element,
    );
    this.renderJobs();
    this.renderTimeline();
  }

  /** Adds, updates and removes rows to match the state (one job, or all with `null`). */
  renderJobs(name: string | null = null): void {
    const jobs = [...this.#state.jobs.values()];
    this.#count.textContent = `(${jobs.length})`;
    if (name !== null) {
      const job = this.#state.jobs.get(name);
      const row = this.#rows.get(name);
      if (job !== undefined && row !== undefined) return this.#update(row, job);
    }
    for (const [known, row] of this.#rows) {
      if (!this.#state.jobs.has(known)) {
        row.row.remove();
        this.#rows.delete(known);
      }
    }
    this.#tbody.querySelector('tr:not([data-job])')?.remove();
    let previous: HTMLTableRowElement | null = null;
    for (const job of jobs) {
      let row = this.#rows.get(job.name);
      if (row === undefined) {
        row = this.#create(job);
        this.#rows.set(job.name, row);
      }
      // Move a row only when it is out of place: moving a row would drop keyboard focus in it.
      const expected: Element | null = previous === null ? this.#tbody.firstElementChild : previous.nextElementSibling;
      if (expected !== row.row) {
        if (previous === null) this.#tbody.prepend(row.row);
        else previous.after(row.row);
      }
      previous = row.row;
      this.#update(row, job);
    }
    if (jobs.length === 0) replaceChildren(this.#tbody, el('tr', {}, el('td', { colspan: 9, class: 'muted' }, 'No jobs in this runner.')));
  }

  /** Redraws the timeline soon (coalescing bursts of changes). */
  scheduleTimeline(): void {
    if (this.#timelineTimer !== null) return;
    this.#timelineTimer = setTimeout(() => {
      this.#timelineTimer = null;
      this.renderTimeline();
    }, 250);
  }

  /** Redraws the timeline now. */
  renderTimeline(): void {
    const now = this.#state.now();
    const span = WINDOWS[this.#state.window];
    const picture = renderTimeline([...this.#state.runs.values()], [...this.#state.jobs.keys()], { start: now - span, end: now }, { loadedSince: this.#state.loadedSince });
    this.#follow.redraw(() => replaceChildren(this.#timeline, svgToDom(picture), laneNames(picture)));
  }

  async #setWindow(name: WindowName): Promise<void> {
    if (this.#state.window === name) return;
    this.#state.window = name;
    for (const [key, button] of this.#windowButtons) button.setAttribute('aria-pressed', String(key === name));
    this.#timeline.setAttribute('aria-busy', 'true');
    try {
      await this.#state.loadRuns();
    } finally {
      this.#timeline.removeAttribute('aria-busy');
      this.renderTimeline();
    }
  }

  #create(job: JobView): Row {
    const cell = (label: string): HTMLTableCellElement => el('td', { 'data-label': label });
    const schedule = cell('Schedule');
    schedule.append(el('span', {}, job.description));
    if (job.cron !== null) schedule.append(el('code', {}, job.cron));
    const row: Row = {
      row: el('tr', { 'data-job': job.name }),
      state: cell('State'),
      next: cell('Next run'),
      last: cell('Last run'),
      triggers: el('td', { 'data-label': 'Triggers', class: 'num' }),
      failures: el('td', { 'data-label': 'Failures (24 h)', class: 'num' }),
      actions: this.#state.actionsEnabled ? actionButtons(this.#state, job.name) : null,
    };
    row.row.append(
      el('th', { scope: 'row', class: 'job-name' }, el('a', { href: jobHref(job.name) }, job.name)),
      schedule,
      el('td', { 'data-label': 'Zone' }, zoneText(job)),
      row.state,
      row.next,
      row.last,
      row.triggers,
      row.failures,
    );
    if (row.actions !== null) row.row.append(el('td', { 'data-label': 'Actions' }, row.actions.element));
    return row;
  }

  #update(row: Row, job: JobView): void {
    const now = this.#state.now();
    const staleSince = this.#state.staleSince;
    row.row.classList.toggle('stale', staleSince !== null);
    replaceChildren(row.state, ...stateContent(job, staleSince));
    replaceChildren(row.next, ...nextRunContent(job, now, staleSince !== null));
    replaceChildren(row.last, ...lastRunContent(job.lastRun, now));
    row.triggers.textContent = String(job.triggerCount);
    row.failures.textContent = String(job.failures24h);
    row.failures.classList.toggle('bad', job.failures24h > 0);
    row.actions?.update(job);
  }
}
