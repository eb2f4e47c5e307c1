/**
 * The control routes act cluster-wide through the store: a pause is recorded with who, when
 * and why and shown by the API; a trigger answers what happened (queued with an id, or
 * refused and why) and every refusal is logged.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors/store-errors.js';
import type { ActionResponse, JobsResponse } from '../../src/http/api-routes.js';
import { startHttpServer, type RunnerHttpServer } from '../../src/http/http-server.js';
import { JobRunner } from '../../src/runner/job-runner.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { CaptureLogger } from '../helpers/capture-logger.js';
import { RecordingJob } from '../helpers/recording-job.js';

const TOKEN = 's3cret-token';
const LONG_LEASE_MS = 600_000;

let store: MemoryStore;
let runner: JobRunner;
let server: RunnerHttpServer;
let logger: CaptureLogger;
let url: string;

beforeEach(async () => {
  logger = new CaptureLogger();
  store = new MemoryStore();
  runner = new JobRunner({ store, logger, pollInterval: 60 });
  runner.add(new RecordingJob({ name: 'hourly', cron: '0 * * * *' }));
  await runner.start();
  server = await startHttpServer(runner, { port: 0, logger, token: TOKEN });
  url = server.url;
});

afterEach(async () => {
  await server.close();
  await runner.stop({ timeout: 5 });
});

async function post(path: string, body?: unknown): Promise<{ status: number; body: ActionResponse & { error?: string } }> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as ActionResponse & { error?: string } };
}

describe('POST /api/jobs/:name/pause and /resume', () => {
  it('keep the pause in the store with who and why, and show it in the job view', async () => {
    const paused = await post('/api/jobs/hourly/pause', { by: 'alice', reason: 'database upgrade' });
    expect(paused).toMatchObject({ status: 200, body: { action: 'pause', pause: { job: 'hourly', by: 'alice', reason: 'database upgrade' }, job: { paused: true, pause: { by: 'alice' } } } });
    expect((await store.controls.list()).pauses).toEqual([paused.body.pause]);
    const jobs = (await (await fetch(`${url}/api/jobs`)).json()) as JobsResponse;
    expect(jobs.jobs[0]).toMatchObject({ name: 'hourly', paused: true, pause: { by: 'alice', at: expect.any(Number), reason: 'database upgrade' } });
    // Pausing again keeps the first pause.
    expect((await post('/api/jobs/hourly/pause', { by: 'bob' })).body.pause).toEqual(paused.body.pause);
    const resumed = await post('/api/jobs/hourly/resume', { by: 'carol' });
    expect(resumed).toMatchObject({ status: 200, body: { action: 'resume', pause: { by: 'alice' }, job: { paused: false, pause: null } } });
    expect((await store.controls.list()).pauses).toEqual([]);
    expect(logger.events('cluster-resume')[0]?.bindings).toMatchObject({ job: 'hourly', by: 'carol' });
  });

  it('default the operator to "http" and refuse a bad body, operator or reason with 400 naming the field', async () => {
    expect((await post('/api/jobs/hourly/pause')).body.pause).toMatchObject({ by: 'http', reason: null });
    await post('/api/jobs/hourly/resume');
    expect(await post('/api/jobs/hourly/pause', '[1]')).toMatchObject({ status: 400, body: { error: 'the request body must be a JSON object, e.g. {"by":"alice"}' } });
    expect(await post('/api/jobs/hourly/pause', '{oops')).toMatchObject({ status: 400 });
    expect(await post('/api/jobs/hourly/pause', { by: 42 })).toMatchObject({ status: 400, body: { error: 'body field "by" must be a string, got number' } });
    expect(await post('/api/jobs/hourly/pause', { by: 'eve\u001b[2J' })).toMatchObject({ status: 400, body: { error: expect.stringContaining('by must not contain control characters, got "eve\\u001b[2J"') } });
    expect(await post('/api/jobs/hourly/pause', { reason: 'x'.repeat(501) })).toMatchObject({ status: 400, body: { error: expect.stringContaining('reason must be at most 500 characters') } });
    expect(await post('/api/jobs/hourly/pause', { reason: 'x'.repeat(5_000) })).toMatchObject({ status: 413 });
    expect(await post('/api/jobs/nope/pause')).toMatchObject({ status: 404, body: { error: 'no job named "nope"' } });
    expect((await store.controls.list()).pauses).toEqual([]);
  });
});

describe('POST /api/jobs/:name/trigger', () => {
  it('answers 202 with the queued trigger, which runs once here when the lease is free', async () => {
    const triggered = await post('/api/jobs/hourly/trigger', { by: 'alice' });
    expect(triggered).toMatchObject({ status: 202, body: { action: 'trigger', status: 'queued', trigger: { job: 'hourly', by: 'alice', id: expect.stringMatching(/^[0-9]+$/) } } });
    expect((await store.controls.list()).triggers).toEqual([]);
    expect(logger.events('trigger-taken')[0]?.bindings).toMatchObject({ job: 'hourly', triggerId: triggered.body.trigger?.id });
  });

  it('answers 409 and logs the reason when the job is paused or a trigger is already queued', async () => {
    // Another replica holds the lease: the trigger stays queued for it.
    await store.acquireLease('hourly', 'other-replica', LONG_LEASE_MS);
    expect((await post('/api/jobs/hourly/trigger', { by: 'alice' })).status).toBe(202);
    expect(logger.events('trigger-taken')).toEqual([]);
    expect(await post('/api/jobs/hourly/trigger', { by: 'bob' })).toMatchObject({ status: 409, body: { status: 'refused', reason: 'already-queued', error: expect.stringContaining('already queued') } });
    await post('/api/jobs/hourly/pause', { by: 'ops' });
    expect(await post('/api/jobs/hourly/trigger', { by: 'bob' })).toMatchObject({ status: 409, body: { status: 'refused', reason: 'paused' } });
    expect(logger.events('trigger-refused').map((entry) => [entry.level, entry.bindings.job, entry.bindings.by, entry.bindings.reason])).toEqual([
      ['warn', 'hourly', 'bob', 'already-queued'],
      ['warn', 'hourly', 'bob', 'paused'],
    ]);
  });

  it('answers 404 for an unknown job and 503 when the store fails, logging both', async () => {
    expect(await post('/api/jobs/nope\u009b/trigger')).toMatchObject({ status: 404 });
    store.controls.requestTrigger = () => Promise.reject(new StoreError('connection refused'));
    expect(await post('/api/jobs/hourly/trigger')).toMatchObject({ status: 503, body: { error: 'the store (memory) did not answer: connection refused' } });
    const refusals = logger.events('trigger-refused');
    expect(refusals.map((entry) => entry.bindings.reason)).toEqual(['unknown-job', 'store-unavailable']);
    expect(refusals[0]?.message).toBe('manual trigger of "nope\\u009b" refused: this runner has no job of that name');
  });
});
