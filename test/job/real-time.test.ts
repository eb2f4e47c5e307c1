/**
 * A few tests of the loop on the real clock, with generous bounds: they check that the
 * fake-timer tests did not hide a dependency on fake time.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BaseJob } from '../../src/index.js';

class CountingJob extends BaseJob {
  executions = 0;
  execute(): void {
    this.executions++;
  }
}

describe('on the real clock', () => {
  it('an interval: 0 job runs back to back yet never starves timers or I/O', async () => {
    const job = new CountingJob({ name: 'busy', interval: 0 });
    const timerGaps: number[] = [];
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      timerGaps.push(now - last);
      last = now;
    }, 10);
    job.start();
    await new Promise((resolve) => setTimeout(resolve, 500));
    job.requestStop();
    await job.waitUntilDone(5);
    clearInterval(ticker);
    expect(job.executions).toBeGreaterThan(1_000);
    expect(job.triggerCount).toBe(job.executions);
    expect(timerGaps.length).toBeGreaterThanOrEqual(20);
    expect(Math.max(...timerGaps)).toBeLessThan(250);
  });

  it('a one-second cron fires about once a second and stops within the wait', async () => {
    const job = new CountingJob({ name: 'every-second', cron: '* * * * * *' });
    job.start();
    await new Promise((resolve) => setTimeout(resolve, 3_200));
    job.requestStop();
    await job.waitUntilDone(2);
    expect(job.executions).toBeGreaterThanOrEqual(2);
    expect(job.executions).toBeLessThanOrEqual(4);
    expect(job.lastRun?.start.getMilliseconds()).toBeLessThan(200);
  });

  it('stopping sleeping jobs lets the process exit by itself', () => {
    const fixture = fileURLToPath(new URL('./fixtures/stop-and-exit.ts', import.meta.url));
    const result = spawnSync(process.execPath, ['--import', 'tsx', fixture], { encoding: 'utf8', timeout: 20_000 });
    expect(result.error).toBeUndefined();
    expect(result.stdout.trim()).toBe('stopped 1000');
    expect(result.status).toBe(0);
  });
});
