/**
 * `GET /api/events`: the runner's live events as server-sent events.
 *
 * - `event: run` with a {@link RunView} when a run starts and when it ends.
 * - `event: run:progress` with `{ job, runId, progress }` when a running run reports progress,
 *   and `event: run:log` with `{ job, runId, lines }` when it logs (each at most once a second
 *   per run).
 * - `event: job` with a {@link JobView} when a job changes state or a run ends; changes of one
 *   job within `coalesceMs` are sent once, with the latest view.
 * - `event: heartbeat` with {@link HeartbeatEvent} at connect and every `heartbeatMs`, so proxies
 *   keep the connection open and a client can tell a silently dead connection (no event for a
 *   few intervals) from a quiet one.
 *
 * A client that does not read (more than {@link MAX_BUFFERED_BYTES} waiting) is disconnected;
 * beyond {@link EventStreamOptions.maxClients} clients, new ones are answered 503. `HEAD` gets
 * the stream's headers and no stream.
 */
import type { ServerResponse } from 'node:http';
import type { JobRunner } from '../runner/job-runner.js';
import type { RunLogEvent, RunProgressEvent } from '../runner/runner-events.js';
import { HttpError, type HttpRoute, type RouteContext } from './http-route.js';
import type { RunRecord } from '../store/job-store.js';
import { jobView, runView, type JobView, type RunView } from './views.js';

/** Bytes queued for one client before it is dropped as too slow. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

/** The data of an `event: heartbeat`. */
export interface HeartbeatEvent {
  /** Server time (epoch ms). */
  readonly now: number;
  /** Milliseconds until the next heartbeat: no event for a few of these means the connection is dead. */
  readonly everyMs: number;
}

/** Options of {@link EventStream}. */
export interface EventStreamOptions {
  /** Milliseconds between heartbeat events. Default 15,000. */
  readonly heartbeatMs?: number;
  /** Milliseconds over which changes of one job are merged into one `job` event. Default 100. */
  readonly coalesceMs?: number;
  /** Most clients at once; more are answered 503 with `Retry-After`. Default: no limit. */
  readonly maxClients?: number;
}

/** Seconds a refused client is told to wait (the dashboard polls the JSON API meanwhile). */
const RETRY_AFTER_SECONDS = 30;

const STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
} as const;

/** The server-sent event hub of one HTTP server. */
export class EventStream {
  readonly #runner: JobRunner;
  readonly #clients = new Set<ServerResponse>();
  readonly #coalesceMs: number;
  readonly #maxClients: number;
  readonly #changedJobs = new Set<string>();
  readonly #unsubscribe: (() => void)[];
  readonly #heartbeat: NodeJS.Timeout;
  readonly #heartbeatMs: number;
  #flush: NodeJS.Timeout | null = null;

  /**
   * @param runner - whose events to stream
   * @param options - see {@link EventStreamOptions}
   */
  constructor(runner: JobRunner, options: EventStreamOptions = {}) {
    this.#runner = runner;
    this.#coalesceMs = options.coalesceMs ?? 100;
    this.#maxClients = options.maxClients ?? Number.POSITIVE_INFINITY;
    this.#unsubscribe = [
      runner.on('run:start', ({ run }) => this.#sendRun(run)),
      runner.on('run:end', ({ job, run }) => {
        this.#sendRun(run);
        this.#jobChanged(job);
      }),
      runner.on('job:state', ({ job }) => this.#jobChanged(job)),
      runner.on('run:progress', (event) => this.#clients.size > 0 && this.#send('run:progress', event)),
      runner.on('run:log', (event) => this.#clients.size > 0 && this.#send('run:log', event)),
    ];
    // A Node timer, not the shared queue: one repeating, unref'd timer per stream, which must
    // not hold the process open (the queue's timer does while jobs sleep).
    this.#heartbeatMs = options.heartbeatMs ?? 15_000;
    this.#heartbeat = setInterval(() => this.#write(this.#heartbeatEvent()), this.#heartbeatMs);
    this.#heartbeat.unref();
  }

  /** The `GET /api/events` route. */
  get route(): HttpRoute {
    return { method: 'GET', path: '/api/events', handle: (context) => this.#open(context) };
  }

  /** Number of connected clients. */
  get clients(): number {
    return this.#clients.size;
  }

  /** Ends every stream and stops listening to the runner. */
  close(): void {
    for (const off of this.#unsubscribe) off();
    clearInterval(this.#heartbeat);
    if (this.#flush !== null) clearTimeout(this.#flush);
    for (const client of this.#clients) client.end();
    this.#clients.clear();
  }

  #open({ request, response }: RouteContext): undefined {
    if (request.method === 'HEAD') {
      response.writeHead(200, STREAM_HEADERS);
      response.end();
      return undefined;
    }
    if (this.#clients.size >= this.#maxClients) {
      throw new HttpError(503, `too many live event clients (the limit is ${this.#maxClients}); poll /api/jobs instead, or retry later`, { 'retry-after': String(RETRY_AFTER_SECONDS) });
    }
    response.writeHead(200, STREAM_HEADERS);
    response.write(`retry: 2000\n: connected\n\n${this.#heartbeatEvent()}`);
    this.#clients.add(response);
    request.socket.setNoDelay(true);
    request.on('close', () => this.#clients.delete(response));
    return undefined;
  }

  #jobChanged(job: string): void {
    if (this.#clients.size === 0) return;
    this.#changedJobs.add(job);
    // A short relative delay (coalescing), not a wall-clock instant: a Node timer, not the queue.
    this.#flush ??= setTimeout(() => this.#flushJobs(), this.#coalesceMs);
  }

  #flushJobs(): void {
    this.#flush = null;
    const recent = this.#runner.recentRuns;
    for (const name of this.#changedJobs) {
      const job = this.#runner.get(name);
      if (job !== undefined) this.#send('job', jobView(job, recent, Date.now(), this.#runner.pauseOf(name)));
    }
    this.#changedJobs.clear();
  }

  #sendRun(run: RunRecord): void {
    if (this.#clients.size > 0) this.#send('run', runView(run));
  }

  #heartbeatEvent(): string {
    const data: HeartbeatEvent = { now: Date.now(), everyMs: this.#heartbeatMs };
    return `event: heartbeat\ndata: ${JSON.stringify(data)}\n\n`;
  }

  #send(event: 'run' | 'job' | 'run:progress' | 'run:log', data: RunView | JobView | RunProgressEvent | RunLogEvent): void {
    this.#write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  #write(chunk: string): void {
    for (const client of this.#clients) {
      if (client.writableLength > MAX_BUFFERED_BYTES) {
        this.#clients.delete(client);
        client.destroy();
      } else {
        client.write(chunk);
      }
    }
  }
}
