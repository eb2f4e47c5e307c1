/**
 * Issue 13 item 8: a cap on live event clients, the Host check on loopback (DNS rebinding),
 * HEAD on every GET route, secret fields redacted, stacks relative to the working directory.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dashboardRoutes } from '../../src/dashboard/dashboard-routes.js';
import { startHttpServer, type RunnerHttpServer } from '../../src/http/http-server.js';
import { BaseJob } from '../../src/index.js';
import { JobRunner } from '../../src/runner/job-runner.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { CaptureLogger } from '../helpers/capture-logger.js';
import { rawRequest } from './raw-request.js';

const SECRET = 'sk-live-0123456789abcdef';

class CallsApi extends BaseJob<{ apiKey?: string; region?: string }> {
  static override fields = {
    ...BaseJob.fields,
    apiKey: z.string().default(SECRET).meta({ title: 'API key', secret: true, readOnly: true }),
    region: z.string().default('eu-west-1').meta({ readOnly: true }),
  };
  declare readonly apiKey: string;
  declare readonly region: string;

  execute(): void {
    throw new Error(`refused with key ${this.apiKey.slice(0, 3)}…`);
  }
}

let runner: JobRunner;
let server: RunnerHttpServer | null;

beforeEach(() => {
  runner = new JobRunner({ store: new MemoryStore(), logger: new CaptureLogger() });
  runner.add(new CallsApi({ name: 'calls-api', interval: 60, triggerOnStart: true, retryWait: 60, logger: new CaptureLogger() }));
  server = null;
});

afterEach(async () => {
  await server?.close();
  await runner.stop({ timeout: 5 });
});

async function serve(options: Parameters<typeof startHttpServer>[1] = {}): Promise<string> {
  server = await startHttpServer(runner, { port: 0, logger: new CaptureLogger(), routes: dashboardRoutes(), ...options });
  return server.url;
}

describe('live event clients', () => {
  it('answers 503 with Retry-After beyond maxEventClients, and admits again once one leaves', async () => {
    const url = await serve({ maxEventClients: 2 });
    const streams = [new AbortController(), new AbortController()];
    for (const controller of streams) expect((await fetch(`${url}/api/events`, { signal: controller.signal })).status).toBe(200);
    const refused = await rawRequest(`${url}/api/events`);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('30');
    expect(JSON.parse(refused.body)).toEqual({ error: 'too many live event clients (the limit is 2); poll /api/jobs instead, or retry later' });
    expect((await rawRequest(`${url}/healthz`)).status).toBe(200);
    streams[0]?.abort();
    await expect.poll(async () => (await rawRequest(`${url}/api/events`, { headersOnly: true })).status).toBe(200);
    streams[1]?.abort();
  });

  it('refuses a bad limit naming the option', async () => {
    await expect(serve({ maxEventClients: -1 })).rejects.toThrow('request handler option "maxEventClients" must be an integer >= 0, got -1');
  });
});

describe('Host header on loopback', () => {
  it('refuses a host name that is not loopback (DNS rebinding), accepts the loopback names', async () => {
    const url = await serve();
    const port = new URL(url).port;
    const rebound = await rawRequest(`${url}/api/jobs`, { headers: { host: `attacker.example:${port}` } });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body).error).toMatch(/^Host header "attacker\.example:\d+" is not one this server answers to \(localhost, 127\.0\.0\.1, \[::1\]\)/);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, 'localhost']) {
      expect((await rawRequest(`${url}/api/jobs`, { headers: { host } })).status, host).toBe(200);
    }
    for (const host of [`attacker.example@127.0.0.1:${port}`, '127.0.0.1.attacker.example', `localhost:${port}/x`]) {
      expect((await rawRequest(`${url}/healthz`, { headers: { host } })).status, host).toBe(403);
    }
  });

  it('does not check it on other interfaces, nor when allowedHosts is null', async () => {
    const url = await serve({ host: '0.0.0.0' });
    expect((await rawRequest(`${url}/api/jobs`, { headers: { host: 'jobs.internal' } })).status).toBe(200);
    await server?.close();
    const open = await serve({ allowedHosts: null });
    expect((await rawRequest(`${open}/api/jobs`, { headers: { host: 'anything.example' } })).status).toBe(200);
  });
});

describe('HEAD', () => {
  it('answers every GET route with its status and headers and no body', async () => {
    const url = await serve();
    await runner.start();
    const paths = ['/healthz', '/readyz', '/metrics', '/api/jobs', '/api/jobs/calls-api', '/api/jobs/calls-api/runs', '/api/runs', '/', '/dashboard/app.css', '/dashboard/main.js', '/api/jobs/nope'];
    for (const path of paths) {
      const get = await rawRequest(`${url}${path}`);
      const head = await rawRequest(`${url}${path}`, { method: 'HEAD' });
      expect(head.status, path).toBe(get.status);
      expect(head.headers['content-type'], path).toBe(get.headers['content-type']);
      expect(head.body, path).toBe('');
    }
    const events = await rawRequest(`${url}/api/events`, { method: 'HEAD' });
    expect(events).toMatchObject({ status: 200, body: '' });
    expect(events.headers['content-type']).toBe('text/event-stream; charset=utf-8');
  });
});

describe('secret fields and stacks', () => {
  it('never serves a secret value: model, schema and live events show it redacted', async () => {
    const url = await serve();
    const controller = new AbortController();
    const stream = await fetch(`${url}/api/events`, { signal: controller.signal });
    const reader = stream.body?.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    let streamed = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        streamed += new TextDecoder().decode(value);
      }
    })().catch(() => undefined);
    await runner.start();
    await expect.poll(() => streamed.includes('event: job')).toBe(true);
    const list = await rawRequest(`${url}/api/jobs`);
    const detail = await rawRequest(`${url}/api/jobs/calls-api`);
    for (const body of [list.body, detail.body, streamed]) expect(body).not.toContain(SECRET);
    expect(JSON.parse(list.body).jobs[0].model).toMatchObject({ apiKey: '[redacted]', region: 'eu-west-1' });
    expect(JSON.parse(detail.body).schema.properties.apiKey).toMatchObject({ default: '[redacted]', secret: true, title: 'API key' });
    controller.abort();
    await reading;
  });

  it('shows stack paths relative to the working directory', async () => {
    const url = await serve();
    await runner.start();
    await expect.poll(async () => JSON.parse((await rawRequest(`${url}/api/jobs/calls-api/runs`)).body).runs[0]?.status).toBe('failed');
    const [run] = JSON.parse((await rawRequest(`${url}/api/jobs/calls-api/runs`)).body).runs as { error: string }[];
    expect(run?.error).toContain('Error: refused with key sk-…');
    expect(run?.error).toContain('test/http/http-hardening.test.ts:');
    expect(run?.error).not.toContain(process.cwd());
  });
});
