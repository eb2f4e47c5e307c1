/**
 * The fields a log line about many jobs at once carries: the first few names and the count.
 * A replica losing 1,000 leases writes one line that stays short, not one naming them all.
 *
 * @module
 */

/** A line about many jobs names at most this many of them (and counts them all). */
const JOBS_NAMED = 10;

/** `jobs` (the first {@link JOBS_NAMED} names, in order) and `count` (all of them) for a log line. */
export function jobListFields(items: readonly { readonly job: string }[]): { jobs: string[]; count: number } {
  return { jobs: items.slice(0, JOBS_NAMED).map((item) => item.job), count: items.length };
}
