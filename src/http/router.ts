/**
 * Matches a request's method and path against a route table: 404 when no route has the
 * path, 405 (with `Allow`) when routes have it for other methods. `HEAD` is answered by the
 * `GET` route of the path (node sends its headers without the body).
 */
import { HttpError, type HttpMethod, type HttpRoute } from './http-route.js';

/** A route whose path was split into segments once. */
interface CompiledRoute {
  readonly route: HttpRoute;
  readonly segments: readonly string[];
  readonly wildcard: boolean;
}

/** The route chosen for a request, with its decoded parameters. */
export interface RouteMatch {
  readonly route: HttpRoute;
  readonly params: Record<string, string>;
}

/** A route table. Earlier routes win when several match. */
export class Router {
  readonly #routes: CompiledRoute[];

  /** @param routes - the routes, in priority order; throws `TypeError` naming a bad one */
  constructor(routes: readonly HttpRoute[]) {
    this.#routes = routes.map(compile);
  }

  /**
   * The route for `method` and `pathname`.
   *
   * @throws HttpError 404 (no route has the path), 405 (not for this method), 400 (bad escape)
   */
  match(method: string, pathname: string): RouteMatch {
    const parts = pathname.split('/').slice(1);
    const allowed = new Set<HttpMethod | 'HEAD'>();
    const wanted = method === 'HEAD' ? 'GET' : method;
    for (const compiled of this.#routes) {
      const params = matchPath(compiled, parts);
      if (params === null) continue;
      if (compiled.route.method === wanted) return { route: compiled.route, params };
      allowed.add(compiled.route.method);
      if (compiled.route.method === 'GET') allowed.add('HEAD');
    }
    if (allowed.size === 0) throw new HttpError(404, `no route for ${pathname}`);
    const allow = [...allowed].join(', ');
    throw new HttpError(405, `${method} is not allowed on ${pathname}; use ${allow}`, { allow });
  }
}

function compile(route: HttpRoute): CompiledRoute {
  if (typeof route?.path !== 'string' || !route.path.startsWith('/') || typeof route.handle !== 'function') {
    throw new TypeError(`HTTP route must have a path starting with "/" and a handle function, got ${JSON.stringify(route?.path)}`);
  }
  const segments = route.path.split('/').slice(1);
  const wildcard = segments.at(-1) === '*';
  return { route, segments: wildcard ? segments.slice(0, -1) : segments, wildcard };
}

function matchPath(compiled: CompiledRoute, parts: readonly string[]): Record<string, string> | null {
  const { segments, wildcard } = compiled;
  if (wildcard ? parts.length < segments.length : parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (const [index, segment] of segments.entries()) {
    const part = parts[index] as string;
    if (segment.startsWith(':')) {
      if (part === '') return null;
      params[segment.slice(1)] = decode(part);
    } else if (segment !== part) {
      return null;
    }
  }
  if (wildcard) params['*'] = parts.slice(segments.length).map(decode).join('/');
  return params;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new HttpError(400, `malformed percent-encoding in path segment ${JSON.stringify(part)}`);
  }
}
