import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEAD_AFTER_BEATS, SilenceWatchdog } from '../../src/dashboard/client/silence-watchdog.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('SilenceWatchdog', () => {
  it(`reports a connection silent for ${DEAD_AFTER_BEATS} heartbeat intervals, once, and any event restarts the wait`, () => {
    const onSilent = vi.fn();
    const watchdog = new SilenceWatchdog(onSilent);
    watchdog.feed(1_000);
    vi.advanceTimersByTime(DEAD_AFTER_BEATS * 1_000 - 1);
    watchdog.feed(); // a run or job event, without an interval
    vi.advanceTimersByTime(DEAD_AFTER_BEATS * 1_000 - 1);
    expect(onSilent).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onSilent).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60_000);
    expect(onSilent).toHaveBeenCalledTimes(1);
  });

  it('watches nothing until a heartbeat says the interval (a server without heartbeat events), nor after stop', () => {
    const onSilent = vi.fn();
    const watchdog = new SilenceWatchdog(onSilent);
    watchdog.feed();
    watchdog.feed(Number.NaN);
    vi.advanceTimersByTime(3_600_000);
    expect(onSilent).not.toHaveBeenCalled();
    watchdog.feed(500);
    watchdog.stop();
    vi.advanceTimersByTime(3_600_000);
    expect(onSilent).not.toHaveBeenCalled();
  });
});
