/**
 * `GET /api/runs/:id/log` (and `HEAD`): the lines a run logged with `run.logger`, as the store
 * keeps them (at most 200 lines and 64 KiB, control characters escaped).
 *
 * @module
 */
import { HttpError, json, type HttpRoute, type RouteContext } from './http-route.js';

/** `GET /api/runs/:id/log` */
export interface RunLogResponse {
  /** The run's id. */
  readonly runId: string;
  /** The kept lines, oldest first (`HH:MM:SS.mmm LEVEL message {fields}`, UTC). */
  readonly lines: readonly string[];
  /** How many later lines were not kept (shown as `[N more lines cut]`). */
  readonly cut: number;
}

const RUN_ID = /^[1-9]\d{0,15}$/;

/** The run log route. */
export function runLogRoute(): HttpRoute {
  return { method: 'GET', path: '/api/runs/:id/log', handle: showRunLog };
}

async function showRunLog({ runner, params }: RouteContext) {
  const runId = params.id as string;
  if (!RUN_ID.test(runId) || !Number.isSafeInteger(Number(runId))) {
    throw new HttpError(400, `path parameter "id" must be a run id (a positive integer), got ${JSON.stringify(runId)}`);
  }
  let log;
  try {
    log = await runner.store.readRunLog(runId);
  } catch (error) {
    throw new HttpError(503, `the store (${runner.store.kind}) did not answer: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (log === null) throw new HttpError(404, `no run with id ${runId} (it may have been pruned)`);
  const body: RunLogResponse = { runId, lines: log.lines, cut: log.cut };
  return json(body);
}
