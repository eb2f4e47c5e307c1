/**
 * A run's log on the job page: a "Log" disclosure that loads `GET /api/runs/:id/log` when
 * opened, shown as text in a scrolling monospace block (the server keeps at most 200 lines
 * and 64 KiB, control characters escaped), with `[N more lines cut]` after the kept lines.
 * An open log of a running run is read again when the run logs more (`run:log` events).
 */
import { getJson } from './api.js';
import type { RunLogResponse } from './api-types.js';
import { el } from './dom.js';

/** The text of a log: its lines, the cut marker, or a note when it is empty. */
export function runLogText(log: RunLogResponse): string {
  const lines = [...log.lines];
  if (log.cut > 0) lines.push(`[${log.cut} more line${log.cut === 1 ? '' : 's'} cut]`);
  return lines.length === 0 ? 'No lines logged.' : lines.join('\n');
}

/** The "Log" disclosure of run `runId`. */
export function runLogDisclosure(runId: string): HTMLDetailsElement {
  const text = el('pre', { class: 'run-log-lines', tabindex: 0, 'aria-label': `Log of run #${runId}` });
  const details = el('details', { class: 'run-log', 'data-log-run': runId }, el('summary', {}, 'Log'), text);
  details.addEventListener('toggle', () => {
    if (details.open) void loadRunLog(details);
  });
  return details;
}

/** Reads the log of an open disclosure (again). */
export async function loadRunLog(details: HTMLDetailsElement): Promise<void> {
  const text = details.querySelector('pre');
  const runId = details.dataset.logRun;
  if (text === null || runId === undefined) return;
  details.setAttribute('aria-busy', 'true');
  if (text.textContent === '') text.textContent = 'Loading…';
  try {
    text.textContent = runLogText(await getJson<RunLogResponse>(`api/runs/${encodeURIComponent(runId)}/log`));
  } catch (error) {
    text.textContent = `Could not load the log: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    details.removeAttribute('aria-busy');
  }
}
