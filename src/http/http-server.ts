/**
 * `startHttpServer`: the runner's HTTP endpoints on node's own `http` server.
 *
 * `/healthz`, `/readyz`, `/metrics`, the JSON API under `/api`, live events at `/api/events`,
 * and any extra routes (the dashboard). Binds to loopback unless told otherwise; the
 * mutating routes exist only when a bearer token is configured. To mount the same endpoints
 * in an existing server, use `createRequestHandler` (`request-handler.ts`).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getDefaultLogger } from '../job/job-logger.js';
import type { JobRunner } from '../runner/job-runner.js';
import { createRequestHandler, isLoopbackHost, loopbackHostNames, type RequestHandlerOptions } from './request-handler.js';

/** Default of {@link HttpServerOptions.host}: loopback only. */
export const DEFAULT_HTTP_HOST = '127.0.0.1';
/** Default of {@link HttpServerOptions.port}. */
export const DEFAULT_HTTP_PORT = 8321;

/** Options of {@link startHttpServer}: those of {@link createRequestHandler}, and where to listen. */
export interface HttpServerOptions extends RequestHandlerOptions {
  /** Interface to bind. Default `127.0.0.1` (loopback); `0.0.0.0` exposes it to the network. */
  readonly host?: string;
  /** TCP port; `0` picks a free one. Default 8321. */
  readonly port?: number;
}

/** A listening server. */
export interface RunnerHttpServer {
  /** Base URL, e.g. `http://127.0.0.1:8321` (with the prefix, when one is set). */
  readonly url: string;
  /** The port actually bound (useful with `port: 0`). */
  readonly port: number;
  /** Ends live event streams and open connections, and stops listening. */
  close(): Promise<void>;
}

/**
 * Starts the HTTP server of `runner`: {@link createRequestHandler} on a node `http` server of
 * its own. On a loopback host, requests must name a loopback host in their `Host` header
 * (unless `allowedHosts` says otherwise). Rejects with one clear message when the address
 * cannot be bound (port in use, permission denied, no such interface).
 */
export async function startHttpServer(runner: JobRunner, options: HttpServerOptions = {}): Promise<RunnerHttpServer> {
  const host = options.host ?? DEFAULT_HTTP_HOST;
  const port = options.port ?? DEFAULT_HTTP_PORT;
  if (typeof host !== 'string' || host === '') throw new TypeError(`startHttpServer option "host" must be a non-empty string, got ${JSON.stringify(host)}`);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new RangeError(`startHttpServer option "port" must be an integer from 0 to 65535, got ${String(port)}`);
  const allowedHosts = options.allowedHosts !== undefined ? options.allowedHosts : isLoopbackHost(host) ? loopbackHostNames(host) : null;
  const handler = createRequestHandler(runner, { ...options, allowedHosts });
  const logger = (options.logger ?? getDefaultLogger()).child({ component: 'http' });
  const server = createServer((request, response) => handler(request, response));

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      handler.close();
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
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}${options.prefix ?? ''}`;
  const actionsEnabled = options.token !== undefined && options.token !== null;
  logger.info({ event: 'http-listen', url, actionsEnabled }, `HTTP server listening on ${url}`);
  return {
    url,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        handler.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
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
