/**
 * Every wait on the host is a state a stop ends: restoring, claiming and recording ticks end
 * at once, whether the host answers, fails or hangs (issue 12, defects 1 and 2); a pause ends a
 * claim's wait the same way (issue 15).
 */
import { describe, expect, it, vi } from 'vitest';
import { SECOND, useFakeTime } from '../helpers/fake-time.js';
import { failOnLeakedJobs, RecordingJob } from '../helpers/recording-job.js';
import { ScriptedHost } from '../helpers/scripted-host.js';

failOnLeakedJobs();
useFakeTime();

/** An interval job under `host`, with the states it went through. */
function hostedJob(host: ScriptedHost, config: { triggerOnStart?: boolean } = {}): { job: RecordingJob; states: string[] } {
  const job = new RecordingJob({ name: 'hosted', interval: 5, ...config });
  const states: string[] = [];
  const onEvent = host.onEvent.bind(host);
  host.onEvent = (hosted, event) => {
    if (event.type === 'state') states.push(event.state);
    onEvent(hosted, event);
  };
  job.bindHost(host);
  return { job, states };
}

describe('a stop while the job waits on its host', () => {
  it('ends a job whose restore keeps failing (it used to retry against the store for ever)', async () => {
    const host = new ScriptedHost();
    host.restoreFailures = Number.POSITIVE_INFINITY;
    host.restoreDelayMs = 50;
    const { job } = hostedJob(host);
    job.start();
    await vi.advanceTimersByTimeAsync(10);
    job.requestStop();
    await vi.advanceTimersByTimeAsync(3 * SECOND);
    expect(job.state).toBe('stopped');
    expect(job.count('setup')).toBe(0);
  });

  it('ends a job whose restore never answers, at once', async () => {
    const host = new ScriptedHost();
    host.hanging = true;
    const { job } = hostedJob(host);
    job.start();
    await vi.advanceTimersByTimeAsync(10);
    job.requestStop();
    await vi.advanceTimersByTimeAsync(0);
    expect(job.state).toBe('stopped');
  });

  it('ends a job whose claim never answers, at once, and hands back a grant that comes late', async () => {
    const host = new ScriptedHost();
    host.claimDelayMs = 60 * SECOND;
    const { job, states } = hostedJob(host, { triggerOnStart: true });
    job.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(host.requests).toHaveLength(1);
    job.requestStop();
    await vi.advanceTimersByTimeAsync(0);
    expect(job.state).toBe('stopped');
    expect(states).not.toContain('sleeping');
    await vi.advanceTimersByTimeAsync(60 * SECOND);
    expect(job.count('execute')).toBe(0);
    expect(host.finished.map((outcome) => [outcome.status, outcome.error?.message])).toEqual([['interrupted', 'stopped before the execution started']]);
  });

  it.each(['busy', 'fail'] as const)('ends a job whose claim answers %s after the stop without sleeping a poll', async (answer) => {
    const host = new ScriptedHost();
    host.claimDelayMs = 100;
    host.answers.push(answer);
    const { job, states } = hostedJob(host, { triggerOnStart: true });
    job.start();
    await vi.advanceTimersByTimeAsync(10);
    job.requestStop();
    await vi.advanceTimersByTimeAsync(100);
    expect(job.state).toBe('stopped');
    expect(states.slice(states.indexOf('stopping'))).toEqual(['stopping', 'stopped']);
  });

  it.each(['hangs', 'fails'] as const)('ends a job whose recording of skipped ticks %s, at once', async (recording) => {
    const host = new ScriptedHost({ triggerCount: 0, lastTickAt: Date.now() - 10 * SECOND });
    host.recording = recording;
    const job = new RecordingJob({ name: 'skipper', cron: '* * * * * *', misfire: 'skip' });
    job.bindHost(host);
    job.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(host.recorded.length).toBeGreaterThan(0);
    job.requestStop();
    await vi.advanceTimersByTimeAsync(0);
    expect(job.state).toBe('stopped');
    expect(job.count('execute')).toBe(0);
  });

  it('hands back a grant that arrives while the job is paused instead of executing it', async () => {
    const host = new ScriptedHost();
    host.claimDelayMs = 100;
    const { job } = hostedJob(host);
    job.start();
    await vi.advanceTimersByTimeAsync(5 * SECOND + 10);
    expect(host.requests).toHaveLength(1);
    job.pause();
    await vi.advanceTimersByTimeAsync(100);
    expect(job.count('execute')).toBe(0);
    expect(job.state).toBe('paused');
    expect(host.finished.map((outcome) => outcome.status)).toEqual(['interrupted']);
    job.requestStop();
    await job.waitUntilDone();
  });
});

describe('a pause while the job waits on its claim', () => {
  it('moves the job to paused at once when the claim never answers, and hands back a grant that comes late', async () => {
    const host = new ScriptedHost();
    host.claimDelayMs = 60 * SECOND;
    const { job, states } = hostedJob(host);
    job.start();
    await vi.advanceTimersByTimeAsync(5 * SECOND + 10);
    expect(host.requests).toHaveLength(1);
    job.pause();
    await vi.advanceTimersByTimeAsync(0);
    expect(job.state).toBe('paused');
    expect(states.at(-1)).toBe('paused');
    await vi.advanceTimersByTimeAsync(60 * SECOND);
    expect(job.count('execute')).toBe(0);
    expect(host.requests).toHaveLength(1);
    expect(host.finished.map((outcome) => [outcome.status, outcome.error?.message])).toEqual([['interrupted', 'paused before the execution started']]);
    job.requestStop();
    await job.waitUntilDone();
  });

  it('leaves the claim of a manual trigger to settle (a manual trigger runs while paused)', async () => {
    const host = new ScriptedHost();
    host.claimDelayMs = 10 * SECOND;
    const { job } = hostedJob(host);
    job.start();
    await vi.advanceTimersByTimeAsync(10);
    job.triggerNow();
    await vi.advanceTimersByTimeAsync(10);
    expect(host.requests.map((request) => request.reason)).toEqual(['manual']);
    job.pause();
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    expect(job.calls.filter((call) => call.hook === 'execute').map((call) => call.run?.reason)).toEqual(['manual']);
    expect(job.state).toBe('paused');
    job.requestStop();
    await job.waitUntilDone();
  });

  it('does not trigger on start when paused before the start trigger', async () => {
    const host = new ScriptedHost();
    const { job } = hostedJob(host, { triggerOnStart: true });
    job.start();
    job.pause();
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    expect(host.requests).toEqual([]);
    expect(job.state).toBe('paused');
    job.requestStop();
    await job.waitUntilDone();
  });
});
