/**
 * Which job files need tsx: TypeScript, and JavaScript that Node would read as CommonJS (a
 * `.js` file in a package without `"type": "module"`, such as one made by `npm init -y`),
 * since job modules use `import` syntax as the README shows.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);

/** Whether `path` (absolute) must be loaded through tsx rather than Node's own `import()`. */
export function needsTsx(path: string): boolean {
  const extension = extname(path).toLowerCase();
  if (TYPESCRIPT.has(extension)) return true;
  return extension === '.js' && packageType(dirname(path)) !== 'module';
}

/** The `"type"` of the nearest `package.json` above `dir` (Node's rule), or `commonjs`. */
function packageType(dir: string): string {
  for (let current = dir; ; current = dirname(current)) {
    const manifest = join(current, 'package.json');
    if (existsSync(manifest)) {
      try {
        const { type } = JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown };
        return type === 'module' ? 'module' : 'commonjs';
      } catch {
        return 'commonjs';
      }
    }
    if (dirname(current) === current) return 'commonjs';
  }
}
