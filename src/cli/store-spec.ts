/**
 * `--store <path | postgres URL>`: which store the CLI opens.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { JobStore } from '../store/job-store.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { CliError } from './cli-error.js';

/** The default `--store`: an SQLite file under the working directory. */
export const DEFAULT_STORE_PATH = './.eleanor/jobs.db';

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

/** Options of {@link storeFromSpec}. */
export interface StoreSpecOptions {
  /** Refuse an SQLite file that does not exist yet (reading commands never create one). */
  readonly mustExist?: boolean;
}

/**
 * The store named by `spec`: a `postgres://` or `postgresql://` URL opens a `PostgresStore`,
 * anything else is the path of an SQLite file. Not opened yet.
 *
 * @throws CliError when `mustExist` and the SQLite file is missing
 */
export function storeFromSpec(spec: string, options: StoreSpecOptions = {}): JobStore {
  if (POSTGRES_URL.test(spec)) return new PostgresStore({ connectionString: spec });
  if (spec.trim() === '') throw new CliError('--store must be a file path or a postgres:// URL, got ""');
  if (options.mustExist === true && !existsSync(resolve(spec))) {
    throw new CliError(`no store at ${spec} (run some jobs first, or pass --store <path | postgres URL>)`);
  }
  return new SqliteStore({ path: spec });
}

/** `spec` for messages, without a password. */
export function describeStoreSpec(spec: string): string {
  if (!POSTGRES_URL.test(spec)) return spec;
  try {
    const url = new URL(spec);
    url.password = url.password === '' ? '' : '***';
    return url.toString();
  } catch {
    return 'the PostgreSQL database';
  }
}
