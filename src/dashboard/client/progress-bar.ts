/**
 * A running run's progress as a bar: `role="progressbar"` with `aria-valuenow` (percent) and
 * `aria-valuetext` (percent and message), the message shown as text beside it. The fill's
 * width is set through the CSSOM, which the page's Content-Security-Policy allows.
 */
import type { RunView } from './api-types.js';
import { el } from './dom.js';

/** The run's progress as a whole percent, or `null` when it reported none. */
export function progressPercent(run: RunView): number | null {
  return run.progress === undefined ? null : Math.round(run.progress.fraction * 100);
}

/** The bar of a running run that reported progress, labelled for `subject`; else `null`. */
export function progressBar(run: RunView, subject: string): HTMLElement | null {
  const percent = progressPercent(run);
  if (run.status !== 'running' || percent === null) return null;
  const message = run.progress?.message ?? null;
  const valueText = message === null ? `${percent}%` : `${percent}% (${message})`;
  const fill = el('span', { class: 'progress-fill' });
  fill.style.width = `${percent}%`;
  return el(
    'span',
    { class: 'progress' },
    el('span', { class: 'progress-track', role: 'progressbar', 'aria-label': `Progress of ${subject}`, 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': percent, 'aria-valuetext': valueText }, fill),
    el('span', { class: 'progress-text' }, message === null ? `${percent}%` : `${percent}% · ${message}`),
  );
}
