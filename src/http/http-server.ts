/**
 * `startHttpServer`: the runner's HTTP endpoints on node's own `http` server.
 *
 * `/healthz`, `/readyz`, `/metrics`, the JSON API under `/api`, live events at `/api/events`,
 * and any extra routes (the dashboard). Binds to loopback unless told otherwise; the
 * mutating routes exist only when a bearer token is configured.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getDefaultLogger, type JobLogger } from '../job/job-logger.js';
import type { JobRunner } from '../runner/job-runner.js';
import { apiRoutes } from './api-routes.js';
import { bearerMatches } from './bearer-auth.js';
import { EventStream } from './event-stream.js';
import { HttpError, json, type HttpResponse, type HttpRoute } from './http-route.js';
import { Router } from './router.js';

/** Default of {@link HttpServerOptions.host}: loopback only. */
export const DEFAULT_HTTP_HOST = '127.0.0.1';
/** Default of {@link HttpServerOptions.port}. */
export const DEFAULT_HTTP_PORT = 8321;

/** Options of {@link startHttpServer}. */
export interface HttpServerOptions {
  /** Interface to bind. Default `127.0.0.1` (loopback); `0.0.0.0` exposes it to the network. */
  readonly host?: string;
  /** TCP port; `0` picks a free one. Default 8321. */
  readonly port?: number;
  /**
   * Bearer token of the mutating routes (`POST /api/jobs/:name/{trigger,pause,resume}` and any
   * extra route with `auth: true`). `null` or omitted: those routes do not exist (404).
   */
  readonly token?: string | null;
  /** Extra routes, after the built-in ones (which win on equal paths). */
  readonly routes?: readonly HttpRoute[];
  /** Logger for request failures. Default: the shared default logger. */
  readonly logger?: JobLogger;
  /** Milliseconds between heartbeat comments on `/api/events`. Default 15,000. */
  readonly heartbeatMs?: number;
}

/** A listening server. */
export interface RunnerHttpServer {
  /** Base URL, e.g. `http://127.0.0.1:8321`. */
  readonly url: string;
  /** The port actually bound (useful with `port: 0`). */
  readonly port: number;
  /** Ends live event streams and open connections, and stops listening. */
  close(): Promise<void>;
}

/**
 * Starts the HTTP server of `runner`. Rejects with one clear message when the address cannot
 * be bound (port in use, permission denied, no such interface).
 */
export async function startHttpServer(runner: JobRunner, options: HttpServerOptions = {}): Promise<RunnerHttpServer> {
  const host = options.host ?? DEFAULT_HTTP_HOST;
  const port = options.port ?? DEFAULT_HTTP_PORT;
  const token = options.token ?? null;
  if (typeof host !== 'string' || host === '') throw new TypeError(`startHttpServer option "host" must be a non-empty string, got ${JSON.stringify(host)}`);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new RangeError(`startHttpServer option "port" must be an integer from 0 to 65535, got ${String(port)}`);
  if (token !== null && (typeof token !== 'string' || token.trim() === '')) {
    throw new TypeError('startHttpServer option "token" must be a non-empty string or null');
  }
  const logger = (options.logger ?? getDefaultLogger()).child({ component: 'http' });
  const events = new EventStream(runner, options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs });
  const routes = [...apiRoutes(), events.route, ...(options.routes ?? [])].filter((route) => token !== null || route.auth !== true);
  const router = new Router(routes);

  const server = createServer((request, response) => {
    void serve(request, response).catch((error: unknown) => {
      logger.error({ event: 'http-error', err: error, url: request.url }, 'request failed');
      if (!response.headersSent) send(response, json({ error: 'internal server error' }, 500));
      else response.destroy();
    });
  });

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const target = request.url ?? '';
      if (!target.startsWith('/')) throw new HttpError(400, `malformed request target ${JSON.stringify(target.slice(0, 100))}`);
      const url = new URL(`http://localhost${target}`);
      const { route, params } = router.match(request.method ?? 'GET', url.pathname);
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

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      events.close();
      reject(new Error(listenFailure(error, host, port), { cause: error }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (error) => logger.error({ event: 'http-server-error', err: error }, `HTTP server error: ${error.message}`));

  const bound = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  logger.info({ event: 'http-listen', url, actionsEnabled: token !== null }, `HTTP server listening on ${url}`);
  return {
    url,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        events.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(response: ServerResponse, reply: HttpResponse, extraHeaders: Readonly<Record<string, string>> = {}): void {
  response.writeHead(reply.status, { ...reply.headers, ...extraHeaders, 'content-length': Buffer.byteLength(reply.body) });
  response.end(reply.body);
}

function listenFailure(error: NodeJS.ErrnoException, host: string, port: number): string {
  const address = `${host}:${port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return `cannot listen on ${address}: the port is already in use (choose another port)`;
    case 'EACCES':
      return `cannot listen on ${address}: permission denied (ports below 1024 need privileges)`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `cannot listen on ${address}: no such local address`;
    default:
      return `cannot listen on ${address}: ${error.message}`;
  }
}
