/**
 * Logs written in a worker thread reach the job's logger on the main thread, carrying the
 * job name; the worker's hooks see a rebuilt RunContext.
 */
import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { CaptureLogger } from '../helpers/capture-logger.js';
import { ScriptedHost } from '../helpers/scripted-host.js';
import { ChattyJob, RenamedWithExportName } from './fixtures/thread-jobs.js';
import { until } from './helpers.js';

describe('logs from a worker thread', () => {
  it('arrive on the main logger with job: <name>, in pino calling conventions', async () => {
    const capture = new CaptureLogger({ root: true });
    const job = new ChattyJob({ name: 'chatty', interval: 60, triggerOnStart: true, isolation: 'thread', logger: capture });
    job.bindHost(new ScriptedHost());
    job.start();
    await until(() => capture.events('fixture-child').length > 0 && capture.entries.some((entry) => entry.message === 'plain %s message'));
    job.requestStop();
    await job.waitUntilDone(10);

    const [entry] = capture.events('fixture-log');
    // The run context crossed whole, with the id of the run the host granted.
    expect(entry?.bindings).toMatchObject({ root: true, job: 'chatty', trigger: 1, reason: 'start', runId: 'run-1', isRunContext: true });
    expect(entry?.bindings.threadId).not.toBe(threadId);
    // The worker's instance was built from the job's data model, inline inside the worker.
    expect(entry?.bindings.model).toEqual({ ...job.toJSON(), isolation: 'inline', triggerCount: 1 });
    expect(entry?.message).toBe('hello from the worker');

    const [child] = capture.events('fixture-child');
    expect(child?.level).toBe('warn');
    expect(child?.bindings).toMatchObject({ job: 'chatty', part: 'child', callback: '[Function callback]' });
    expect(child?.bindings.err).toBeInstanceOf(Error);
    expect((child?.bindings.err as Error).message).toBe('a logged error');

    const plain = capture.entries.find((e) => e.message === 'plain %s message');
    expect(plain?.level).toBe('debug');
    expect(plain?.bindings.job).toBe('chatty');

    const exits = capture.events('thread-exit');
    expect(exits).toHaveLength(1);
    expect(capture.events('thread-ready')[0]?.bindings.startMs).toBeGreaterThan(0);
  });

  it('a class exported under another name runs when it declares static exportName', async () => {
    const capture = new CaptureLogger();
    const job = new RenamedWithExportName({ name: 'renamed', interval: 60, triggerOnStart: true, isolation: 'thread', logger: capture });
    job.start();
    await until(() => capture.events('fixture-renamed-ran').length > 0);
    job.requestStop();
    await job.waitUntilDone(10);
    expect(capture.events('fixture-renamed-ran')[0]?.bindings.job).toBe('renamed');
  });
});
