/**
 * Times as the CLI prints them.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * `YYYY-MM-DD HH:MM:SS GMT+1` in `timeZone` (default: the process's zone), 24-hour clock.
 */
export function formatLocalTime(epochMs: number, timeZone?: string | null): string {
  const key = timeZone ?? '';
  let format = formatters.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-CA', {
      ...(timeZone ? { timeZone } : {}),
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'shortOffset',
    });
    formatters.set(key, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(epochMs)).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${parts.timeZoneName}`;
}

/** `YYYY-MM-DDTHH:MM:SSZ` (UTC, whole seconds unless there are milliseconds). */
export function formatUtc(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('.000Z', 'Z');
}

/** A duration: `850 ms`, `12.3 s`, `4 min 5 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** ISO 8601 local time in `timeZone` with its offset: `2026-01-05T06:00:00+01:00`. */
export function formatIsoWithOffset(epochMs: number, timeZone: string): string {
  const [date, time, offset] = formatLocalTime(epochMs, timeZone).split(' ') as [string, string, string];
  const match = /^GMT(?:([+-])(\d{1,2})(?::(\d\d))?)?$/.exec(offset);
  const suffix = match?.[1] === undefined ? '+00:00' : `${match[1]}${(match[2] ?? '0').padStart(2, '0')}:${match[3] ?? '00'}`;
  return `${date}T${time}${suffix}`;
}
