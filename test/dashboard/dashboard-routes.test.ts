import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetBytes, loadClientAssets, type ClientAssets } from '../../src/dashboard/client-assets.js';
import { dashboardRoutes } from '../../src/dashboard/dashboard-routes.js';
import { startHttpServer, type RunnerHttpServer } from '../../src/http/http-server.js';
import { JobRunner } from '../../src/runner/job-runner.js';
import { CaptureLogger } from '../helpers/capture-logger.js';

/** The budget of the dashboard's JavaScript. */
const JS_BUDGET_BYTES = 100 * 1024;
const SOURCE_DIR = new URL('../../src/dashboard/client/', import.meta.url);
const BUILT_DIR = new URL('../../dist/dashboard/client/', import.meta.url);

let server: RunnerHttpServer;

beforeAll(async () => {
  server = await startHttpServer(new JobRunner({ logger: new CaptureLogger() }), { port: 0, logger: new CaptureLogger(), routes: dashboardRoutes() });
});

afterAll(async () => {
  await server.close();
});

/** The relative modules each module imports (static and dynamic). */
function importsOf(code: string): string[] {
  return [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)].map((match) => match[1] as string);
}

/** Every module reachable from main.js is served, and no import leaves the folder. */
function expectClosedGraph(assets: ClientAssets): void {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = assets.get(file);
    expect(code, `module ${file}`).toBeDefined();
    for (const target of importsOf(code ?? '')) {
      expect(target, `import in ${file}`).toMatch(/^\.\/[a-z][a-z0-9-]*\.js$/);
      visit(target.slice(2));
    }
  };
  visit('main.js');
  expect(seen.size).toBeGreaterThan(5);
}

describe('dashboard routes', () => {
  it('serves the page at / with a strict Content-Security-Policy and no inline script or style', async () => {
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    expect(html).toContain('<script type="module" src="./dashboard/main.js"></script>');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    expect(html).toMatch(/<main id="main"/);
    expect(html).toContain('<link rel="modulepreload" href="./dashboard/timeline.js">');
  });

  it('serves the modules, the style sheet and the icon, and nothing else under /dashboard/', async () => {
    const js = await fetch(`${server.url}/dashboard/main.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toContain("from './state.js'");
    const css = await fetch(`${server.url}/dashboard/app.css`);
    expect([css.status, css.headers.get('content-type')]).toEqual([200, 'text/css; charset=utf-8']);
    expect((await fetch(`${server.url}/dashboard/icon.svg`)).headers.get('content-type')).toBe('image/svg+xml');
    for (const path of ['/dashboard/nope.js', '/dashboard/main.ts', '/dashboard/..%2F..%2Fpackage.json', '/dashboard/main.js.map']) {
      expect((await fetch(`${server.url}${path}`)).status, path).toBe(404);
    }
  });

  it('keeps the browser modules self-contained (imports stay in the folder) and under 100 KB', async () => {
    const fromSource = await loadClientAssets(SOURCE_DIR);
    expectClosedGraph(fromSource);
    expect(assetBytes(fromSource)).toBeLessThan(JS_BUDGET_BYTES);
    for (const code of fromSource.values()) expect(code).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
  });

  it.runIf(existsSync(BUILT_DIR))('serves the tsc-built modules of dist/ as they are (same modules, under 100 KB)', async () => {
    const built = await loadClientAssets(BUILT_DIR);
    const fromSource = await loadClientAssets(SOURCE_DIR);
    expect([...built.keys()]).toEqual([...fromSource.keys()]);
    expectClosedGraph(built);
    expect(assetBytes(built)).toBeLessThan(JS_BUDGET_BYTES);
    for (const code of built.values()) expect(code).not.toContain('sourceMappingURL');
  });
});
