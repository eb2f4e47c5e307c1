/**
 * `pg` is an optional peer dependency: a PostgreSQL store without it fails naming the package.
 */
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors/store-errors.js';
import { loadPgDriver } from '../../src/store/postgres/pg-driver.js';

describe('loadPgDriver', () => {
  it('names the package and the install command when pg is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package 'pg' imported from /app/node_modules/eleanor-jobs/dist/store/postgres/pg-driver.js"), { code: 'ERR_MODULE_NOT_FOUND' });
    const failure = loadPgDriver(() => Promise.reject(missing));
    await expect(failure).rejects.toThrow(StoreError);
    await expect(failure).rejects.toThrow('The PostgreSQL store needs the package "pg", an optional peer dependency of eleanor-jobs: run `npm install pg`.');
  });

  it('passes other import failures on unchanged, and loads pg when installed', async () => {
    const broken = new SyntaxError('Unexpected token');
    await expect(loadPgDriver(() => Promise.reject(broken))).rejects.toBe(broken);
    const pg = await loadPgDriver();
    expect(typeof pg.Pool).toBe('function');
    expect(typeof pg.DatabaseError).toBe('function');
  });
});
