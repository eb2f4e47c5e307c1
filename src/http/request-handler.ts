/**
 * `createRequestHandler`: the runner's HTTP endpoints as one request handler, to mount in a
 * server the application already has (node:http, Express, Fastify, ...), optionally under a
 * path prefix. `startHttpServer` is this handler on a server of its own.
 *
 * ```ts
 * const jobs = createRequestHandler(runner, { prefix: '/jobs', token, routes: dashboardRoutes() });
 * app.use(jobs);                               // Express (also: app.use('/jobs', jobs))
 * http.createServer((req, res) => jobs(req, res)); // node:http
 * ```
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getDefaultLogger, type JobLogger } from '../job/job-logger.js';
import type { JobRunner } from '../runner/job-runner.js';
import { apiRoutes } from './api-routes.js';
import { replicasRoute } from './replicas-route.js';
import { bearerMatches } from './bearer-auth.js';
import { EventStream } from './event-stream.js';
import { HttpError, json, type HttpResponse, type HttpRoute } from './http-route.js';
import { Router } from './router.js';

/** Default of {@link RequestHandlerOptions.maxEventClients}. */
export const DEFAULT_MAX_EVENT_CLIENTS = 100;

/** Options of {@link createRequestHandler}. */
export interface RequestHandlerOptions {
  /**
   * Path the endpoints are mounted under, e.g. `/jobs` (no trailing slash): `/jobs/api/jobs`,
   * `/jobs/healthz`, the dashboard at `/jobs/`. Default `''` (the root).
   */
  readonly prefix?: string;
  /**
   * Bearer token of the mutating routes (`POST /api/jobs/:name/{trigger,pause,resume}` and any
   * extra route with `auth: true`). `null` or omitted: those routes do not exist (404).
   */
  readonly token?: string | null;
  /** Extra routes, after the built-in ones (which win on equal paths). */
  readonly routes?: readonly HttpRoute[];
  /** Logger for request failures. Default: the shared default logger. */
  readonly logger?: JobLogger;
  /** Milliseconds between heartbeat events on `/api/events` (see `HeartbeatEvent`). Default 15,000. */
  readonly heartbeatMs?: number;
  /** Most clients of `/api/events` at once; more are answered 503. Default 100. */
  readonly maxEventClients?: number;
  /**
   * Host names (without port) the `Host` header must name, as a defence against DNS
   * rebinding; other requests are answered 403. `null` or omitted: any host.
   * `startHttpServer` sets it when it listens on loopback.
   */
  readonly allowedHosts?: readonly string[] | null;
}

/** Called by frameworks' middleware chains when a request is not this handler's. */
export type NextFunction = (error?: unknown) => void;

/**
 * A request handler over a runner's endpoints. Requests outside the prefix go to `next` when
 * given (Express and Connect middleware), else get 404.
 */
export interface RunnerRequestHandler {
  (request: IncomingMessage, response: ServerResponse, next?: NextFunction): void;
  /** Number of connected `/api/events` clients. */
  readonly eventClients: number;
  /** Ends live event streams and stops listening to the runner. */
  close(): void;
}

/** Creates the handler; throws `TypeError`/`RangeError` naming a bad option. */
export function createRequestHandler(runner: JobRunner, options: RequestHandlerOptions = {}): RunnerRequestHandler {
  const prefix = checkPrefix(options.prefix ?? '');
  const token = options.token ?? null;
  if (token !== null && (typeof token !== 'string' || token.trim() === '')) {
    throw new TypeError('request handler option "token" must be a non-empty string or null');
  }
  const maxEventClients = options.maxEventClients ?? DEFAULT_MAX_EVENT_CLIENTS;
  if (!Number.isSafeInteger(maxEventClients) || maxEventClients < 0) {
    throw new RangeError(`request handler option "maxEventClients" must be an integer >= 0, got ${String(maxEventClients)}`);
  }
  const allowedHosts = options.allowedHosts === undefined || options.allowedHosts === null ? null : new Set(options.allowedHosts.map(normaliseHostName));
  const logger = (options.logger ?? getDefaultLogger()).child({ component: 'http' });
  const events = new EventStream(runner, { maxClients: maxEventClients, ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }) });
  const routes = [...apiRoutes(), replicasRoute(), events.route, ...(options.routes ?? [])].filter((route) => token !== null || route.auth !== true);
  const router = new Router(routes);

  async function serve(request: IncomingMessage, response: ServerResponse, next: NextFunction | undefined): Promise<void> {
    try {
      // Express strips its mount path from `url` and keeps the whole target in `originalUrl`.
      const target = (request as { originalUrl?: string }).originalUrl ?? request.url ?? '';
      if (!target.startsWith('/')) throw new HttpError(400, `malformed request target ${JSON.stringify(target.slice(0, 100))}`);
      const url = new URL(`http://localhost${target}`);
      const path = innerPath(url.pathname, prefix);
      if (path === null) {
        if (next !== undefined) return next();
        throw new HttpError(404, `no route for ${url.pathname.slice(0, 200)}`);
      }
      if (allowedHosts !== null) checkHost(request.headers.host, allowedHosts);
      if (path === '') return send(response, { status: 308, headers: { location: `${prefix}/${url.search}` }, body: '' });
      const { route, params } = router.match(request.method ?? 'GET', path);
      if (route.auth === true && !bearerMatches(request.headers.authorization, token as string)) {
        throw new HttpError(401, 'missing or wrong bearer token (send "Authorization: Bearer <token>")', { 'www-authenticate': 'Bearer realm="eleanor-jobs"' });
      }
      const result = await route.handle({ request, response, url, params, runner, actionsEnabled: token !== null });
      if (result !== undefined) send(response, result);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      send(response, json({ error: error.message }, error.status), error.headers);
    }
  }

  const handler = (request: IncomingMessage, response: ServerResponse, next?: NextFunction): void => {
    serve(request, response, next).catch((error: unknown) => {
      logger.error({ event: 'http-error', err: error, url: request.url?.slice(0, 500) }, 'request failed');
      if (!response.headersSent) send(response, json({ error: 'internal server error' }, 500));
      else response.destroy();
    });
  };
  return Object.defineProperties(handler, {
    eventClients: { get: () => events.clients, enumerable: true },
    close: { value: () => events.close(), enumerable: true },
  }) as RunnerRequestHandler;
}

/** Whether `host` names the loopback interface (so the Host check applies by default). */
export function isLoopbackHost(host: string): boolean {
  const name = normaliseHostName(host);
  return name === 'localhost' || name === '[::1]' || /^127(\.\d{1,3}){3}$/.test(name);
}

/** The host names a server bound to loopback `host` answers to. */
export function loopbackHostNames(host: string): string[] {
  return [...new Set(['localhost', '127.0.0.1', '[::1]', normaliseHostName(host)])];
}

function checkPrefix(prefix: unknown): string {
  if (typeof prefix !== 'string' || (prefix !== '' && (!prefix.startsWith('/') || prefix.endsWith('/') || /[?#\s]/.test(prefix)))) {
    throw new TypeError(`request handler option "prefix" must be "" or a path like "/jobs" (leading "/", no trailing "/"), got ${JSON.stringify(prefix)}`);
  }
  return prefix;
}

/** The path below `prefix`: `''` for the prefix itself, `null` when outside it. */
function innerPath(pathname: string, prefix: string): string | null {
  if (prefix === '') return pathname;
  if (pathname === prefix) return '';
  return pathname.startsWith(`${prefix}/`) ? pathname.slice(prefix.length) : null;
}

/** `example.com`, `127.0.0.1`, `[::1]`: lower case, IPv6 in brackets, no port. */
function normaliseHostName(host: string): string {
  const name = host.trim().toLowerCase();
  return name.includes(':') && !name.startsWith('[') ? `[${name}]` : name;
}

/** `name[:port]` or `[v6][:port]`, nothing else (no user info, path or spaces). */
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i;

function checkHost(header: string | undefined, allowed: ReadonlySet<string>): void {
  const name = HOST_HEADER.exec(header ?? '')?.[1]?.toLowerCase();
  if (name === undefined || !allowed.has(name)) {
    throw new HttpError(403, `Host header ${JSON.stringify((header ?? '').slice(0, 100))} is not one this server answers to (${[...allowed].join(', ')}); open it by one of those names`);
  }
}

function send(response: ServerResponse, reply: HttpResponse, extraHeaders: Readonly<Record<string, string>> = {}): void {
  response.writeHead(reply.status, { ...reply.headers, ...extraHeaders, 'content-length': Buffer.byteLength(reply.body) });
  response.end(reply.body);
}
