/**
 * A span per run, active inside `execute`: checked with the OpenTelemetry SDK's in-memory
 * exporter and the AsyncLocalStorage context manager, as an application would register them.
 */
import { context, trace, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BaseJob } from '../../src/job/base-job.js';
import type { RunContext } from '../../src/job/run-context.js';
import { JobRunner } from '../../src/runner/job-runner.js';
import type { RunEndEvent } from '../../src/runner/runner-events.js';
import { RunTracer } from '../../src/tracing/run-tracer.js';
import { CaptureLogger } from '../helpers/capture-logger.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(provider);
});

afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
});

afterEach(() => exporter.reset());

/** A job that calls an "instrumented" dependency: a child span of whatever is active. */
class CallsOut extends BaseJob {
  fail = false;
  seenActive: string | undefined;

  async execute(_signal: AbortSignal, run: RunContext) {
    this.seenActive = trace.getActiveSpan()?.spanContext().spanId;
    await trace.getTracer('dependency').startActiveSpan('SELECT 1', async (child) => {
      await sleep(1);
      child.end();
    });
    if (this.fail) throw new Error(`upstream down at trigger ${run.trigger}`);
  }
}

/** Runs `job` once (trigger on start) under a runner and returns the run's end event. */
async function runOnce(job: BaseJob, options: ConstructorParameters<typeof JobRunner>[0] = {}): Promise<RunEndEvent> {
  const runner = new JobRunner({ logger: new CaptureLogger(), owner: 'replica-a', ...options });
  runner.add(job);
  const ended = new Promise<RunEndEvent>((resolve) => runner.once('run:end', resolve));
  await runner.start();
  const event = await ended;
  await runner.stop();
  return event;
}

function spanNamed(name: string): ReadableSpan {
  const span = exporter.getFinishedSpans().find((candidate) => candidate.name === name);
  if (span === undefined) throw new Error(`no span "${name}" among ${exporter.getFinishedSpans().map((candidate) => candidate.name).join(', ')}`);
  return span;
}

describe('run spans', () => {
  it('wraps each run in a root span that is active inside execute, with the run described', async () => {
    const job = new CallsOut({ name: 'report', interval: 3600, triggerOnStart: true });
    const event = await runOnce(job);
    const run = spanNamed('run report');
    const child = spanNamed('SELECT 1');
    expect(job.seenActive).toBe(run.spanContext().spanId);
    expect(child.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
    expect(child.spanContext().traceId).toBe(run.spanContext().traceId);
    expect(run.parentSpanContext).toBeUndefined();
    expect(run.attributes).toMatchObject({
      'eleanor.job': 'report',
      'eleanor.run.trigger': 1,
      'eleanor.run.reason': 'start',
      'eleanor.run.owner': 'replica-a',
      'eleanor.run.outcome': 'ok',
      'eleanor.run.id': event.run.id,
    });
    expect(typeof run.attributes['eleanor.run.lateness_s']).toBe('number');
    expect(run.status.code).toBe(SpanStatusCode.UNSET);
    // It spans the execution: from the call of execute (at or after the claim) to the recorded end.
    expect(run.startTime[0] * 1000 + run.startTime[1] / 1e6).toBeGreaterThanOrEqual(event.run.startedAt as number);
    expect(run.endTime).toEqual(msToHrTime(event.run.endedAt as number));
  });

  it('marks a failed run as an error, with the exception recorded', async () => {
    const job = new CallsOut({ name: 'flaky', interval: 3600, triggerOnStart: true, retryWait: 3600 });
    job.fail = true;
    await runOnce(job);
    const run = spanNamed('run flaky');
    expect(run.attributes['eleanor.run.outcome']).toBe('failed');
    expect(run.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Error: upstream down at trigger 1' });
    expect(run.events.map((entry) => entry.name)).toEqual(['exception']);
  });

  it('adds no span with tracing turned off', async () => {
    const job = new CallsOut({ name: 'quiet', interval: 3600, triggerOnStart: true });
    await runOnce(job, { tracing: false });
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['SELECT 1']);
    expect(job.seenActive).toBeUndefined();
  });

  it('runs execute unwrapped when @opentelemetry/api is not installed', async () => {
    const missing = Object.assign(new Error("Cannot find package '@opentelemetry/api'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const tracer = new RunTracer('replica-a', () => Promise.reject(missing));
    expect(await tracer.load()).toBe(false);
    let called = 0;
    const job = { name: 'bare', cron: null, interval: 1 };
    await tracer.wrap(job, { trigger: 1, reason: 'start', scheduledAtMs: null, startedAtMs: 0, runId: null, lateness: 0 } as unknown as RunContext, () => {
      called += 1;
      expect(trace.getActiveSpan()).toBeUndefined();
    });
    expect(called).toBe(1);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

function msToHrTime(ms: number): [number, number] {
  return [Math.floor(ms / 1000), (ms % 1000) * 1_000_000];
}
