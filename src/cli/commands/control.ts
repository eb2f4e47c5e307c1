/**
 * `eleanor-jobs trigger | pause | resume <job> --url URL --token TOKEN [--by NAME] [--reason TEXT]`:
 * one action on a job of a running service, through its HTTP API. The service acts
 * cluster-wide: a pause is kept in its store (every replica honours it), a trigger is queued
 * there and runs once on whichever replica can take the job's lease.
 */
import { hostname, userInfo } from 'node:os';
import type { ActionResponse } from '../../http/api-routes.js';
import { toJson } from '../cli-json.js';
import { formatLocalTime } from '../format-time.js';
import { postAction, type ServiceOptions } from '../service-client.js';
import { visible } from '../visible-text.js';

/** Options of {@link controlCommand}. */
export interface ControlOptions extends ServiceOptions {
  /** `--by`: who acts (default: user@host). */
  readonly by?: string;
  /** `--reason` (pause only): why. */
  readonly reason?: string;
  /** `--json`: the service's answer as JSON. */
  readonly json?: boolean;
}

/** Who acts when `--by` is not given: `user@host` (just the host when the user cannot be read). */
export function defaultOperator(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return hostname();
  }
}

/**
 * Sends the action and returns the confirmation (or the service's answer as JSON with `json`).
 *
 * @throws CliError naming `--url` or `--token`, or with the service's message (unknown job, a
 *   trigger refused because the job is paused or one is already queued, ...)
 */
export async function controlCommand(action: ActionResponse['action'], job: string, options: ControlOptions): Promise<string> {
  const by = options.by ?? defaultOperator();
  const response = await postAction(options, job, action, { by, ...(options.reason === undefined ? {} : { reason: options.reason }) });
  if (options.json === true) return toJson(response);
  const name = response.job.name;
  const state = `state ${response.job.state}${response.job.paused ? ' (paused)' : ''}`;
  if (action === 'trigger') return visible(`${name}: trigger #${response.trigger?.id ?? '?'} queued (runs once, on whichever replica can take it); ${state}`);
  const pause = response.pause ?? null;
  if (action === 'resume') return visible(`${name}: resumed on every replica${pause === null ? ' (it was not paused)' : ` (paused by ${pause.by} since ${formatLocalTime(pause.at)})`}; ${state}`);
  const why = pause?.reason == null ? '' : `: ${pause.reason}`;
  return visible(`${name}: paused on every replica by ${pause?.by ?? by} at ${pause === null ? '?' : formatLocalTime(pause.at)}${why}; ${state}`);
}
