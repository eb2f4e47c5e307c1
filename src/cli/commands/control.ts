/**
 * `eleanor-jobs trigger | pause | resume <job> --url URL --token TOKEN`: one action on a job
 * of a running service, through its HTTP API.
 */
import type { ActionResponse } from '../../http/api-routes.js';
import { toJson } from '../cli-json.js';
import { postAction, type ServiceOptions } from '../service-client.js';
import { visible } from '../visible-text.js';

/** What each action did, as the confirmation says it. */
const DONE: Readonly<Record<ActionResponse['action'], string>> = { trigger: 'triggered (runs as soon as it is idle)', pause: 'paused', resume: 'resumed' };

/**
 * Sends the action and returns the confirmation (or the job as JSON with `json`).
 *
 * @throws CliError naming `--url` or `--token`, or with the service's message (unknown job, ...)
 */
export async function controlCommand(action: ActionResponse['action'], job: string, options: ServiceOptions & { readonly json?: boolean }): Promise<string> {
  const response = await postAction(options, job, action);
  if (options.json === true) return toJson(response);
  return visible(`${response.job.name}: ${DONE[action]}; state ${response.job.state}${response.job.paused ? ' (paused)' : ''}`);
}
