/**
 * The mutating routes: `POST /api/jobs/:name/{pause,resume,trigger}`, bearer token required.
 * They act cluster-wide through the runner (`JobRunner.pause/resume/trigger`): a pause is kept
 * in the store and honoured by every replica; a trigger is queued in the store and runs once
 * in the cluster. The body (optional JSON) names who acts: `{ "by": "alice", "reason": "..." }`.
 *
 * Answers: 200 (pause, resume), 202 (trigger queued), 409 (trigger refused: paused, already
 * queued), 404 (unknown job), 400 (bad body, `by` or `reason`), 503 (the store failed).
 *
 * @module
 */
import { StoreError } from '../errors/store-errors.js';
import type { JobPause, PendingTrigger } from '../store/job-store.js';
import type { TriggerRefusalReason } from '../runner/cluster-controls.js';
import { HttpError, json, type HttpRoute, type RouteContext } from './http-route.js';
import { optionalString, readJsonObject } from './json-body.js';
import { jobView, type JobView } from './views.js';

/** Who acts when the body names nobody. */
export const DEFAULT_HTTP_OPERATOR = 'http';

/** `POST /api/jobs/:name/{trigger,pause,resume}` */
export interface ActionResponse {
  readonly action: 'trigger' | 'pause' | 'resume';
  /** The job after the action (`pause` shows who paused it and when). */
  readonly job: JobView;
  /** `pause`: the pause in force (an existing one is kept); `resume`: the pause that ended, or `null`. */
  readonly pause?: JobPause | null;
  /** `trigger`: `queued` (202), or `refused` (409, 404) with `reason` and `error`. */
  readonly status?: 'queued' | 'refused';
  /** `trigger`, queued: the queued trigger (its `id` appears in the logs of the replica that runs it). */
  readonly trigger?: PendingTrigger;
  /** `trigger`, refused: why. */
  readonly reason?: TriggerRefusalReason;
  /** `trigger`, refused: the reason in words. */
  readonly error?: string;
}

/** The three control routes. */
export function controlRoutes(): HttpRoute[] {
  return [
    route('pause', async (context, by, body) => {
      const pause = await context.runner.pause(jobName(context), { by, reason: optionalString(body, 'reason') ?? null });
      return json(answer(context, 'pause', { pause }));
    }),
    route('resume', async (context, by) => {
      const ended = await context.runner.resume(jobName(context), { by });
      return json(answer(context, 'resume', { pause: ended }));
    }),
    route('trigger', async (context, by) => {
      const name = context.params.name as string;
      const result = await context.runner.trigger(name, { by });
      if (result.status === 'queued') return json(answer(context, 'trigger', { status: 'queued', trigger: result.trigger }), 202);
      if (result.reason === 'unknown-job') throw new HttpError(404, `no job named ${JSON.stringify(name)}`);
      return json(answer(context, 'trigger', { status: 'refused', reason: result.reason, error: result.message }), 409);
    }),
  ];
}

function route(action: ActionResponse['action'], handle: (context: RouteContext, by: string, body: Record<string, unknown>) => Promise<ReturnType<typeof json>>): HttpRoute {
  return {
    method: 'POST',
    path: `/api/jobs/:name/${action}`,
    auth: true,
    handle: async (context) => {
      const body = await readJsonObject(context.request);
      const by = optionalString(body, 'by') ?? DEFAULT_HTTP_OPERATOR;
      try {
        return await handle(context, by, body);
      } catch (error) {
        if (error instanceof HttpError) throw error;
        if (error instanceof TypeError || error instanceof RangeError) throw new HttpError(400, error.message);
        if (error instanceof StoreError) throw new HttpError(503, `the store (${context.runner.store.kind}) did not answer: ${error.message}`);
        throw new HttpError(409, error instanceof Error ? error.message : String(error));
      }
    },
  };
}

/** The job named in the path; 404 when the runner has none. */
function jobName({ runner, params }: RouteContext): string {
  const name = params.name as string;
  if (runner.get(name) === undefined) throw new HttpError(404, `no job named ${JSON.stringify(name)}`);
  return name;
}

function answer(context: RouteContext, action: ActionResponse['action'], extra: Omit<ActionResponse, 'action' | 'job'>): ActionResponse {
  const name = context.params.name as string;
  const job = context.runner.get(name);
  if (job === undefined) throw new HttpError(404, `no job named ${JSON.stringify(name)}`);
  return { action, job: jobView(job, context.runner.recentRuns, Date.now(), context.runner.pauseOf(name)), ...extra };
}
