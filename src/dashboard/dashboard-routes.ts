/**
 * The dashboard's routes, mounted on the runner's HTTP server:
 *
 * ```ts
 * await startHttpServer(runner, { token, routes: dashboardRoutes() });
 * ```
 *
 * - `GET /`: the page (a static shell with a strict Content-Security-Policy);
 * - `GET /dashboard/app.css`, `/dashboard/icon.svg` and `/dashboard/<module>.js`: its
 *   style sheet, icon and browser modules (plain ES modules, no framework).
 *
 * The page reads everything else from the JSON API and `/api/events`; actions use the
 * API's token-protected `POST` routes.
 */
import { HttpError, type HttpResponse, type HttpRoute } from '../http/http-route.js';
import { loadClientAssets, type ClientAssets } from './client-assets.js';
import { ASSET_PREFIX, ICON_SVG, SECURITY_HEADERS, dashboardPage } from './page.js';
import { DASHBOARD_CSS } from './styles.js';

/** Options of {@link dashboardRoutes}. */
export interface DashboardOptions {
  /** Folder of the client modules. Default: `client/` next to this module. */
  readonly clientDir?: URL;
  /** The page title. Default `eleanor-jobs`. */
  readonly title?: string;
}

/** The dashboard's routes (`/` and `/dashboard/:file`); client modules are read on first use. */
export function dashboardRoutes(options: DashboardOptions = {}): HttpRoute[] {
  const folder = options.clientDir ?? new URL('./client/', import.meta.url);
  let loading: Promise<ClientAssets> | null = null;
  const assets = (): Promise<ClientAssets> => {
    loading ??= loadClientAssets(folder).catch((error: unknown) => {
      loading = null;
      throw error;
    });
    return loading;
  };
  return [
    {
      method: 'GET',
      path: '/',
      handle: async () => reply(dashboardPage([...(await assets()).keys()], options.title), 'text/html; charset=utf-8'),
    },
    {
      method: 'GET',
      path: `${ASSET_PREFIX}:file`,
      handle: async ({ params }) => {
        const file = params.file as string;
        if (file === 'app.css') return reply(DASHBOARD_CSS, 'text/css; charset=utf-8');
        if (file === 'icon.svg') return reply(ICON_SVG, 'image/svg+xml');
        const code = (await assets()).get(file);
        if (code === undefined) throw new HttpError(404, `no dashboard file ${JSON.stringify(file)}`);
        return reply(code, 'text/javascript; charset=utf-8');
      },
    },
  ];
}

function reply(body: string, contentType: string): HttpResponse {
  return { status: 200, headers: { ...SECURITY_HEADERS, 'content-type': contentType, 'cache-control': 'no-cache' }, body };
}
