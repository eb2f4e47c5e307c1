/**
 * {@link describeInterval}: an interval in words, worded as {@link describeCron} words cron
 * expressions ("Every 10 seconds", "Every 5 minutes", "Every hour"), so that the dashboard,
 * the HTTP API and the CLI use one wording for every schedule.
 */

/** Units an interval is shown in, largest first: seconds per unit and its name. */
const UNITS = [
  [86_400, 'day'],
  [3_600, 'hour'],
  [60, 'minute'],
] as const;

/**
 * The interval (seconds, >= 0) in words: `0` → `"Back to back (interval 0)"`, `1` →
 * `"Every second"`, `4` → `"Every 4 seconds"`, `0.5` → `"Every 0.5 seconds"`, `300` →
 * `"Every 5 minutes"`, `3600` → `"Every hour"`, `5400` → `"Every 90 minutes"`. The largest
 * unit that divides the interval exactly is used.
 * @throws RangeError when `seconds` is negative or not finite
 */
export function describeInterval(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`describeInterval: the interval must be a finite number of seconds >= 0, got ${String(seconds)}`);
  if (seconds === 0) return 'Back to back (interval 0)';
  const [size, unit] = UNITS.find(([unitSeconds]) => seconds % unitSeconds === 0) ?? [1, 'second'];
  const count = seconds / size;
  return count === 1 ? `Every ${unit}` : `Every ${count} ${unit}s`;
}
