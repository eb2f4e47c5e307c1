/**
 * The overview's replicas panel: every runner process that heartbeats into the store
 * (`GET /api/replicas`), with host, pid and version, when it started, when it was last seen
 * (ticking), the jobs whose lease it holds, and a mark on those that stopped heartbeating.
 * Text from the store is only ever set as text, and cut to a bounded length.
 */
import { getJson } from './api.js';
import type { ReplicasResponse, ReplicaView } from './api-types.js';
import { el, replaceChildren, timeEl } from './dom.js';
import { formatAgo, formatDateTime } from './format.js';
import { statusClass, truncate } from './timeline.js';

/** Longest host, owner or version shown (characters). */
const MAX_TEXT = 80;
/** Job names shown per replica; the rest are counted. */
const MAX_LEASES_SHOWN = 5;

/** The replicas panel (a `<section>`); {@link ReplicasPanel.load} fills it. */
export class ReplicasPanel {
  readonly element: HTMLElement;
  readonly #count: HTMLElement;
  readonly #body: HTMLTableSectionElement;
  readonly #note: HTMLElement;

  constructor() {
    this.#count = el('span', { class: 'count' });
    this.#body = el('tbody', {}, el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'Loading replicas…')));
    this.#note = el('p', { class: 'muted replicas-note' });
    const headers = ['Replica', 'Status', 'Version', 'Started', 'Last seen', 'Leases'];
    const table = el(
      'table',
      { class: 'replicas' },
      el('caption', { class: 'visually-hidden' }, 'Every runner process: host and pid, status, version, start, last heartbeat and the jobs whose lease it holds'),
      el('thead', {}, el('tr', {}, ...headers.map((header) => el('th', { scope: 'col' }, header)))),
      this.#body,
    );
    this.element = el(
      'section',
      { 'aria-labelledby': 'replicas-heading', class: 'replicas-panel' },
      el('h2', { id: 'replicas-heading' }, 'Replicas ', this.#count),
      el('div', { class: 'table-wrap' }, table),
      this.#note,
    );
  }

  /** Reads `api/replicas` and shows it; on failure keeps the rows and says so. */
  async load(): Promise<void> {
    try {
      this.render(await getJson<ReplicasResponse>('api/replicas'));
    } catch (error) {
      this.#note.textContent = `Could not read the replicas: ${truncate(error instanceof Error ? error.message : String(error), 200)}`;
    }
  }

  /** Shows `response`. */
  render(response: ReplicasResponse): void {
    const live = response.replicas.filter((replica) => replica.status === 'running').length;
    this.#count.textContent = `(${live} running of ${response.replicas.length})`;
    this.#note.textContent = `A replica is stale after ${response.staleAfterBeats} heartbeat intervals without a heartbeat; stopped ones are kept for an hour.`;
    if (response.replicas.length === 0) {
      replaceChildren(this.#body, el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'No replica has reported to the store yet.')));
      return;
    }
    replaceChildren(this.#body, ...response.replicas.map((replica) => row(replica, response.now)));
  }
}

function row(replica: ReplicaView, now: number): HTMLTableRowElement {
  const cell = (label: string, ...children: (Node | string)[]): HTMLTableCellElement => el('td', { 'data-label': label }, ...children);
  const name = el(
    'th',
    { scope: 'row', class: 'replica-name' },
    el('span', {}, `${truncate(replica.host, MAX_TEXT)} · pid ${replica.pid}`),
    replica.self ? el('span', { class: 'tag' }, 'this process') : null,
    el('code', { title: truncate(replica.owner, 300) }, truncate(replica.owner, MAX_TEXT)),
  );
  const status = el('span', { class: `badge replica-${statusClass(replica.status)}` }, replica.status);
  const lastSeen = el('span', { class: 'ago', 'data-since': replica.lastSeenAt }, formatAgo(replica.lastSeenAt, now));
  const leases: (Node | string)[] = [el('span', { class: 'lease-count' }, `${replica.leaseCount} job${replica.leaseCount === 1 ? '' : 's'}`)];
  const shown = replica.leases.slice(0, MAX_LEASES_SHOWN);
  if (shown.length > 0) leases.push(el('span', { class: 'lease-jobs' }, shown.map((job) => truncate(job, MAX_TEXT)).join(', ')));
  if (replica.leaseCount > shown.length) leases.push(el('span', { class: 'muted' }, `+${replica.leaseCount - shown.length} more`));
  return el(
    'tr',
    { 'data-owner': replica.owner, class: `replica-${statusClass(replica.status)}` },
    name,
    cell('Status', status),
    cell('Version', el('code', {}, truncate(replica.version, MAX_TEXT))),
    cell('Started', timeEl(replica.startedAt, formatDateTime(replica.startedAt))),
    cell('Last seen', timeEl(replica.lastSeenAt, formatDateTime(replica.lastSeenAt), { class: 'visually-hidden' }), lastSeen),
    cell('Leases', ...leases),
  );
}
