/**
 * The `pg` driver, loaded when a `PostgresStore` opens: `pg` is an optional peer dependency
 * (`npm install pg`), so that installs which never use PostgreSQL do not carry it.
 *
 * @module
 */
import type pg from 'pg';
import { StoreError } from '../../errors/store-errors.js';

/** The `pg` module (its default export). */
export type PgDriver = typeof pg;

/** How the driver is imported; replaced in tests to simulate a missing package. */
export type PgImporter = () => Promise<{ default: PgDriver }>;

const importPg: PgImporter = () => import('pg');

/**
 * Imports `pg` (Node caches the module after the first import).
 *
 * @param importer - how to import it (tests pass one that fails)
 * @throws StoreError naming the package and the install command when `pg` is not installed
 */
export async function loadPgDriver(importer: PgImporter = importPg): Promise<PgDriver> {
  try {
    return (await importer()).default;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new StoreError('The PostgreSQL store needs the package "pg", an optional peer dependency of eleanor-jobs: run `npm install pg`.', { cause: error });
    }
    throw error;
  }
}
