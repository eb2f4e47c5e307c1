/**
 * The wait before a failed job restarts: the seed's fixed `retryWait`, or an exponential
 * backoff of it when `retryBackoff` is set. Pure.
 */
import type { RetryBackoff } from './job-fields.js';

/**
 * Seconds to wait after the `failures`-th consecutive failure (1 for the first).
 *
 * Without backoff this is always `retryWait`. With backoff it is
 * `min(max, retryWait × factor^(failures − 1))`, then reduced by up to `jitter` of itself
 * using `random()` (a number in [0, 1)).
 */
export function retryDelaySeconds(
  failures: number,
  retryWait: number,
  backoff: RetryBackoff | null,
  random: () => number = Math.random,
): number {
  if (backoff === null) return retryWait;
  const exponent = Math.max(0, failures - 1);
  const wait = Math.min(backoff.max, retryWait * backoff.factor ** exponent);
  return wait - wait * backoff.jitter * random();
}
