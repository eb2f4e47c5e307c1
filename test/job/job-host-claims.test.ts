import { describe, expect, it, vi } from 'vitest';
import type { JobHost } from '../../src/host.js';
import { MINUTE, REFERENCE, stopAndWait, useFakeTime } from '../helpers/fake-time.js';
import { failOnLeakedJobs, RecordingJob } from '../helpers/recording-job.js';
import { ScriptedHost } from '../helpers/scripted-host.js';

failOnLeakedJobs();
useFakeTime();

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
