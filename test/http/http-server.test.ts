import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionResponse, JobsResponse, RunsResponse } from '../../src/http/api-routes.js';
import { json, type HttpRoute } from '../../src/http/http-route.js';
import { startHttpServer, type RunnerHttpServer } from '../../src/http/http-server.js';
import type { JobDetailView } from '../../src/http/views.js';
import { JobRunner } from '../../src/runner/job-runner.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { CaptureLogger } from '../helpers/capture-logger.js';
import { RecordingJob } from '../helpers/recording-job.js';

const TOKEN = 's3cret-token';

let store: MemoryStore;
let runner: JobRunner;
let server: RunnerHttpServer | null;
let logger: CaptureLogger;
let ticker: RecordingJob;
let sampler: RecordingJob;

beforeEach(() => {
  logger = new CaptureLogger();
  store = new MemoryStore();
  runner = new JobRunner({ store, logger });
  ticker = new RecordingJob({ name: 'ticker', cron: '* * * * * *' });
  sampler = new RecordingJob({ name: 'sampler', interval: 0.05, triggerOnStart: true });
  runner.add(ticker, sampler);
  server = null;
});

afterEach(async () => {
  await server?.close();
  await runner.stop({ timeout: 5 });
});

async function serve(options: Parameters<typeof startHttpServer>[1] = {}): Promise<string> {
  server = await startHttpServer(runner, { port: 0, logger, ...options });
  return server.url;
}

async function get(url: string): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(url);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: response.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : text };
}

async function post(url: string, token?: string): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(url, { method: 'POST', headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('probes and metrics', () => {
  it('answers /healthz while serving, and /readyz only once the jobs are started and the store answers', async () => {
    const url = await serve();
    expect(await get(`${url}/healthz`)).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await get(`${url}/readyz`)).toMatchObject({ status: 503, body: { status: 'not ready', reason: 'runner is idle' } });
    await runner.start();
    expect(await get(`${url}/readyz`)).toMatchObject({ status: 200, body: { status: 'ready' } });
    store.ping = () => Promise.reject(new Error('connection refused'));
    expect(await get(`${url}/readyz`)).toMatchObject({ status: 503, body: { reason: 'store (memory) does not answer: connection refused' } });
  });

  it('serves Prometheus text from the runner registry', async () => {
    const url = await serve();
    await runner.start();
    await until(() => sampler.count('execute') >= 2);
    const response = await get(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(response.body).toMatch(/eleanor_job_triggers_total\{job="sampler"\} [1-9]/);
    expect(response.body).toContain('# TYPE eleanor_job_execution_duration_seconds histogram');
    expect(response.body).toContain('eleanor_job_next_run_timestamp_seconds{job="ticker"}');
  });
});

describe('JSON API', () => {
  it('lists the jobs with the runner and the JobView shape', async () => {
    const url = await serve();
    await runner.start();
    await until(() => sampler.count('execute') >= 1);
    const { status, body } = await get(`${url}/api/jobs`);
    expect(status).toBe(200);
    const response = body as JobsResponse;
    expect(response.actionsEnabled).toBe(false);
    expect(response.runner).toEqual({ owner: runner.owner, store: 'memory', startedAt: runner.status().startedAt });
    expect(Math.abs(response.now - Date.now())).toBeLessThan(5_000);
    const [tick, sample] = response.jobs;
    expect(tick).toMatchObject({ name: 'ticker', kind: 'cron', cron: '* * * * * *', interval: null, timezone: null, description: 'Every second', paused: false, failures24h: 0, missedTicks: 0, skippedTicks: 0 });
    expect(Object.keys(tick ?? {}).sort()).toEqual(
      ['name', 'kind', 'cron', 'interval', 'timezone', 'description', 'state', 'paused', 'pause', 'nextRunAt', 'lastRun', 'triggerCount', 'failures24h', 'missedTicks', 'skippedTicks', 'model'].sort(),
    );
    expect(sample).toMatchObject({ name: 'sampler', kind: 'interval', description: 'Every 0.05 seconds', model: { name: 'sampler', interval: 0.05, triggerOnStart: true } });
    expect(sample?.lastRun).toMatchObject({ job: 'sampler', owner: runner.owner, tickAt: null, latenessMs: null });
    expect(sample?.triggerCount).toBeGreaterThanOrEqual(1);
  });

  it('shows one job with its JSON Schema, and 404 for an unknown one', async () => {
    const url = await serve();
    await runner.start();
    const { status, body } = await get(`${url}/api/jobs/ticker`);
    expect(status).toBe(200);
    const detail = body as JobDetailView;
    expect(detail.name).toBe('ticker');
    expect(detail.nextRunAt).toBeGreaterThan(Date.now() - 1_000);
    expect(detail.schema).toMatchObject({ type: 'object', properties: { cron: { title: 'Trigger Cron Expression' } } });
    expect(await get(`${url}/api/jobs/nope`)).toEqual(expect.objectContaining({ status: 404, body: { error: 'no job named "nope"' } }));
    expect((await get(`${url}/api/jobs/has%20space`)).body).toEqual({ error: 'no job named "has space"' });
  });

  it('pages through a job runs newest first, with durations', async () => {
    const url = await serve();
    await runner.start();
    await until(() => sampler.count('execute') >= 6);
    const first = (await get(`${url}/api/jobs/sampler/runs?limit=3`)).body as RunsResponse;
    expect(first.runs).toHaveLength(3);
    const ids = first.runs.map((run) => Number(run.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const finished = first.runs.find((run) => run.status === 'ok');
    expect(finished?.durationMs).toBe((finished?.endedAt ?? 0) - (finished?.startedAt ?? 0));
    const next = (await get(`${url}/api/jobs/sampler/runs?limit=2&beforeId=${first.runs[2]?.id}`)).body as RunsResponse;
    expect(next.runs.map((run) => Number(run.id))).toEqual(next.runs.map((run) => Number(run.id)).filter((id) => id < (ids[2] ?? 0)));
    expect(next.runs).toHaveLength(2);
  });

  it('lists runs of all jobs since a time', async () => {
    const url = await serve();
    await runner.start();
    await until(() => sampler.count('execute') >= 3);
    const since = Date.now();
    const ticks = ticker.count('execute');
    await until(() => ticker.count('execute') > ticks, 3_000);
    const { runs } = (await get(`${url}/api/runs?since=${since}&limit=500`)).body as RunsResponse;
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.every((run) => (run.startedAt ?? 0) >= since)).toBe(true);
    expect(new Set(runs.map((run) => run.job))).toContain('ticker');
    const ticked = runs.find((run) => run.job === 'ticker');
    expect(ticked?.latenessMs).toBe((ticked?.startedAt ?? 0) - (ticked?.tickAt ?? 0));
  });

  it('answers bad requests with JSON errors naming the parameter', async () => {
    const url = await serve();
    const cases: [string, number, string][] = [
      ['/api/jobs/sampler/runs?limit=0', 400, 'query parameter "limit" must be an integer from 1 to 1000, got "0"'],
      ['/api/jobs/sampler/runs?limit=ten', 400, 'query parameter "limit" must be an integer from 1 to 1000, got "ten"'],
      ['/api/jobs/sampler/runs?beforeId=-3', 400, 'query parameter "beforeId" must be a run id (a positive integer), got "-3"'],
      ['/api/runs?since=yesterday', 400, 'query parameter "since" must be an integer from 0 to 9007199254740991, got "yesterday"'],
      ['/api/jobs/%E0%A4%A', 400, 'malformed percent-encoding in path segment "%E0%A4%A"'],
      ['/nowhere', 404, 'no route for /nowhere'],
      ['/api/jobs/sampler/trigger', 404, 'no route for /api/jobs/sampler/trigger'],
    ];
    for (const [path, status, error] of cases) {
      expect(await get(`${url}${path}`), path).toEqual(expect.objectContaining({ status, body: { error } }));
    }
    const wrongMethod = await post(`${url}/api/jobs`);
    expect(wrongMethod).toMatchObject({ status: 405, body: { error: 'POST is not allowed on /api/jobs; use GET, HEAD' } });
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('a store that does not answer', () => {
  it('answers run listings with 503 and job listings without lastRun', async () => {
    const url = await serve();
    await runner.start();
    store.listRuns = () => Promise.reject(new Error('connection reset'));
    expect(await get(`${url}/api/runs`)).toEqual(expect.objectContaining({ status: 503, body: { error: 'the store (memory) did not answer: connection reset' } }));
    expect((await get(`${url}/api/jobs/ticker/runs`)).status).toBe(503);
    const jobs = await get(`${url}/api/jobs`);
    expect(jobs.status).toBe(200);
    expect((jobs.body as JobsResponse).jobs.find((job) => job.name === 'ticker')?.lastRun).toBeNull();
  });
});

describe('actions', () => {
  it('do not exist without a token', async () => {
    const url = await serve();
    await runner.start();
    expect(await post(`${url}/api/jobs/sampler/pause`, TOKEN)).toMatchObject({ status: 404 });
    expect(sampler.isPaused).toBe(false);
  });

  it('require the bearer token, then trigger, pause and resume', async () => {
    const url = await serve({ token: TOKEN });
    await runner.start();
    expect(((await get(`${url}/api/jobs`)).body as JobsResponse).actionsEnabled).toBe(true);
    const missing = await post(`${url}/api/jobs/ticker/trigger`);
    expect(missing).toMatchObject({ status: 401, body: { error: 'missing or wrong bearer token (send "Authorization: Bearer <token>")' } });
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="eleanor-jobs"');
    expect(await post(`${url}/api/jobs/ticker/trigger`, 'not-it')).toMatchObject({ status: 401 });
    expect(await post(`${url}/api/jobs/ticker/trigger`, `${TOKEN}x`)).toMatchObject({ status: 401 });

    const before = ticker.count('execute');
    const triggered = await post(`${url}/api/jobs/ticker/trigger`, TOKEN);
    expect(triggered.status).toBe(202);
    expect((triggered.body as ActionResponse).action).toBe('trigger');
    await until(() => ticker.calls.some((call) => call.run?.reason === 'manual'));
    expect(ticker.count('execute')).toBeGreaterThan(before);

    const paused = await post(`${url}/api/jobs/sampler/pause`, TOKEN);
    expect(paused).toMatchObject({ status: 200, body: { action: 'pause', job: { name: 'sampler', paused: true } } });
    expect(sampler.isPaused).toBe(true);
    expect(await post(`${url}/api/jobs/sampler/resume`, TOKEN)).toMatchObject({ status: 200, body: { job: { paused: false } } });
    expect(await post(`${url}/api/jobs/nope/pause`, TOKEN)).toMatchObject({ status: 404, body: { error: 'no job named "nope"' } });
    const wrongMethod = await get(`${url}/api/jobs/sampler/pause`);
    expect(wrongMethod.status).toBe(405);
  });

  it('answer 409 when the runner is not running', async () => {
    const url = await serve({ token: TOKEN });
    expect(await post(`${url}/api/jobs/sampler/trigger`, TOKEN)).toMatchObject({
      status: 409,
      body: { error: 'JobRunner.trigger(): the runner is idle; it must be running' },
    });
  });
});

describe('live events', () => {
  it('streams run and job events as server-sent events', async () => {
    const url = await serve();
    const controller = new AbortController();
    const response = await fetch(`${url}/api/events`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    await runner.start();
    let text = '';
    const deadline = Date.now() + 5_000;
    while (!(text.includes('event: run') && text.includes('event: job')) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    controller.abort();
    expect(text.startsWith('retry: 2000\n: connected\n\n')).toBe(true);
    const runEvent = /event: run\ndata: (.*)\n\n/.exec(text);
    expect(JSON.parse(runEvent?.[1] ?? '{}')).toMatchObject({ job: expect.any(String), status: expect.any(String), durationMs: null });
    const jobEvent = /event: job\ndata: (.*)\n\n/.exec(text);
    expect(JSON.parse(jobEvent?.[1] ?? '{}')).toMatchObject({ name: expect.any(String), kind: expect.any(String), state: expect.any(String) });
  });

  it('sends a named heartbeat event at connect and every heartbeatMs, with the server time and the interval', async () => {
    const url = await serve({ heartbeatMs: 50 });
    const controller = new AbortController();
    const response = await fetch(`${url}/api/events`, { signal: controller.signal });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const heartbeats = (): RegExpMatchArray[] => [...text.matchAll(/event: heartbeat\ndata: (.*)\n\n/g)];
    while (heartbeats().length < 2) text += (await reader.read()).value ?? '';
    controller.abort();
    expect(text.startsWith('retry: 2000\n: connected\n\nevent: heartbeat\n')).toBe(true);
    const [first, second] = heartbeats().map((match) => JSON.parse(match[1] ?? '{}') as { now: number; everyMs: number });
    expect(first?.everyMs).toBe(50);
    expect(Math.abs((first?.now ?? 0) - Date.now())).toBeLessThan(5_000);
    expect(second?.now).toBeGreaterThanOrEqual(first?.now ?? Infinity);
  });
});

describe('server', () => {
  it('mounts extra routes after the built-in ones; auth routes need the token', async () => {
    const page: HttpRoute = { method: 'GET', path: '/dashboard/*', handle: ({ params }) => json({ page: params['*'] }) };
    const secret: HttpRoute = { method: 'GET', path: '/secret', auth: true, handle: () => json({ ok: true }) };
    const shadow: HttpRoute = { method: 'GET', path: '/healthz', handle: () => json({ shadowed: true }) };
    let url = await serve({ routes: [page, secret, shadow] });
    expect((await get(`${url}/dashboard/jobs/a%2Fb`)).body).toEqual({ page: 'jobs/a/b' });
    expect((await get(`${url}/secret`)).status).toBe(404);
    expect((await get(`${url}/healthz`)).body).toEqual({ status: 'ok' });
    await server?.close();
    url = await serve({ routes: [secret], token: TOKEN });
    expect((await get(`${url}/secret`)).status).toBe(401);
    const authorized = await fetch(`${url}/secret`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await authorized.json()).toEqual({ ok: true });
  });

  it('answers 500 when a handler throws and keeps serving', async () => {
    const broken: HttpRoute = {
      method: 'GET',
      path: '/broken',
      handle: () => {
        throw new Error('bug');
      },
    };
    const url = await serve({ routes: [broken] });
    expect(await get(`${url}/broken`)).toMatchObject({ status: 500, body: { error: 'internal server error' } });
    expect(logger.events('http-error')).toHaveLength(1);
    expect((await get(`${url}/healthz`)).status).toBe(200);
  });

  it('binds loopback by default', async () => {
    const url = await serve();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('reports a port in use in one clear line', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startHttpServer(runner, { port, logger })).rejects.toThrow(`cannot listen on 127.0.0.1:${port}: the port is already in use (choose another port)`);
    } finally {
      blocker.close();
    }
  });

  it('validates its options', async () => {
    await expect(startHttpServer(runner, { port: 70_000 })).rejects.toThrow('startHttpServer option "port" must be an integer from 0 to 65535, got 70000');
    await expect(startHttpServer(runner, { token: '' })).rejects.toThrow('option "token" must be a non-empty string or null');
  });
});
