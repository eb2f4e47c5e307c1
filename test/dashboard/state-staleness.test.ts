import { afterEach, describe, expect, it, vi } from 'vitest';
import { DashboardState, type Change } from '../../src/dashboard/client/state.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('DashboardState staleness', () => {
  it('is current until marked stale, then says since when, once, until marked current again', () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 15, 12, 0, 0) });
    const state = new DashboardState();
    const changes: Change[] = [];
    state.subscribe((change) => changes.push(change));
    expect(state.staleSince).toBeNull();
    state.markCurrent();
    expect(changes).toEqual([]); // already current: nothing to redraw

    vi.advanceTimersByTime(30_000);
    state.markStale(); // a poll failed: the data is as of the last reload
    expect(state.staleSince).toBe(Date.UTC(2026, 0, 15, 12, 0, 0));
    vi.advanceTimersByTime(5_000);
    state.markStale(state.now()); // later losses do not move the time
    expect(state.staleSince).toBe(Date.UTC(2026, 0, 15, 12, 0, 0));
    expect(changes).toEqual([{ kind: 'job', name: null }]);

    state.markCurrent();
    expect(state.staleSince).toBeNull();
    expect(changes).toHaveLength(2);
    vi.advanceTimersByTime(1_000);
    state.markStale(state.now()); // the live stream dropped: the data was live until now
    expect(state.staleSince).toBe(Date.UTC(2026, 0, 15, 12, 0, 36));
  });
});
