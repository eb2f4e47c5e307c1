/**
 * The `lease-expired` line: a lease that expires alone is logged as one line naming its job;
 * leases given up in the same timer pass (a replica thawing from a freeze) share one line,
 * written after the pass.
 */
import { describe, expect, it } from 'vitest';
import { LeaseExpiryNotice } from '../../src/runner/lease-expiry-notice.js';
import { CaptureLogger } from '../helpers/capture-logger.js';

describe('LeaseExpiryNotice', () => {
  it('logs a lone expiry as one line with its job, after the current synchronous run', async () => {
    const logger = new CaptureLogger();
    const notice = new LeaseExpiryNotice(logger);
    notice.expired('report', true);
    expect(logger.events('lease-expired')).toEqual([]); // not in the timer pass itself
    await Promise.resolve();
    const [line] = logger.events('lease-expired');
    expect(line?.level).toBe('warn');
    expect(line?.bindings).toMatchObject({ job: 'report', running: true });
    expect(line?.message).toBe('the store did not confirm the lease before it expired; it counts as lost');
  });

  it('logs the expiries of one pass as one line: count, the first 10 jobs, how many were running', async () => {
    const logger = new CaptureLogger();
    const notice = new LeaseExpiryNotice(logger);
    for (let index = 0; index < 25; index++) notice.expired(`job-${index}`, index % 5 === 0);
    await Promise.resolve();
    const lines = logger.events('lease-expired');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.bindings).toMatchObject({ count: 25, runningCount: 5, jobs: Array.from({ length: 10 }, (_, index) => `job-${index}`) });
    expect(lines[0]?.message).toBe('the store did not confirm 25 leases before they expired (5 of them held by a running execution); they count as lost');
  });

  it('starts a new line for the expiries of a later pass', async () => {
    const logger = new CaptureLogger();
    const notice = new LeaseExpiryNotice(logger);
    notice.expired('a', false);
    notice.expired('b', false);
    await Promise.resolve();
    notice.expired('c', true);
    await Promise.resolve();
    expect(logger.events('lease-expired').map((line) => line.bindings.jobs ?? line.bindings.job)).toEqual([['a', 'b'], 'c']);
  });
});
