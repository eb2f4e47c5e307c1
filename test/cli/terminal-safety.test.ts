/**
 * Control characters made visible (terminal output) and escaped (JSON output), and the choice
 * of loader for job files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toJson } from '../../src/cli/cli-json.js';
import { needsTsx } from '../../src/cli/module-format.js';
import { visible } from '../../src/cli/visible-text.js';
import { tempDir } from './fixtures/cli-process.js';

describe('visible', () => {
  it('shows every control character escaped and leaves other text alone', () => {
    expect(visible('clear\x1b[2J title\x1b]0;pwned\x07 cr\r nl\n tab\t nul\0 del\x7f csi\x9b bidi\u202e!')).toBe(
      'clear\\e[2J title\\e]0;pwned\\x07 cr\\r nl\\n tab\\t nul\\0 del\\x7f csi\\x9b bidi\\u{202e}!',
    );
    expect(visible('Grüße, 日本, emoji 🙂, C:\\path')).toBe('Grüße, 日本, emoji 🙂, C:\\path');
  });

  it('keeps line breaks when asked, for multi-line output', () => {
    expect(visible('a\x1b[1m\nb\r\n', { keepNewlines: true })).toBe('a\\e[1m\nb\\r\n');
  });
});

describe('toJson', () => {
  it('escapes the controls JSON.stringify leaves raw, and stays valid JSON', () => {
    const value = { error: 'x\x1b[2J\x9b\u202e\u2028y' };
    const text = toJson(value);
    // eslint-disable-next-line no-control-regex -- the point: no raw control character
    expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e\u2028]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('needsTsx', () => {
  it('loads TypeScript and CommonJS-scoped .js through tsx, ESM JavaScript natively', () => {
    const root = tempDir('eleanor-format-');
    const cjs = join(root, 'cjs');
    const esm = join(root, 'esm');
    mkdirSync(join(esm, 'jobs'), { recursive: true });
    mkdirSync(cjs);
    writeFileSync(join(cjs, 'package.json'), JSON.stringify({ type: 'commonjs' }));
    writeFileSync(join(esm, 'package.json'), JSON.stringify({ type: 'module' }));
    expect(needsTsx(join(esm, 'jobs/a.ts'))).toBe(true);
    expect(needsTsx(join(esm, 'jobs/a.mts'))).toBe(true);
    expect(needsTsx(join(esm, 'jobs/a.js'))).toBe(false);
    expect(needsTsx(join(esm, 'jobs/a.mjs'))).toBe(false);
    expect(needsTsx(join(cjs, 'a.js'))).toBe(true);
    expect(needsTsx(join(cjs, 'a.mjs'))).toBe(false);
    expect(needsTsx(join(cjs, 'a.cjs'))).toBe(false);
  });
});
