/**
 * Routes of the runner's HTTP server: what a handler receives and returns. Extra routes (the
 * dashboard) are mounted with `startHttpServer(runner, { routes })`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JobRunner } from '../runner/job-runner.js';

/** HTTP methods a route can answer. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a route handler receives. */
export interface RouteContext {
  readonly request: IncomingMessage;
  /** For handlers that stream (server-sent events); others return an {@link HttpResponse}. */
  readonly response: ServerResponse;
  /** The parsed request URL (query in `url.searchParams`). */
  readonly url: URL;
  /** Decoded path parameters: `:name` segments, and `*` for the rest of a wildcard path. */
  readonly params: Readonly<Record<string, string>>;
  readonly runner: JobRunner;
  /** Whether a bearer token is configured (the mutating routes exist). */
  readonly actionsEnabled: boolean;
}

/** A complete response. */
export interface HttpResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
}

/**
 * One route. `path` is matched segment by segment: `:name` captures one segment, a final
 * `*` captures the rest. A handler returns the response, or `undefined` when it wrote to
 * `response` itself; it throws {@link HttpError} for a client error.
 */
export interface HttpRoute {
  readonly method: HttpMethod;
  readonly path: string;
  /**
   * Requires `Authorization: Bearer <token>`. Without a configured token, the route does not
   * exist (404).
   */
  readonly auth?: boolean;
  handle(context: RouteContext): HttpResponse | undefined | Promise<HttpResponse | undefined>;
}

/** A client error with its status; answered as `{ "error": message }`. */
export class HttpError extends Error {
  /** The HTTP status (4xx). */
  readonly status: number;
  /** Extra response headers (e.g. `Allow`, `WWW-Authenticate`). */
  readonly headers: Readonly<Record<string, string>>;

  /**
   * @param status - the HTTP status
   * @param message - what is wrong, naming the parameter and value
   * @param headers - extra response headers
   */
  constructor(status: number, message: string, headers: Readonly<Record<string, string>> = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.headers = headers;
  }
}

/** A JSON response. */
export function json(body: unknown, status = 200): HttpResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }, body: JSON.stringify(body) };
}

/** A text response of the given content type. */
export function text(body: string, contentType = 'text/plain; charset=utf-8', status = 200): HttpResponse {
  return { status, headers: { 'content-type': contentType, 'cache-control': 'no-store' }, body };
}
