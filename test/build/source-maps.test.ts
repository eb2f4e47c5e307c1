/**
 * The package ships `dist` only: its source maps must carry the sources they point to, so a
 * stack frame mapped to `src/...ts` (node --enable-source-maps, or tsx) names text the install
 * has. Needs `npm run build` (the test script's pretest runs it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

describe('shipped source maps', () => {
  it('embed the source of every file they map to', () => {
    const maps = readdirSync(DIST, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(50);
    for (const file of maps) {
      const map = JSON.parse(readFileSync(join(DIST, file), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      expect(map.sourcesContent?.length, file).toBe(map.sources.length);
      expect(map.sourcesContent?.every((content) => typeof content === 'string' && content.length > 0), file).toBe(true);
    }
  });
});
