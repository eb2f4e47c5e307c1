import { afterEach, beforeEach, expect, vi } from 'vitest';
import type { BaseJob } from '../../src/index.js';

/** A fixed, whole-second instant (a Monday, 12:00 UTC) that fake-time tests start from. */
export const REFERENCE = Date.UTC(2026, 0, 5, 12, 0, 0);
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

/**
 * Registers hooks that run each test on fake `Date`, timeouts and immediates starting at
 * {@link REFERENCE}, and fail the test if anything escaped as an unhandled rejection.
 */
export function useFakeTime(): void {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  beforeEach(() => {
    vi.useFakeTimers({ now: REFERENCE, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
    vi.useRealTimers();
    vi.restoreAllMocks();
    expect(unhandled, 'unhandled rejections').toEqual([]);
  });
}

/** Requests `job` to stop and runs fake time until its worker has ended. */
export async function stopAndWait(job: BaseJob): Promise<void> {
  job.requestStop();
  const done = job.waitUntilDone();
  await vi.runOnlyPendingTimersAsync();
  await done;
}
