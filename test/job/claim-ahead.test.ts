import { describe, expect, it, vi } from 'vitest';
import { BaseJob, JobException, type JobConfig } from '../../src/index.js';
import { CaptureLogger } from '../helpers/capture-logger.js';
import { MINUTE, REFERENCE, stopAndWait, useFakeTime } from '../helpers/fake-time.js';
import { failOnLeakedJobs, RecordingJob, type RecordingBehaviour } from '../helpers/recording-job.js';
import { ScriptedHost } from '../helpers/scripted-host.js';

failOnLeakedJobs();
useFakeTime();

/** A job whose execute throws synchronously. */
class ThrowingJob extends BaseJob {
  execute(): void {
    throw new Error('fails at once');
  }
}

/** A job that appends `execute <name>` to a shared log. */
class LoggingJob extends BaseJob {
  constructor(
    config: JobConfig,
    private readonly log: string[],
  ) {
    super({ logger: silent, ...config });
  }

  execute(): void {
    this.log.push(`execute ${this.name}`);
  }
}

const silent = new CaptureLogger();
const AHEAD = 250;
const TICK = REFERENCE + MINUTE;

/** A one-minute cron job under a host that claims `AHEAD` ms before each tick. */
function claimingAhead(behaviour: Partial<RecordingBehaviour> = {}): { job: RecordingJob; host: ScriptedHost } {
  const host = new ScriptedHost();
  host.claimAheadMs = AHEAD;
  const job = new RecordingJob({ name: 'ahead', cron: '* * * * *', timezone: 'UTC' }, behaviour);
  job.bindHost(host);
  return { job, host };
}

const executions = (job: RecordingJob): Array<[number | null | undefined, number | undefined]> =>
  job.calls.filter((call) => call.hook === 'execute').map((call) => [call.run?.scheduledAtMs, call.run?.startedAtMs]);

describe('a cron job under a host that claims ahead', () => {
  it('claims each tick claimAheadMs before it is due and executes it at the tick, not before', async () => {
    const { job, host } = claimingAhead();
    job.start();
    await vi.advanceTimersByTimeAsync(MINUTE - AHEAD - 1);
    expect(host.requests).toHaveLength(0);
    expect(job.nextRunAt?.getTime()).toBe(TICK);
    await vi.advanceTimersByTimeAsync(1);
    expect(host.claimedAt).toEqual([TICK - AHEAD]);
    expect(host.requests[0]).toMatchObject({ reason: 'schedule', tickAt: TICK, startedAt: TICK, unexecuted: null });
    expect(job.state).toBe('sleeping');
    expect(job.nextRunAt?.getTime()).toBe(TICK);
    await vi.advanceTimersByTimeAsync(AHEAD - 1);
    expect(job.count('execute')).toBe(0);
    await vi.advanceTimersByTimeAsync(1 + MINUTE);
    expect(executions(job)).toEqual([
      [TICK, TICK],
      [TICK + MINUTE, TICK + MINUTE],
    ]);
    expect(host.claimedAt).toEqual([TICK - AHEAD, TICK + MINUTE - AHEAD]);
    expect(host.events).toEqual(['trigger 1', 'run-end 1 ok', 'trigger 2', 'run-end 2 ok']);
    expect(job.calls.filter((call) => call.hook === 'execute').map((call) => call.run?.runId)).toEqual(['run-1', 'run-2']);
    await stopAndWait(job);
  });

  it('passes over a tick another replica took, and claims the next one ahead', async () => {
    const { job, host } = claimingAhead();
    host.answers.push('taken');
    job.start();
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(executions(job)).toEqual([[TICK + MINUTE, TICK + MINUTE]]);
    expect(host.requests.map((request) => request.tickAt)).toEqual([TICK, TICK + MINUTE]);
    expect(host.finished.map((outcome) => outcome.status)).toEqual(['ok']);
    await stopAndWait(job);
  });

  it('executes at once when the claim is answered after the tick', async () => {
    const { job, host } = claimingAhead();
    host.claimDelayMs = AHEAD + 40;
    job.start();
    await vi.advanceTimersByTimeAsync(MINUTE + 40);
    expect(executions(job)).toEqual([[TICK, TICK + 40]]);
    await stopAndWait(job);
  });

  it('a stop while it holds a tick hands the tick back unexecuted and ends the worker at once', async () => {
    const { job, host } = claimingAhead();
    job.start();
    await vi.advanceTimersByTimeAsync(MINUTE - AHEAD + 10);
    expect(host.requests).toHaveLength(1);
    job.requestStop();
    expect(job.state).toBe('stopped');
    await job.waitUntilDone(0);
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(job.count('execute')).toBe(0);
    expect(host.finished).toHaveLength(1);
    // Recorded as ending at its planned start: it was claimed as starting then, and never ran.
    expect(host.finished[0]).toMatchObject({ status: 'interrupted', endedAt: TICK, error: new Error('stopped before the execution started') });
  });

  it('a pause while it holds a tick hands the tick back; after resume the next tick runs', async () => {
    const { job, host } = claimingAhead();
    job.start();
    await vi.advanceTimersByTimeAsync(MINUTE - AHEAD + 10);
    job.pause();
    expect(host.finished[0]).toMatchObject({ status: 'interrupted', error: new Error('paused before the execution started') });
    await vi.advanceTimersByTimeAsync(AHEAD);
    job.resume();
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(executions(job)).toEqual([[TICK + MINUTE, TICK + MINUTE]]);
    await stopAndWait(job);
  });

  it('a manual trigger while it holds a tick runs right after that tick', async () => {
    const { job, host } = claimingAhead();
    job.start();
    await vi.advanceTimersByTimeAsync(MINUTE - AHEAD + 10);
    job.triggerNow();
    await vi.advanceTimersByTimeAsync(AHEAD - 20);
    expect(job.count('execute')).toBe(0);
    await vi.advanceTimersByTimeAsync(10);
    expect(job.calls.filter((call) => call.hook === 'execute').map((call) => [call.run?.reason, call.at])).toEqual([
      ['schedule', TICK],
      ['manual', TICK],
    ]);
    expect(host.requests.map((request) => request.reason)).toEqual(['schedule', 'manual']);
    await stopAndWait(job);
  });

  it('does not execute a tick whose grant was lost before it was due', async () => {
    const { job, host } = claimingAhead();
    job.start();
    await vi.advanceTimersByTimeAsync(MINUTE - AHEAD + 10);
    const lost = new Error('lease taken over');
    host.abortGrant(lost);
    await vi.advanceTimersByTimeAsync(AHEAD);
    expect(job.count('execute')).toBe(0);
    expect(host.finished).toEqual([expect.objectContaining({ status: 'interrupted', error: lost })]);
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(executions(job)).toEqual([[TICK + MINUTE, TICK + MINUTE]]);
    await stopAndWait(job);
  });
});

describe('an execution under a host', () => {
  it("gets the request's controller's signal: a lost grant aborts it and the run is interrupted", async () => {
    const { job, host } = claimingAhead({ executeMs: 5_000 });
    job.start();
    await vi.advanceTimersByTimeAsync(MINUTE + 1_000);
    expect(job.signals[0]).toBe(host.requests[0]?.controller.signal);
    const lost = new Error('lease taken over');
    host.abortGrant(lost);
    await vi.advanceTimersByTimeAsync(0);
    expect(host.finished).toEqual([expect.objectContaining({ status: 'interrupted', error: lost })]);
    // The aborted controller is not handed to the next claim.
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(host.requests[1]?.controller.signal.aborted).toBe(false);
    await stopAndWait(job);
  });

  it('aborts on stop with a JobException, and an execution that still ends normally is ok', async () => {
    const { job, host } = claimingAhead({ executeMs: 5_000, ignoreSignal: true });
    job.start();
    await vi.advanceTimersByTimeAsync(MINUTE + 1_000);
    job.requestStop();
    expect(job.signals[0]?.reason).toBeInstanceOf(JobException);
    await vi.advanceTimersByTimeAsync(4_000);
    await job.waitUntilDone(0);
    expect(host.finished.map((outcome) => outcome.status)).toEqual(['ok']);
  });

  it('executions due at one instant all start before any of them reports its start', async () => {
    const host = new ScriptedHost();
    const log: string[] = [];
    const onEvent = host.onEvent.bind(host);
    host.onEvent = (job, event) => {
      if (event.type === 'trigger') log.push(`trigger ${job.name}`);
      onEvent(job, event);
    };
    const jobs = ['a', 'b', 'c'].map((name) => new LoggingJob({ name, cron: '* * * * *', timezone: 'UTC' }, log));
    for (const job of jobs) {
      job.bindHost(host);
      job.start();
    }
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(log).toEqual(['execute a', 'execute b', 'execute c', 'trigger a', 'trigger b', 'trigger c']);
    for (const job of jobs) job.requestStop();
    await Promise.all(jobs.map((job) => job.waitUntilDone(0)));
  });

  it('reports its start before its end, also when execute throws at once', async () => {
    const host = new ScriptedHost();
    const job = new ThrowingJob({ name: 'throws', cron: '* * * * *', timezone: 'UTC', retryWait: 3_600, logger: silent });
    job.bindHost(host);
    job.start();
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(host.events).toEqual(['trigger 1', 'run-end 1 failed', 'error']);
    await stopAndWait(job);
  });
});
