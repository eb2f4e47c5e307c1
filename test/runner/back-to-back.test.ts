import { describe, expect, it } from 'vitest';
import { BaseJob } from '../../src/job/base-job.js';
import { JobRunner } from '../../src/runner/job-runner.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { CaptureLogger } from '../helpers/capture-logger.js';

class Noop extends BaseJob {
  execute(): void {}
}

describe('a back-to-back job (interval 0) under a runner', () => {
  it('runs thousands of times a second without starving timers, and reports every run', async () => {
    const logger = new CaptureLogger();
    const runner = new JobRunner({ store: new MemoryStore(), logger });
    const job = new Noop({ name: 'spin', interval: 0, logger });
    runner.add(job);
    let ended = 0;
    runner.on('run:end', ({ run }) => (ended += run.status === 'ok' ? 1 : 0));
    await runner.start();
    const late: number[] = [];
    for (let index = 0; index < 5; index++) {
      const armed = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 20));
      late.push(performance.now() - armed - 20);
    }
    const { notStopped } = await runner.stop({ timeout: 5 });
    expect(notStopped).toEqual([]);
    expect(Math.max(...late)).toBeLessThan(50);
    expect(job.triggerCount).toBeGreaterThan(100);
    expect(ended).toBe(job.triggerCount);
  });
});
