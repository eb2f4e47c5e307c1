import { describe, expect, it, vi } from 'vitest';
import type { ExecutionGrant, ExecutionOutcome, ExecutionRequest, HostedJob, JobEvent, JobHost, RestoredJobState, UnexecutedTicks } from '../../src/index.js';
import { MINUTE, REFERENCE, stopAndWait, useFakeTime } from '../helpers/fake-time.js';
import { failOnLeakedJobs, RecordingJob } from '../helpers/recording-job.js';

failOnLeakedJobs();
useFakeTime();

/** A host that answers claims from a script, counting triggers like a store would. */
class ScriptedHost implements JobHost {
  readonly pollMs = 1_000;
  readonly requests: ExecutionRequest[] = [];
  readonly answers: Array<'grant' | 'busy' | 'taken' | 'fail'> = [];
  readonly recorded: UnexecutedTicks[] = [];
  readonly finished: ExecutionOutcome[] = [];
  claimDelayMs = 0;
  restoreFailures = 0;
  #trigger = 0;

  constructor(private readonly restored: RestoredJobState | null = null) {}

  restore(): Promise<RestoredJobState | null> {
    if (this.restoreFailures > 0) {
      this.restoreFailures--;
      return Promise.reject(new Error('store unreachable'));
    }
    return Promise.resolve(this.restored);
  }

  async claim(_job: HostedJob, request: ExecutionRequest): Promise<ExecutionGrant | 'busy' | null> {
    this.requests.push(request);
    if (this.claimDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.claimDelayMs));
    const answer = this.answers.shift() ?? 'grant';
    if (answer === 'fail') return Promise.reject(new Error('store unreachable'));
    if (answer === 'busy') return Promise.resolve('busy');
    if (answer === 'taken') return Promise.resolve(null);
    return Promise.resolve({ trigger: ++this.#trigger, signal: null });
  }

  finish(_job: HostedJob, _grant: ExecutionGrant, outcome: ExecutionOutcome): Promise<void> {
    this.finished.push(outcome);
    return Promise.resolve();
  }

  recordUnexecuted(_job: HostedJob, ticks: UnexecutedTicks): Promise<void> {
    this.recorded.push(ticks);
    return Promise.resolve();
  }

  detach(): Promise<void> {
    return Promise.resolve();
  }

  onEvent(_job: HostedJob, _event: JobEvent): void {}
}

function cronJob(host: JobHost): RecordingJob {
  const job = new RecordingJob({ name: 'hosted', cron: '* * * * *', timezone: 'UTC' });
  job.bindHost(host);
  return job;
}

describe('a job under a host', () => {
  it('runs only what the host grants, and takes the trigger number from it', async () => {
    const host = new ScriptedHost({ triggerCount: 41, lastTickAt: null });
    host.answers.push('grant', 'taken', 'grant');
    const job = cronJob(host);
    job.start();
    await vi.advanceTimersByTimeAsync(3 * MINUTE);
    expect(job.calls.filter((call) => call.hook === 'execute').map((call) => call.run?.scheduledAtMs)).toEqual([REFERENCE + MINUTE, REFERENCE + 3 * MINUTE]);
    expect(host.requests.map((request) => request.tickAt)).toEqual([REFERENCE + MINUTE, REFERENCE + 2 * MINUTE, REFERENCE + 3 * MINUTE]);
    expect(job.triggerCount).toBe(2);
    await stopAndWait(job);
  });

  it("asks again after pollMs when the host is busy, then runs the tick late under the misfire policy", async () => {
    const host = new ScriptedHost();
    host.answers.push('busy', 'busy', 'grant');
    const job = cronJob(host);
    job.start();
    await vi.advanceTimersByTimeAsync(MINUTE + 2_000);
    const runs = job.calls.filter((call) => call.hook === 'execute').map((call) => call.run);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ scheduledAtMs: REFERENCE + MINUTE, reason: 'catch-up' });
    expect(runs[0]?.startedAtMs).toBe(REFERENCE + MINUTE + 2_000);
    expect(host.requests.map((request) => request.tickAt)).toEqual([REFERENCE + MINUTE, REFERENCE + MINUTE, REFERENCE + MINUTE]);
    await stopAndWait(job);
  });

  it('runs nothing unclaimed while the host fails, and catches up once it answers', async () => {
    const host = new ScriptedHost();
    host.answers.push('fail', 'fail', 'grant');
    const job = cronJob(host);
    job.start();
    await vi.advanceTimersByTimeAsync(MINUTE + 1_500);
    expect(job.count('execute')).toBe(0);
    await vi.advanceTimersByTimeAsync(500);
    expect(job.count('execute')).toBe(1);
    expect(job.capture.events('host-error')).toHaveLength(2);
    await stopAndWait(job);
  });

  it('a stop while a claim is in flight waits for it, runs nothing and hands the grant back', async () => {
    const host = new ScriptedHost();
    host.claimDelayMs = 500;
    const job = cronJob(host);
    job.start();
    await vi.advanceTimersByTimeAsync(MINUTE + 100);
    expect(job.state).toBe('running');
    job.requestStop();
    expect(job.isRunning).toBe(true);
    await vi.advanceTimersByTimeAsync(400);
    await job.waitUntilDone(1);
    expect(job.count('execute')).toBe(0);
    expect(job.sequence()).toEqual(['setup', 'shutdown']);
    expect(host.finished.map((outcome) => outcome.status)).toEqual(['interrupted']);
  });

  it('asks the store again after pollMs (not retryWait) when restoring state fails', async () => {
    const host = new ScriptedHost({ triggerCount: 5, lastTickAt: null });
    host.restoreFailures = 2;
    const job = new RecordingJob({ name: 'restoring', interval: 60, retryWait: 3_600 });
    job.bindHost(host);
    job.start();
    await vi.advanceTimersByTimeAsync(1_999);
    expect(job.count('setup')).toBe(0);
    expect(job.state).toBe('retrying');
    await vi.advanceTimersByTimeAsync(1);
    expect(job.count('setup')).toBe(1);
    expect(job.triggerCount).toBe(5);
    expect(job.capture.events('host-error')).toHaveLength(2);
    await stopAndWait(job);
  });

  it('judges ticks missed while the process was down from the restored mark', async () => {
    const host = new ScriptedHost({ triggerCount: 7, lastTickAt: REFERENCE - 10 * MINUTE });
    const job = cronJob(host);
    job.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(job.calls.filter((call) => call.hook === 'execute').map((call) => call.run?.scheduledAtMs)).toEqual([REFERENCE]);
    expect(host.requests[0]?.unexecuted).toMatchObject({ count: 9, status: 'missed' });
    await stopAndWait(job);
  });
});
