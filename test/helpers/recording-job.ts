import { afterEach, expect } from 'vitest';
import { BaseJob, type JobConfig, type RunContext } from '../../src/index.js';
import { sharedTimerQueue } from '../../src/time/timer-queue.js';
import { CaptureLogger } from './capture-logger.js';

/** A hook call seen by a {@link RecordingJob}. */
export interface HookCall {
  hook: 'setup' | 'execute' | 'shutdown';
  at: number;
  run?: RunContext;
}

/** Behaviour knobs of a {@link RecordingJob}, changeable while it runs. */
export interface RecordingBehaviour {
  /** Milliseconds each execution takes (a timer, so fake timers drive it). */
  executeMs: number;
  /** Throw from the n-th execute calls (1-based), or from every call with `true`. */
  failExecute: Set<number> | boolean;
  /** Throw from setup on the n-th setup calls. */
  failSetup: Set<number>;
  /** Throw from shutdown. */
  failShutdown: boolean;
  /** Ignore the abort signal while waiting `executeMs`. */
  ignoreSignal: boolean;
}

const liveJobs = new Set<BaseJob>();

/** A job that records every hook call with the (fake) time it happened. */
export class RecordingJob extends BaseJob {
  readonly calls: HookCall[] = [];
  readonly behaviour: RecordingBehaviour = { executeMs: 0, failExecute: false, failSetup: new Set(), failShutdown: false, ignoreSignal: false };
  readonly capture: CaptureLogger;
  signals: AbortSignal[] = [];

  constructor(config: JobConfig, behaviour: Partial<RecordingBehaviour> = {}) {
    const capture = new CaptureLogger();
    super({ logger: capture, ...config });
    this.capture = capture;
    Object.assign(this.behaviour, behaviour);
    liveJobs.add(this);
  }

  override setup(): void {
    this.calls.push({ hook: 'setup', at: Date.now() });
    if (this.behaviour.failSetup.has(this.count('setup'))) throw new Error('setup failed');
  }

  async execute(signal: AbortSignal, run: RunContext): Promise<void> {
    this.calls.push({ hook: 'execute', at: Date.now(), run });
    this.signals.push(signal);
    const n = this.count('execute');
    if (this.behaviour.executeMs > 0) await wait(this.behaviour.executeMs, this.behaviour.ignoreSignal ? null : signal);
    const fail = this.behaviour.failExecute;
    if (fail === true || (fail instanceof Set && fail.has(n))) throw new Error(`execute ${n} failed`);
  }

  override shutdown(): void {
    this.calls.push({ hook: 'shutdown', at: Date.now() });
    if (this.behaviour.failShutdown) throw new Error('shutdown failed');
  }

  /** How many times `hook` was called. */
  count(hook: HookCall['hook']): number {
    return this.calls.filter((call) => call.hook === hook).length;
  }

  /** Times (ms since `origin`) at which `hook` was called. */
  times(hook: HookCall['hook'], origin: number): number[] {
    return this.calls.filter((call) => call.hook === hook).map((call) => call.at - origin);
  }

  /** Hook names in call order. */
  sequence(): string[] {
    return this.calls.map((call) => call.hook);
  }
}

function wait(ms: number, signal: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Registers an afterEach that stops every RecordingJob left running and fails the test if
 * any was, or if the shared timer queue still holds entries.
 */
export function failOnLeakedJobs(): void {
  afterEach(async () => {
    const leaked = [...liveJobs].filter((job) => job.isRunning).map((job) => job.name);
    for (const job of liveJobs) job.requestStop();
    liveJobs.clear();
    expect(leaked, 'jobs left running by the test').toEqual([]);
    expect(sharedTimerQueue.size, 'timer entries left queued').toBe(0);
  });
}
