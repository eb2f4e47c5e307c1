/**
 * The built-in routes: probes, metrics and the JSON API. Shapes are documented in
 * `docs/guide/runner.md` and typed in `views.ts`.
 */
import type { BaseJob } from '../job/base-job.js';
import { controlRoutes } from './control-routes.js';
import { HttpError, json, text, type HttpRoute, type RouteContext } from './http-route.js';
import { integerParam, runIdParam } from './query-params.js';
import { runLogRoute } from './run-log-route.js';
import { jobSchema, jobView, runView, type JobDetailView, type JobView, type RunView } from './views.js';

/** How long `/readyz` waits for the store's ping, in ms. */
export const READY_PING_TIMEOUT_MS = 2_000;

/** Most runs one API call returns. */
export const MAX_RUNS_PER_PAGE = 1_000;

/** `GET /api/jobs` */
export interface JobsResponse {
  /** Server time (epoch ms), to compare `nextRunAt` with. */
  readonly now: number;
  readonly runner: { readonly owner: string; readonly store: string; readonly startedAt: number | null };
  /** Whether `POST /api/jobs/:name/{trigger,pause,resume}` are available (a token is set). */
  readonly actionsEnabled: boolean;
  readonly jobs: JobView[];
}

/** `GET /api/jobs/:name/runs` and `GET /api/runs` */
export interface RunsResponse {
  readonly runs: RunView[];
}

export type { ActionResponse } from './control-routes.js';

/** The probe, metrics and JSON API routes. */
export function apiRoutes(): HttpRoute[] {
  return [
    { method: 'GET', path: '/healthz', handle: () => json({ status: 'ok' }) },
    { method: 'GET', path: '/readyz', handle: ready },
    {
      method: 'GET',
      path: '/metrics',
      handle: async ({ runner }) => {
        const registry = runner.metrics.registry;
        return text(await registry.metrics(), registry.contentType);
      },
    },
    { method: 'GET', path: '/api/jobs', handle: listJobs },
    { method: 'GET', path: '/api/jobs/:name', handle: showJob },
    { method: 'GET', path: '/api/jobs/:name/runs', handle: listJobRuns },
    { method: 'GET', path: '/api/runs', handle: listAllRuns },
    ...controlRoutes(),
    runLogRoute(),
  ];
}

async function ready({ runner }: RouteContext) {
  const status = runner.status();
  if (!status.started) return json({ status: 'not ready', reason: `runner is ${status.state}` }, 503);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    // A per-request relative deadline, cleared below: a Node timer, not the shared queue.
    timer = setTimeout(() => reject(new Error(`no answer within ${READY_PING_TIMEOUT_MS} ms`)), READY_PING_TIMEOUT_MS);
  });
  try {
    await Promise.race([runner.store.ping(), timeout]);
    return json({ status: 'ready' });
  } catch (error) {
    return json({ status: 'not ready', reason: `store (${runner.store.kind}) does not answer: ${error instanceof Error ? error.message : String(error)}` }, 503);
  } finally {
    clearTimeout(timer);
  }
}

async function listJobs({ runner, actionsEnabled }: RouteContext) {
  const jobs = runner.jobs;
  // A job whose latest run cannot be read now shows `lastRun: null`; it is read again next time.
  await Promise.all(jobs.map((job) => runner.recentRuns.loadLastRun(runner.store, job.name).catch(() => null)));
  const now = Date.now();
  const { owner, store, startedAt } = runner.status();
  const body: JobsResponse = { now, runner: { owner, store, startedAt }, actionsEnabled, jobs: jobs.map((job) => jobView(job, runner.recentRuns, now, runner.pauseOf(job.name))) };
  return json(body);
}

async function showJob(context: RouteContext) {
  const job = findJob(context);
  await context.runner.recentRuns.loadLastRun(context.runner.store, job.name).catch(() => null);
  const body: JobDetailView = { ...jobView(job, context.runner.recentRuns, Date.now(), context.runner.pauseOf(job.name)), schema: jobSchema(job) };
  return json(body);
}

async function listJobRuns(context: RouteContext) {
  const job = findJob(context);
  const limit = integerParam(context.url, 'limit', { min: 1, max: MAX_RUNS_PER_PAGE }, 50);
  const beforeId = runIdParam(context.url, 'beforeId');
  const runs = await fromStore(context, context.runner.store.listRuns({ job: job.name, limit, ...(beforeId === undefined ? {} : { beforeId }) }));
  const body: RunsResponse = { runs: runs.map(runView) };
  return json(body);
}

async function listAllRuns(context: RouteContext) {
  const limit = integerParam(context.url, 'limit', { min: 1, max: MAX_RUNS_PER_PAGE }, 200);
  const since = integerParam(context.url, 'since', { min: 0, max: Number.MAX_SAFE_INTEGER });
  const runs = await fromStore(context, context.runner.store.listRuns({ limit, ...(since === undefined ? {} : { since }) }));
  const body: RunsResponse = { runs: runs.map(runView) };
  return json(body);
}

/** A store read; a failure is a 503 naming the store, not a 500. */
export async function fromStore<T>({ runner }: RouteContext, read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (error) {
    throw new HttpError(503, `the store (${runner.store.kind}) did not answer: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function findJob({ runner, params }: RouteContext): BaseJob {
  const name = params.name as string;
  const job = runner.get(name);
  if (job === undefined) throw new HttpError(404, `no job named ${JSON.stringify(name)}`);
  return job;
}
