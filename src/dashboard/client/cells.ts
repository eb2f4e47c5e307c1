/**
 * Pieces shared by the overview and the job page: state and status badges, next-run and
 * last-run cells, and the live countdown.
 */
import type { JobView, RunView } from './api-types.js';
import { el, timeEl } from './dom.js';
import { errorSummary, formatAgo, formatClock, formatCountdown, formatDateTime, formatDuration } from './format.js';
import { progressBar } from './progress-bar.js';
import { statusClass } from './timeline.js';

/** A job's state as a badge (`paused` when paused). */
export function stateBadge(job: JobView): HTMLElement {
  const state = job.paused ? 'paused' : job.state;
  return el('span', { class: `badge state-${statusClass(state)}` }, state);
}

/** A run status as a badge. */
export function statusBadge(status: string): HTMLElement {
  return el('span', { class: `badge status-${statusClass(status)}` }, status);
}

/** The link to a job's page. */
export function jobHref(name: string): string {
  return `#/jobs/${encodeURIComponent(name)}`;
}

/** The time zone in words. */
export function zoneText(job: JobView): string {
  if (job.timezone !== null) return job.timezone;
  return job.kind === 'cron' ? 'server local' : '—';
}

/** The mark of a value that may be out of date: `stale: last update 14:02:33`. */
export function staleNote(since: number): HTMLElement {
  return el('span', { class: 'stale-note' }, `stale: last update ${formatClock(since)}`);
}

/** Who paused the job cluster-wide and when (the reason as its title): `paused by alice at 14:02:33`. */
export function pauseNote(pause: NonNullable<JobView['pause']>): HTMLElement {
  const note = el('span', { class: 'pause-note' }, `paused by ${pause.by} at `, timeEl(pause.at, formatDateTime(pause.at)));
  if (pause.reason !== null) {
    note.title = pause.reason;
    note.append(`: ${pause.reason}`);
  }
  return note;
}

/**
 * The state cell: the badge, who paused the job (when paused cluster-wide), and the
 * {@link staleNote} while the data is stale (`staleSince`).
 */
export function stateContent(job: JobView, staleSince: number | null): Node[] {
  const content: Node[] = [stateBadge(job)];
  if (job.pause !== null) content.push(pauseNote(job.pause));
  if (staleSince !== null) content.push(staleNote(staleSince));
  return content;
}

/**
 * Next run: the time and a live countdown (`data-at` is read by {@link tickClocks}); while the
 * data is stale, the time and "not live" instead of a countdown that would say "due now".
 */
export function nextRunContent(job: JobView, now: number, stale = false): Node[] {
  if (job.nextRunAt === null) {
    const why = job.paused ? 'paused' : job.state === 'running' ? 'after this run' : job.state === 'retrying' ? 'after the retry wait' : job.state === 'stopped' ? 'not scheduled' : '—';
    return [el('span', { class: 'muted' }, why)];
  }
  if (stale) return [timeEl(job.nextRunAt, formatClock(job.nextRunAt)), el('span', { class: 'muted' }, 'not live')];
  return [timeEl(job.nextRunAt, formatClock(job.nextRunAt)), el('span', { class: 'countdown', 'data-at': job.nextRunAt }, formatCountdown(job.nextRunAt, now))];
}

/** Last run: status, duration, lateness, when, and the error's first line. */
export function lastRunContent(run: RunView | null, now: number): Node[] {
  if (run === null) return [el('span', { class: 'muted' }, 'never')];
  const parts: Node[] = [statusBadge(run.status)];
  const facts: string[] = [];
  if (run.durationMs !== null) facts.push(formatDuration(run.durationMs));
  if (run.latenessMs !== null && run.latenessMs >= 1) facts.push(`${formatDuration(run.latenessMs)} late`);
  if (facts.length > 0) parts.push(el('span', { class: 'facts' }, facts.join(' · ')));
  if (run.startedAt !== null) parts.push(el('span', { class: 'ago', 'data-since': run.startedAt }, formatAgo(run.startedAt, now)));
  if (run.error !== null && run.error !== '') parts.push(el('span', { class: 'error-line', title: errorSummary(run.error) }, errorSummary(run.error)));
  const progress = progressBar(run, run.job);
  if (progress !== null) parts.push(progress);
  return parts;
}

/** Updates every countdown and "ago" text under `root` (called every second). */
export function tickClocks(root: ParentNode, now: number): void {
  root.querySelectorAll<HTMLElement>('.countdown[data-at]').forEach((node) => {
    const text = formatCountdown(Number(node.dataset.at), now);
    if (node.textContent !== text) node.textContent = text;
  });
  root.querySelectorAll<HTMLElement>('.ago[data-since]').forEach((node) => {
    const text = formatAgo(Number(node.dataset.since), now);
    if (node.textContent !== text) node.textContent = text;
  });
}
