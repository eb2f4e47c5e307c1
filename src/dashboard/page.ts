/**
 * The dashboard's HTML page: a static shell (no data in it; the client module fills it from
 * the JSON API) and the security headers it is served with.
 */
import { escapeMarkup } from './client/svg-node.js';

/** URL prefix of the dashboard's static files (below the mount prefix). */
export const ASSET_PREFIX = '/dashboard/';

/**
 * How the page refers to them: relative to the page, which is served at the mount prefix with a
 * trailing slash (`/` or `/jobs/`), so the same page works under any prefix.
 */
const ASSET_HREF = `.${ASSET_PREFIX}`;

/**
 * The page's Content-Security-Policy: only same-origin scripts, styles, images and
 * connections; no inline script or style, no plugins, no framing, no form submission.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers of every dashboard response (the page and its files). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** The page, preloading every client module (so the browser fetches them in parallel). */
export function dashboardPage(modules: readonly string[], title = 'eleanor-jobs'): string {
  const preload = modules
    .filter((name) => name !== 'main.js')
    .map((name) => `<link rel="modulepreload" href="${ASSET_HREF}${escapeMarkup(name)}">`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeMarkup(title)}</title>
<link rel="icon" href="${ASSET_HREF}icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${ASSET_HREF}app.css">
${preload}
<script type="module" src="${ASSET_HREF}main.js"></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<h1><a href="#/"><span class="mark" aria-hidden="true"></span>${escapeMarkup(title)}</a></h1>
<p id="runner-info"></p>
<div id="token-slot"></div>
</header>
<main id="main" tabindex="-1">
<div id="view"><p class="muted">Loading jobs…</p></div>
<noscript><p>The dashboard needs JavaScript. The same data is at <a href="./api/jobs">api/jobs</a>.</p></noscript>
</main>
<footer>
<span id="connection" role="status">Connecting…</span>
<a href="./api/jobs">JSON API</a>
<a href="./metrics">Prometheus metrics</a>
<a href="./healthz">Health</a>
</footer>
<p id="announcer" class="announcer" role="status" aria-live="polite"></p>
</body>
</html>
`;
}

/** The favicon: a rounded blue square. */
export const ICON_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect x="1" y="1" width="14" height="14" rx="3" fill="#0969da"/><path d="M4 8h8M4 5h5M4 11h6" stroke="#fff" stroke-width="1.6" stroke-linecap="round"/></svg>';
