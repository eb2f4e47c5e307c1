/**
 * The dashboard's calls to the runner's JSON API (same origin). The bearer token is only ever
 * sent in the `Authorization` header, never in a URL.
 */
import type { ActionResponse } from './api-types.js';

/** A failed API call: its HTTP status and the server's error message. */
export class ApiError extends Error {
  /** The HTTP status (0 when the server could not be reached). */
  readonly status: number;

  /**
   * @param status - the HTTP status, 0 for a network failure
   * @param message - what went wrong
   */
  constructor(status: number, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

/**
 * The API path of a job (its name percent-encoded as one path segment), relative to the page, so
 * that the dashboard works under whatever path prefix it is mounted at.
 */
export function jobPath(name: string): string {
  return `api/jobs/${encodeURIComponent(name)}`;
}

/** GETs a JSON document. */
export async function getJson<T>(path: string): Promise<T> {
  return send<T>(path, { headers: { accept: 'application/json' }, cache: 'no-store' });
}

/** The mutating actions of a job. */
export type JobAction = ActionResponse['action'];

/** Who the dashboard's actions are recorded as (the pause's `by`, the trigger's requester). */
export const DASHBOARD_OPERATOR = 'dashboard';

/** POSTs `/api/jobs/:name/<action>` with the bearer token, as {@link DASHBOARD_OPERATOR}. */
export async function postAction(name: string, action: JobAction, token: string): Promise<ActionResponse> {
  return send<ActionResponse>(`${jobPath(name)}/${action}`, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ by: DASHBOARD_OPERATOR }),
    cache: 'no-store',
  });
}

async function send<T>(path: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', ...init });
  } catch (error) {
    throw new ApiError(0, `the runner could not be reached (${error instanceof Error ? error.message : String(error)})`);
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const message = typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string' ? (body as { error: string }).error : `HTTP ${response.status}`;
    throw new ApiError(response.status, message);
  }
  return body as T;
}
