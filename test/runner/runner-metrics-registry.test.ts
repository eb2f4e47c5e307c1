/**
 * Where a runner's metrics go: its own registry by default, the application's when given,
 * with prom-client's default process/runtime metrics only when asked for.
 */
import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { JobRunner } from '../../src/runner/job-runner.js';

const silent = { child: () => silent, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('JobRunner metrics option', () => {
  it('has no process metrics by default', async () => {
    const runner = new JobRunner({ logger: silent });
    const text = await runner.metrics.registry.metrics();
    expect(text).not.toContain('process_cpu_user_seconds_total');
    expect(text).not.toContain('nodejs_eventloop_lag_seconds');
  });

  it('collects the default process and runtime metrics when asked', async () => {
    const runner = new JobRunner({ logger: silent, metrics: { defaultMetrics: true } });
    const text = await runner.metrics.registry.metrics();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toContain('nodejs_heap_size_used_bytes');
  });

  it("registers on the application's own registry, next to its metrics", async () => {
    const registry = new Registry();
    new Counter({ name: 'app_requests_total', help: 'Requests.', registers: [registry] }).inc(3);
    const runner = new JobRunner({ logger: silent, metrics: { registry, defaultMetrics: true } });
    expect(runner.metrics.registry).toBe(registry);
    const text = await registry.metrics();
    expect(text).toContain('app_requests_total 3');
    expect(text).toContain('# TYPE eleanor_job_triggers_total counter');
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('leaves default metrics the application already collects alone', () => {
    const registry = new Registry();
    const first = new JobRunner({ logger: silent, metrics: { registry, defaultMetrics: true } });
    expect(first.metrics.registry.getSingleMetric('process_cpu_user_seconds_total')).toBeDefined();
    // A second collection on the same registry would throw "already registered" in prom-client.
    const other = new Registry();
    other.registerMetric(registry.getSingleMetric('process_cpu_user_seconds_total') as Counter);
    expect(() => new JobRunner({ logger: silent, metrics: { registry: other, defaultMetrics: true } })).not.toThrow();
  });

  it('refuses a registry that already holds a runner, and a registry that is not one', () => {
    const registry = new Registry();
    new JobRunner({ logger: silent, metrics: { registry } });
    expect(() => new JobRunner({ logger: silent, metrics: { registry } })).toThrow(/already holds eleanor_job_triggers_total/);
    expect(() => new JobRunner({ logger: silent, metrics: { registry: {} as Registry } })).toThrow('JobRunner option "metrics.registry" must be a prom-client Registry, got');
    expect(() => new JobRunner({ logger: silent, metrics: { defaultMetrics: 'yes' as unknown as boolean } })).toThrow('JobRunner option "metrics.defaultMetrics" must be a boolean, got');
  });
});
