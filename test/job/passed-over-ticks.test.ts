/**
 * Ticks passed over while claims are refused or fail are all judged again (every tick after the
 * mark gets a row), and the missed and skipped counters count only what this job recorded
 * (issue 12, defects 4 and 5). A held claim whose lease is not live at its tick is handed back
 * (defect 3, on a fake clock; test/replicas/frozen-holder.test.ts freezes a real process).
 */
import { describe, expect, it, vi } from 'vitest';
import type { UnexecutedTicks } from '../../src/host.js';
import type { MisfirePolicy } from '../../src/index.js';
import { MINUTE, REFERENCE, SECOND, stopAndWait, useFakeTime } from '../helpers/fake-time.js';
import { failOnLeakedJobs, RecordingJob } from '../helpers/recording-job.js';
import { ScriptedHost } from '../helpers/scripted-host.js';

failOnLeakedJobs();
useFakeTime();

/** A one-second cron job under `host`, restored with its mark at {@link REFERENCE}. */
function everySecond(misfire: MisfirePolicy): { job: RecordingJob; host: ScriptedHost; unexecutedEvents: UnexecutedTicks[] } {
  const host = new ScriptedHost({ triggerCount: 0, lastTickAt: REFERENCE });
  const unexecutedEvents: UnexecutedTicks[] = [];
  const onEvent = host.onEvent.bind(host);
  host.onEvent = (hosted, event) => {
    if (event.type === 'unexecuted') unexecutedEvents.push(event.ticks);
    onEvent(hosted, event);
  };
  const job = new RecordingJob({ name: 'seconds', cron: '* * * * * *', timezone: 'UTC', misfire });
  job.bindHost(host);
  return { job, host, unexecutedEvents };
}

/** Every tick the host was told about: claimed (granted), or passed over with a granted claim or recorded alone. */
function ticksWithRows(host: ScriptedHost, answers: readonly string[]): number[] {
  const ticks: number[] = [];
  host.requests.forEach((request, index) => {
    if ((answers[index] ?? 'grant') !== 'grant') return;
    ticks.push(...(request.unexecuted?.ticks ?? []));
    if (request.tickAt !== null) ticks.push(request.tickAt);
  });
  for (const recorded of host.recorded) ticks.push(...recorded.ticks);
  return ticks.sort((a, b) => a - b);
}

describe('ticks passed over while claims are refused or fail', () => {
  it.each([
    ['once', 'busy'],
    ['once', 'fail'],
    ['all', 'busy'],
    ['skip', 'busy'],
  ] as const)('misfire %s, claims answering %s: every tick after the mark is claimed or recorded exactly once', async (misfire, refusal) => {
    const { job, host } = everySecond(misfire);
    const answers = [refusal, refusal, refusal, refusal];
    host.answers.push(...answers);
    job.start();
    await vi.advanceTimersByTimeAsync(8 * SECOND);
    const expected = Array.from({ length: 8 }, (_, index) => REFERENCE + (index + 1) * SECOND);
    expect(ticksWithRows(host, answers).filter((tick) => tick <= REFERENCE + 8 * SECOND)).toEqual(expected);
    await stopAndWait(job);
  });

  it('counts only the passed-over ticks the host recorded, once each, after the claim', async () => {
    const { job, host, unexecutedEvents } = everySecond('once');
    host.answers.push('busy', 'busy', 'busy');
    job.start();
    await vi.advanceTimersByTimeAsync(3 * SECOND + 500);
    // Three refused claims: nothing recorded, so nothing counted.
    expect(job.missedTicks).toBe(0);
    expect(unexecutedEvents).toEqual([]);
    await vi.advanceTimersByTimeAsync(SECOND);
    const granted = host.requests.at(-1);
    expect(granted?.unexecuted?.count).toBe(3);
    expect(job.missedTicks).toBe(3);
    expect(unexecutedEvents.map((ticks) => ticks.count)).toEqual([3]);
    await stopAndWait(job);
  });

  it('does not count passed-over ticks another replica ran (the store recorded none of them)', async () => {
    const { job, host, unexecutedEvents } = everySecond('once');
    host.unexecutedRecorded = 0;
    host.answers.push('busy', 'busy');
    job.start();
    await vi.advanceTimersByTimeAsync(4 * SECOND);
    expect(host.requests.some((request) => (request.unexecuted?.count ?? 0) > 0)).toBe(true);
    expect(job.missedTicks).toBe(0);
    expect(unexecutedEvents).toEqual([]);
    await stopAndWait(job);
  });
});

describe('a tick claimed ahead whose lease is not live at the tick', () => {
  it('is handed back and recorded, not executed', async () => {
    const host = new ScriptedHost();
    host.claimAheadMs = 250;
    const tick = REFERENCE + MINUTE;
    // The lease was confirmed until just before the tick (as after a freeze past its expiry).
    host.grantLiveUntil = tick - 1;
    const job = new RecordingJob({ name: 'held', cron: '* * * * *', timezone: 'UTC' });
    job.bindHost(host);
    job.start();
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(host.requests.map((request) => request.tickAt)).toEqual([tick]);
    expect(job.count('execute')).toBe(0);
    expect(host.finished.map((outcome) => [outcome.status, outcome.error?.message])).toEqual([['interrupted', 'the lease expired before the execution started']]);
    // The next tick, whose lease is live, runs.
    host.grantLiveUntil = tick + 2 * MINUTE;
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(job.count('execute')).toBe(1);
    expect(job.calls.find((call) => call.hook === 'execute')?.run?.fence).toBe(7);
    await stopAndWait(job);
  });
});
