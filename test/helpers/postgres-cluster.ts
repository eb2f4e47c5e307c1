/**
 * A throwaway PostgreSQL cluster for tests: `initdb` in a temporary directory, a random free
 * loopback port, trust authentication, one database, stopped and removed afterwards.
 *
 * PostgreSQL refuses to run as root, so when the tests run as root every server command runs
 * as the `postgres` OS user (through `runuser`) and the directory is chowned to it.
 * Nothing here ever skips: if the binaries are missing, {@link startPostgresCluster} rejects
 * with a message that says how to install them (`scripts/ensure-postgres.sh`).
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { chown, chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const execFileAsync = promisify(execFile);

/** Name of the database that {@link startPostgresCluster} creates. */
export const TEST_DATABASE = 'eleanor_test';

/** A running throwaway cluster. */
export interface PostgresCluster {
  /** Connection string of the test database, e.g. `postgres://postgres@127.0.0.1:PORT/eleanor_test`. */
  readonly url: string;
  /** The loopback port the server listens on. */
  readonly port: number;
  /** Stop the server and remove its directory. Idempotent. */
  stop(): Promise<void>;
  /** Stop the server abruptly (`-m immediate`, as a crash) and start it again on the same port. */
  restart(): Promise<void>;
  /** Stop the server abruptly without starting it again (for outage tests); `start` brings it back. */
  kill(): Promise<void>;
  /** Start a server stopped by {@link PostgresCluster.kill}. */
  start(): Promise<void>;
}

/**
 * The directory holding `initdb`, `pg_ctl` and `postgres`: `$ELEANOR_PG_BIN` if set, else
 * the newest `/usr/lib/postgresql/<version>/bin`. Throws a clear error when none exists.
 */
export async function findPostgresBinDir(): Promise<string> {
  const fromEnv = process.env.ELEANOR_PG_BIN;
  if (fromEnv) {
    if (!existsSync(join(fromEnv, 'initdb'))) {
      throw new Error(`ELEANOR_PG_BIN=${fromEnv} holds no initdb; point it at a PostgreSQL bin directory.`);
    }
    return fromEnv;
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? await readdir(root) : [];
  const candidates = versions
    .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  const newest = candidates[0];
  if (newest === undefined) {
    throw new Error(
      'PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/initdb). The PostgreSQL tests need them: ' +
        'run `bash scripts/ensure-postgres.sh` (apt-get install postgresql) or set ELEANOR_PG_BIN.',
    );
  }
  return join(root, newest, 'bin');
}

/** A port that was free on 127.0.0.1 a moment ago. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const runningAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Run a server command as the `postgres` user when we are root, else as ourselves. */
async function runAsServerUser(command: string, args: readonly string[]): Promise<string> {
  const [file, argv] = runningAsRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, [...args]];
  try {
    const { stdout } = await execFileAsync(file, argv, { timeout: 120_000 });
    return stdout;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`${command} ${args.join(' ')} failed: ${detail}`, { cause: error });
  }
}

/** Start a throwaway PostgreSQL cluster on a random loopback port with one empty database. */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = await findPostgresBinDir();
  // As root, the postgres user must be able to reach the directory: /root/... would not do.
  const base = process.env.ELEANOR_PG_TMPDIR ?? (runningAsRoot ? '/tmp' : tmpdir());
  const dir = await mkdtemp(join(base, 'eleanor-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  await chmod(dir, 0o700);
  if (runningAsRoot) {
    const { stdout } = await execFileAsync('id', ['-u', 'postgres']);
    const { stdout: gid } = await execFileAsync('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const cleanup = async (): Promise<void> => {
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await runAsServerUser(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  } catch (error) {
    await cleanup();
    throw error;
  }

  let port = 0;
  let running = false;
  const serverOptions = (): string =>
    [
      '-c listen_addresses=127.0.0.1',
      `-p ${port}`,
      `-k ${dir}`,
      '-c max_connections=300',
      '-c fsync=off',
      '-c full_page_writes=off',
    ].join(' ');
  const start = async (): Promise<void> => {
    await runAsServerUser(join(bin, 'pg_ctl'), ['-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', serverOptions(), 'start']);
    running = true;
  };
  const stopServer = async (mode: 'fast' | 'immediate'): Promise<void> => {
    if (!running) return;
    await runAsServerUser(join(bin, 'pg_ctl'), ['-D', dataDir, '-w', '-t', '60', '-m', mode, 'stop']);
    running = false;
  };

  // The port may be taken between probing and binding; try a few.
  let lastError: unknown;
  for (let attempt = 0; attempt < 5 && !running; attempt++) {
    port = await freePort();
    try {
      await start();
    } catch (error) {
      lastError = error;
    }
  }
  if (!running) {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    await cleanup();
    throw new Error(`Could not start PostgreSQL: ${String(lastError)}\n${log}`, { cause: lastError });
  }

  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${TEST_DATABASE}`);
  } catch (error) {
    await stopServer('immediate').catch(() => undefined);
    await cleanup();
    throw error;
  } finally {
    await admin.end().catch(() => undefined);
  }

  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/${TEST_DATABASE}`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await stopServer('fast');
      } catch {
        await stopServer('immediate').catch(() => undefined);
      }
      await cleanup();
    },
    async restart() {
      await stopServer('immediate');
      await start();
    },
    async kill() {
      await stopServer('immediate');
    },
    start,
  };
}

/** A random schema name for one test (`t_` + 16 hex characters), valid for `quoteSchemaName`. */
export function randomSchemaName(prefix = 't'): string {
  const hex = Array.from({ length: 16 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  return `${prefix}_${hex}`;
}

/**
 * Run `fn` with a fresh connection to `url` (closed afterwards).
 *
 * @param url - connection string
 * @param fn - what to do with the connected client
 */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Drop a test schema and everything in it (no error if it does not exist). */
export async function dropSchema(url: string, schema: string): Promise<void> {
  await withClient(url, (client) => client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`));
}
