import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { JobState } from '../../src/job/job-state.js';
import { RunContext } from '../../src/job/run-context.js';
import { RunnerMetrics } from '../../src/metrics/runner-metrics.js';
import type { RunRecord } from '../../src/store/job-store.js';

const T = Date.UTC(2026, 0, 5, 12, 0, 0);

function record(job: string, overrides: Partial<RunRecord> = {}): RunRecord {
  return { id: '1', job, tickAt: T, startedAt: T + 250, endedAt: T + 1_750, status: 'ok', error: null, trigger: 1, owner: 'me', ...overrides };
}

describe('RunnerMetrics', () => {
  const jobs: { name: string; state: JobState; nextRunAt: Date | null }[] = [
    { name: 'report', state: 'running', nextRunAt: null },
    { name: 'sampler', state: 'sleeping', nextRunAt: new Date(T + 60_000) },
  ];

  it('exports the counters and gauges of every job before any run', async () => {
    const metrics = new RunnerMetrics({ jobs: () => jobs });
    metrics.addJob('report');
    metrics.addJob('sampler');
    const text = await metrics.registry.metrics();
    for (const name of ['triggers_total', 'failures_total', 'missed_ticks_total', 'skipped_ticks_total']) {
      expect(text).toContain(`eleanor_job_${name}{job="sampler"} 0`);
    }
    expect(text).not.toContain('eleanor_job_execution_duration_seconds_count{job="sampler"}');
    expect(text).toContain('eleanor_job_running{job="report"} 1');
    expect(text).toContain('eleanor_job_running{job="sampler"} 0');
    expect(text).toContain(`eleanor_job_next_run_timestamp_seconds{job="sampler"} ${(T + 60_000) / 1000}`);
    expect(text).toContain('eleanor_job_next_run_timestamp_seconds{job="report"} 0');
  });

  it('counts triggers, failures and unexecuted ticks, and observes duration and lateness in seconds', async () => {
    const metrics = new RunnerMetrics({ jobs: () => jobs });
    metrics.onRunStart({ job: 'report', run: record('report', { status: 'running', endedAt: null }), context: new RunContext(1, 'schedule', T, T + 250) });
    metrics.onRunEnd({ job: 'report', run: record('report'), outcome: { status: 'ok', endedAt: T + 1_750, error: null } });
    const failure = new Error('boom');
    metrics.onRunEnd({ job: 'report', run: record('report', { status: 'failed' }), outcome: { status: 'failed', endedAt: T + 1_750, error: failure } });
    metrics.onRunEnd({ job: 'report', run: record('report', { status: 'timeout' }), outcome: { status: 'timeout', endedAt: T + 1_750, error: failure } });
    metrics.onRunEnd({ job: 'report', run: record('report', { status: 'interrupted' }), outcome: { status: 'interrupted', endedAt: T + 1_750, error: failure } });
    metrics.onTicksUnexecuted({ job: 'report', ticks: { ticks: [T], count: 7, status: 'missed' } });
    metrics.onTicksUnexecuted({ job: 'report', ticks: { ticks: [T], count: 2, status: 'skipped' } });
    const text = await metrics.registry.metrics();
    expect(text).toContain('eleanor_job_triggers_total{job="report"} 1');
    expect(text).toContain('eleanor_job_failures_total{job="report"} 2');
    expect(text).toContain('eleanor_job_missed_ticks_total{job="report"} 7');
    expect(text).toContain('eleanor_job_skipped_ticks_total{job="report"} 2');
    expect(text).toContain('eleanor_job_execution_duration_seconds_sum{job="report"} 6');
    expect(text).toContain('eleanor_job_execution_duration_seconds_bucket{le="2.5",job="report"} 4');
    expect(text).toContain('eleanor_job_execution_duration_seconds_bucket{le="1",job="report"} 0');
    expect(text).toContain('eleanor_job_start_lateness_seconds_sum{job="report"} 0.25');
    expect(text).toContain('eleanor_job_start_lateness_seconds_bucket{le="0.5",job="report"} 1');
  });

  it('keeps each runner on its own registry, never the global one', async () => {
    const before = (await globalRegistry.getMetricsAsJSON()).length;
    const first = new RunnerMetrics({ jobs: () => [] });
    const second = new RunnerMetrics({ jobs: () => [] });
    first.addJob('a');
    expect(first.registry).not.toBe(second.registry);
    expect(await second.registry.metrics()).not.toContain('job="a"');
    expect((await globalRegistry.getMetricsAsJSON()).length).toBe(before);
  });
});
