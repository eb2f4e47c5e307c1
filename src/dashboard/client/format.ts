/**
 * Formatting of durations, countdowns and times for the dashboard (pure; the clock is passed in).
 */

/** A duration: `850 ms`, `2.4 s`, `3 min 5 s`, `2 h 3 min`, `3 d 4 h`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const value = Math.max(0, ms);
  if (value < 1) return '<1 ms';
  if (value < 1_000) return `${Math.round(value)} ms`;
  if (value < 10_000) return `${(Math.floor(value / 100) / 10).toFixed(1)} s`;
  const seconds = Math.floor(value / 1_000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** Time until `at`, whole seconds: `in 4 s`, `in 2 min 5 s`; `due now` once it is reached. */
export function formatCountdown(at: number, now: number): string {
  const ms = at - now;
  if (ms <= 0) return 'due now';
  return `in ${formatDuration(Math.ceil(ms / 1_000) * 1_000)}`;
}

/** Time since `at`: `just now`, `12 s ago`, `3 min 5 s ago`. */
export function formatAgo(at: number, now: number): string {
  const ms = now - at;
  if (ms < 1_000) return 'just now';
  return `${formatDuration(Math.floor(ms / 1_000) * 1_000)} ago`;
}

/** Wall-clock time `HH:MM:SS` (24 h) in the given zone (the browser's by default). */
export function formatClock(at: number, timeZone?: string): string {
  return new Date(at).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false, ...(timeZone === undefined ? {} : { timeZone }) });
}

/** Date and time `YYYY-MM-DD HH:MM:SS` in the given zone (the browser's by default). */
export function formatDateTime(at: number, timeZone?: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
    ...(timeZone === undefined ? {} : { timeZone }),
  }).formatToParts(new Date(at));
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((entry) => entry.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
}

/** The first line of a stored error (message and stack): its message. */
export function errorSummary(error: string): string {
  const first = error.split('\n', 1)[0]?.trim() ?? '';
  return first === '' ? error.trim() : first;
}

/** A model value for display: strings as they are, everything else as compact JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '—';
  return JSON.stringify(value) ?? String(value);
}
