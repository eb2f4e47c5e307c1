import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunsResponse } from '../../src/http/api-routes.js';
import { startHttpServer, type RunnerHttpServer } from '../../src/http/http-server.js';
import type { RunLogResponse } from '../../src/http/run-log-route.js';
import { BaseJob, type RunContext } from '../../src/index.js';
import { JobRunner } from '../../src/runner/job-runner.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { CaptureLogger } from '../helpers/capture-logger.js';

/** Reports progress and logs, then waits until the test opens its gate. */
class GatedJob extends BaseJob {
  open: () => void = () => undefined;

  async execute(_signal: AbortSignal, run: RunContext): Promise<void> {
    const gate = new Promise<void>((resolve) => (this.open = resolve));
    run.logger.info('loading <b>rows</b>');
    run.logger.warn({ table: 'a\u001b[31m' }, 'slow table');
    run.progress(0.4, 'loading rows');
    await gate;
  }
}

let store: MemoryStore;
let runner: JobRunner;
let server: RunnerHttpServer;
let job: GatedJob;

beforeEach(async () => {
  store = new MemoryStore();
  runner = new JobRunner({ store, logger: new CaptureLogger() });
  job = new GatedJob({ name: 'gated', interval: 3_600, triggerOnStart: true, logger: new CaptureLogger() });
  runner.add(job);
  server = await startHttpServer(runner, { port: 0, logger: new CaptureLogger() });
});

afterEach(async () => {
  job.open();
  await server.close();
  await runner.stop({ timeout: 5 });
});

/** Reads the event stream until `pattern` matches; returns the text read. */
async function readUntil(reader: ReadableStreamDefaultReader<string>, pattern: RegExp): Promise<string> {
  let text = '';
  while (!pattern.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  return text;
}

describe('run progress and run log over HTTP', () => {
  it('streams run:progress and run:log, shows progress on the running run, then serves the log', async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.url}/api/events`, { signal: controller.signal });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    await runner.start();
    const text = await readUntil(reader, /event: run:progress\ndata: .*\n\n[\s\S]*event: run:log\ndata: .*\n\n|event: run:log\ndata: .*\n\n[\s\S]*event: run:progress\ndata: .*\n\n/);
    const progressEvent = JSON.parse(/event: run:progress\ndata: (.*)\n\n/.exec(text)?.[1] ?? '{}') as Record<string, unknown>;
    expect(progressEvent).toMatchObject({ job: 'gated', runId: expect.any(String), progress: { fraction: 0.4, message: 'loading rows' } });
    const logEvent = JSON.parse(/event: run:log\ndata: (.*)\n\n/.exec(text)?.[1] ?? '{}') as { lines: string[] };
    expect(logEvent.lines.map((line) => line.slice(13))).toEqual(['INFO loading <b>rows</b>', 'WARN slow table {"table":"a\\u001b[31m"}']);
    const runId = progressEvent.runId as string;

    const runs = (await (await fetch(`${server.url}/api/jobs/gated/runs`)).json()) as RunsResponse;
    expect(runs.runs[0]).toMatchObject({ id: runId, status: 'running', progress: { fraction: 0.4, message: 'loading rows' } });

    const ended = new Promise((resolve) => runner.on('run:end', resolve));
    job.open();
    await ended;
    await readUntil(reader, /event: run\ndata: .*"status":"ok"/);
    controller.abort();

    const logResponse = await fetch(`${server.url}/api/runs/${runId}/log`);
    expect(logResponse.status).toBe(200);
    expect(logResponse.headers.get('content-type')).toContain('application/json');
    const log = (await logResponse.json()) as RunLogResponse;
    expect(log.runId).toBe(runId);
    expect(log.cut).toBe(0);
    expect(log.lines.map((line) => line.slice(13))).toEqual(['INFO loading <b>rows</b>', 'WARN slow table {"table":"a\\u001b[31m"}']);

    const head = await fetch(`${server.url}/api/runs/${runId}/log`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('answers 404 for an unknown run, 400 naming a bad id, 503 when the store fails', async () => {
    const missing = await fetch(`${server.url}/api/runs/424242/log`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'no run with id 424242 (it may have been pruned)' });
    const bad = await fetch(`${server.url}/api/runs/01x/log`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'path parameter "id" must be a run id (a positive integer), got "01x"' });
    const huge = await fetch(`${server.url}/api/runs/99999999999999999/log`);
    expect(huge.status).toBe(400);
    store.readRunLog = () => Promise.reject(new Error('disk on fire'));
    const failing = await fetch(`${server.url}/api/runs/1/log`);
    expect(failing.status).toBe(503);
    expect(await failing.json()).toEqual({ error: 'the store (memory) did not answer: disk on fire' });
  });
});
