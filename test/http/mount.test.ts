/**
 * `createRequestHandler` mounted under `/jobs` in servers an application already has: plain
 * node:http, Express (both mount styles) and Fastify. The API, live events and the dashboard
 * answer under the prefix with the same auth; everything else stays the application's.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dashboardRoutes } from '../../src/dashboard/dashboard-routes.js';
import { createRequestHandler, type RunnerRequestHandler } from '../../src/http/request-handler.js';
import { JobRunner } from '../../src/runner/job-runner.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { CaptureLogger } from '../helpers/capture-logger.js';
import { RecordingJob } from '../helpers/recording-job.js';
import { rawRequest } from './raw-request.js';

const TOKEN = 'mount-token';

let runner: JobRunner;
let handler: RunnerRequestHandler;
let closeServer: (() => Promise<void>) | null;

beforeEach(async () => {
  const logger = new CaptureLogger();
  runner = new JobRunner({ store: new MemoryStore(), logger });
  runner.add(new RecordingJob({ name: 'report', interval: 60, triggerOnStart: true, logger }));
  handler = createRequestHandler(runner, { prefix: '/jobs', token: TOKEN, routes: dashboardRoutes(), logger });
  closeServer = null;
  await runner.start();
});

afterEach(async () => {
  handler.close();
  await closeServer?.();
  await runner.stop({ timeout: 5 });
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closeServer = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function listenFastify(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  closeServer = async () => {
    app.server.closeAllConnections();
    await app.close();
  };
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/** Everything a mounted handler must do, checked against the server at `base`. */
async function checkMounted(base: string): Promise<void> {
  const jobs = await rawRequest(`${base}/jobs/api/jobs`);
  expect(jobs.status).toBe(200);
  expect(JSON.parse(jobs.body).jobs.map((job: { name: string }) => job.name)).toEqual(['report']);
  expect((await rawRequest(`${base}/jobs/healthz`)).status).toBe(200);
  expect((await rawRequest(`${base}/jobs/api/runs`, { method: 'HEAD' })).status).toBe(200);

  const bare = await rawRequest(`${base}/jobs?x=1`);
  expect(bare.status).toBe(308);
  expect(bare.headers.location).toBe('/jobs/?x=1');
  const page = await rawRequest(`${base}/jobs/`);
  expect(page.status).toBe(200);
  expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(page.body).toContain('<script type="module" src="./dashboard/main.js"></script>');
  const script = await rawRequest(`${base}${new URL('./dashboard/main.js', `${base}/jobs/`).pathname}`);
  expect(script.status).toBe(200);
  expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');

  const events = await rawRequest(`${base}/jobs/api/events`, { headersOnly: true });
  expect(events.status).toBe(200);
  expect(events.headers['content-type']).toBe('text/event-stream; charset=utf-8');

  expect((await rawRequest(`${base}/jobs/api/jobs/report/trigger`, { method: 'POST' })).status).toBe(401);
  const triggered = await rawRequest(`${base}/jobs/api/jobs/report/trigger`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
  expect(triggered.status).toBe(202);
  expect(JSON.parse(triggered.body)).toMatchObject({ action: 'trigger', job: { name: 'report' } });

  // The application keeps the rest, the handler's own paths included when not under the prefix.
  expect(await rawRequest(`${base}/`)).toMatchObject({ status: 200, body: 'app home' });
  expect((await rawRequest(`${base}/api/jobs`)).body).not.toContain('report');
  expect((await rawRequest(`${base}/jobsx/api/jobs`)).body).not.toContain('report');
}

describe('createRequestHandler mounted under /jobs', () => {
  it('node:http: requests outside the prefix go to next()', async () => {
    const server = createServer((request, response) =>
      handler(request, response, () => {
        const home = request.url === '/';
        response.writeHead(home ? 200 : 404, { 'content-type': 'text/plain' });
        response.end(home ? 'app home' : 'app 404');
      }),
    );
    await checkMounted(await listen(server));
  });

  it('node:http without next: outside the prefix is a 404 naming the path', async () => {
    const base = await listen(createServer((request, response) => handler(request, response)));
    expect(await rawRequest(`${base}/elsewhere`)).toMatchObject({ status: 404, body: JSON.stringify({ error: 'no route for /elsewhere' }) });
  });

  it('Express: app.use("/jobs", handler)', async () => {
    const app = express();
    app.get('/', (_request, response) => {
      response.type('text/plain').send('app home');
    });
    app.use('/jobs', handler);
    await checkMounted(await listen(createServer(app)));
  });

  it('Express: app.use(handler), the prefix in the option only', async () => {
    const app = express();
    app.use(handler);
    app.get('/', (_request, response) => {
      response.type('text/plain').send('app home');
    });
    await checkMounted(await listen(createServer(app)));
  });

  it('Fastify: the raw request and response, hijacked, under /jobs and /jobs/*', async () => {
    const app = Fastify();
    app.get('/', async (_request, reply) => reply.type('text/plain').send('app home'));
    for (const url of ['/jobs', '/jobs/*']) {
      app.all(url, (request, reply) => {
        reply.hijack();
        handler(request.raw, reply.raw);
      });
    }
    await checkMounted(await listenFastify(app));
  });

  it('refuses a prefix that is not a path, naming the option', () => {
    for (const prefix of ['jobs', '/jobs/', '/a b', '/x?y']) {
      expect(() => createRequestHandler(runner, { prefix }), prefix).toThrow(`request handler option "prefix" must be "" or a path like "/jobs" (leading "/", no trailing "/"), got ${JSON.stringify(prefix)}`);
    }
  });
});
