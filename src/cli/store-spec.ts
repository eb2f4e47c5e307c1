/**
 * `--store`: which store the CLI opens, given as a URL with a closed list of schemes
 * (`postgres://`, `postgresql://`, `sqlite:<path>` or a plain file path, `memory`), from the
 * flag, `ELEANOR_STORE`, or `DATABASE_URL` when that is a PostgreSQL URL.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { JobStore } from '../store/job-store.js';
import { MemoryStore } from '../store/memory-store.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { CliError } from './cli-error.js';
import { visible } from './visible-text.js';

/** The default `--store`: an SQLite file under the working directory. */
export const DEFAULT_STORE_PATH = './.eleanor/jobs.db';

/** The schemes `--store` accepts, as the error messages list them. */
export const STORE_SCHEMES = 'postgres://…, postgresql://…, sqlite:<path> or a file path, memory';

const POSTGRES_URL = /^postgres(ql)?:\/\//i;
const SQLITE_URL = /^sqlite:(\/\/)?/i;
/** A URL scheme (two letters at least, so that `C:\jobs.db` stays a path). */
const ANY_SCHEME = /^([a-z][a-z0-9+.-]+):/i;

/** Where the store setting came from, for messages. */
export type StoreSource = '--store' | 'ELEANOR_STORE' | 'DATABASE_URL' | 'default';

/** A parsed `--store` value. */
export type StoreSpec =
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'memory' };

/** The store setting in force and where it came from. */
export interface StoreSetting {
  readonly value: string;
  readonly source: StoreSource;
}

/**
 * The store setting by precedence: the `--store` flag, then `ELEANOR_STORE`, then
 * `DATABASE_URL` when it is a `postgres://` or `postgresql://` URL (any other `DATABASE_URL`
 * is ignored: it may belong to another tool), then {@link DEFAULT_STORE_PATH}.
 */
export function storeSetting(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): StoreSetting {
  if (flag !== undefined) return { value: flag, source: '--store' };
  const fromEnv = env.ELEANOR_STORE;
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: 'ELEANOR_STORE' };
  const databaseUrl = env.DATABASE_URL;
  if (databaseUrl !== undefined && POSTGRES_URL.test(databaseUrl)) return { value: databaseUrl, source: 'DATABASE_URL' };
  return { value: DEFAULT_STORE_PATH, source: 'default' };
}

/**
 * Parses a store setting.
 *
 * @throws CliError naming `--store` (and the variable it came from) for an empty value, a
 *   scheme outside the closed list, or a malformed PostgreSQL URL
 */
export function parseStoreSpec(setting: StoreSetting): StoreSpec {
  const raw = setting.value.trim();
  const subject = setting.source === '--store' || setting.source === 'default' ? '--store' : `--store (from ${setting.source})`;
  if (raw === '') throw new CliError(`${subject} must be one of ${STORE_SCHEMES}; got ""`);
  if (raw.toLowerCase() === 'memory') return { kind: 'memory' };
  if (POSTGRES_URL.test(raw)) {
    const problem = postgresUrlProblem(raw);
    if (problem !== null) throw new CliError(`${subject}: malformed PostgreSQL URL ${JSON.stringify(visible(describeStoreSpec(raw)))}: ${problem}`);
    return { kind: 'postgres', url: raw };
  }
  const sqlite = SQLITE_URL.exec(raw);
  if (sqlite !== null) {
    const path = raw.slice(sqlite[0].length);
    if (path === '') throw new CliError(`${subject}: "sqlite:" needs a file path, e.g. sqlite:./.eleanor/jobs.db`);
    return { kind: 'sqlite', path };
  }
  const scheme = ANY_SCHEME.exec(raw)?.[1];
  if (scheme !== undefined) {
    throw new CliError(`${subject}: unsupported store scheme "${visible(scheme)}:" in ${JSON.stringify(visible(describeStoreSpec(raw)))}; use ${STORE_SCHEMES}`);
  }
  return { kind: 'sqlite', path: raw };
}

/** Options of {@link storeFromSetting}. */
export interface StoreSpecOptions {
  /** Reading commands: refuse a store that holds nothing yet (a missing SQLite file, `memory`). */
  readonly mustExist?: boolean;
}

/**
 * The store named by `setting`, not opened yet (a `PostgresStore` imports `pg` when it opens,
 * and fails naming the package when it is not installed).
 *
 * @throws CliError for a bad setting (see {@link parseStoreSpec}), or when `mustExist` and
 *   there is nothing to read
 */
export function storeFromSetting(setting: StoreSetting, options: StoreSpecOptions = {}): JobStore {
  const spec = parseStoreSpec(setting);
  switch (spec.kind) {
    case 'memory':
      if (options.mustExist === true) throw new CliError('--store memory keeps nothing between processes; there is nothing to read (pass --store <path | postgres URL>)');
      return new MemoryStore();
    case 'sqlite':
      if (options.mustExist === true && !existsSync(resolve(spec.path))) {
        throw new CliError(`no store at ${visible(spec.path)} (run some jobs first, or pass --store <path | postgres URL>)`);
      }
      return new SqliteStore({ path: spec.path });
    case 'postgres':
      // Imports `pg` at open(): a missing package is a StoreError naming it.
      return new PostgresStore({ connectionString: spec.url });
  }
}

/** `spec` for messages, without a password. */
export function describeStoreSpec(spec: string): string {
  if (!POSTGRES_URL.test(spec)) return spec;
  try {
    const url = new URL(spec);
    url.password = url.password === '' ? '' : '***';
    return url.toString();
  } catch {
    return spec.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}

/** Why `pg` would not parse `url` (the same two tries as its parser), or null. */
function postgresUrlProblem(url: string): string | null {
  const encoded = / |%[^a-f0-9]|%[a-f0-9][^a-f0-9]/i.test(url) ? encodeURI(url).replace(/%25(\d\d)/g, '%$1') : url;
  if (URL.canParse(encoded) || URL.canParse(encoded.replace('@/', '@host/'))) return null;
  return 'not a valid URL (expected postgres://user:password@host:port/database)';
}
