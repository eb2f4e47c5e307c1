/**
 * The dashboard's browser modules: the `client/` folder next to this module. From the built
 * package (`dist/dashboard/client/*.js`, emitted by `tsc`) they are served as they are; when
 * running from the TypeScript sources (tests, `tsx`), `client/*.ts` are transpiled once with
 * the `typescript` package (a dev dependency, never needed by the built package).
 */
import { readdir, readFile } from 'node:fs/promises';

/** The modules by file name (`main.js`, …), with their text. */
export type ClientAssets = ReadonlyMap<string, string>;

/** Names a module may have: lower-case words and dashes, `.js`. */
const MODULE_NAME = /^[a-z][a-z0-9-]*\.js$/;

/**
 * Reads (or transpiles) the client modules in `folder`. `sourceMappingURL` comments are
 * dropped (the maps are not served).
 *
 * @throws Error when the folder holds neither `.js` nor `.ts` modules
 */
export async function loadClientAssets(folder: URL): Promise<ClientAssets> {
  const files = (await readdir(folder)).sort();
  const built = files.filter((file) => MODULE_NAME.test(file));
  const assets = new Map<string, string>();
  if (built.length > 0) {
    for (const file of built) assets.set(file, stripSourceMap(await readFile(new URL(file, folder), 'utf8')));
    return assets;
  }
  const sources = files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && MODULE_NAME.test(file.replace(/\.ts$/, '.js')));
  if (sources.length === 0) throw new Error(`the dashboard's client modules are missing from ${folder.pathname} (run "npm run build")`);
  const ts = (await import('typescript')).default;
  for (const file of sources) {
    const source = await readFile(new URL(file, folder), 'utf8');
    const output = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022, verbatimModuleSyntax: true, sourceMap: false },
    });
    assets.set(file.replace(/\.ts$/, '.js'), output.outputText);
  }
  return assets;
}

function stripSourceMap(code: string): string {
  return code.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n');
}

/** Total size of the modules in bytes (UTF-8). */
export function assetBytes(assets: ClientAssets): number {
  let total = 0;
  for (const code of assets.values()) total += Buffer.byteLength(code);
  return total;
}
