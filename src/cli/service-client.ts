/**
 * The CLI's client of a running service's HTTP API (`eleanor-jobs run`): `--url` and
 * `--token`, with a bounded wait and errors that name the option at fault.
 */
import type { ActionResponse, JobsResponse } from '../http/api-routes.js';
import { CliError } from './cli-error.js';

/** How long one request may take, in ms. */
export const SERVICE_TIMEOUT_MS = 10_000;

/** Where the service is and how to authenticate. */
export interface ServiceOptions {
  /** `--url` (or `ELEANOR_URL`): the service's base URL, e.g. `http://127.0.0.1:8321`. */
  readonly url: string;
  /** `--token` (or `ELEANOR_TOKEN`): the bearer token the service was started with. */
  readonly token?: string | undefined;
}

/** `GET /api/jobs`. */
export function fetchJobs(options: ServiceOptions): Promise<JobsResponse> {
  return request<JobsResponse>(options, 'GET', '/api/jobs');
}

/**
 * `POST /api/jobs/:name/<action>` (needs the token), with `body` (who acts, why) as JSON.
 *
 * @throws CliError naming `--url` or `--token`, or with the service's own message (unknown job, ...)
 */
export function postAction(options: ServiceOptions, job: string, action: ActionResponse['action'], body: { readonly by: string; readonly reason?: string }): Promise<ActionResponse> {
  return request<ActionResponse>(options, 'POST', `/api/jobs/${encodeURIComponent(job)}/${action}`, body);
}

async function request<T>(options: ServiceOptions, method: 'GET' | 'POST', path: string, payload?: object): Promise<T> {
  const base = serviceUrl(options.url);
  const token = options.token === undefined || options.token === '' ? null : options.token;
  let response: Response;
  try {
    response = await fetch(new URL(path.slice(1), base), {
      method,
      headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
      signal: AbortSignal.timeout(SERVICE_TIMEOUT_MS),
    });
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${SERVICE_TIMEOUT_MS / 1000} s` : causeOf(error);
    throw new CliError(`--url ${base.href}: cannot reach the service (${reason})`, { cause: error });
  }
  const body = await response.text();
  if (response.status === 401) throw new CliError(`--token: the service at ${base.href} refused the token (${token === null ? 'none given; pass --token or set ELEANOR_TOKEN' : 'wrong token'})`);
  if (response.status === 404 && method === 'POST' && !body.includes('no job named')) {
    throw new CliError(`--url ${base.href}: the service has no ${path.split('/').pop() ?? ''} action (it was started without --token, or this is not an eleanor-jobs service)`);
  }
  if (!response.ok) throw new CliError(`${base.href}: ${response.status} ${errorMessage(body)}`);
  try {
    return JSON.parse(body) as T;
  } catch {
    throw new CliError(`--url ${base.href}: the answer is not JSON (is this an eleanor-jobs service?)`);
  }
}

function serviceUrl(raw: string): URL {
  if (raw.trim() === '') throw new CliError("--url (or ELEANOR_URL) is required: the service's base URL, such as http://127.0.0.1:8321");
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`--url must be the service's base URL, such as http://127.0.0.1:8321; got ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`--url must be an http:// or https:// URL; got ${JSON.stringify(raw)}`);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

function errorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON: show the start of the text
  }
  return body.slice(0, 200);
}

function causeOf(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}
