import { constants, accessSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from '../../errors/store-errors.js';
import { sqliteFailure } from './sqlite-failure.js';

/** The path that names a private in-memory database instead of a file. */
export const IN_MEMORY_PATH = ':memory:';

function checkLocation(path: string): void {
  const info = statSync(path, { throwIfNoEntry: false });
  if (info === undefined) {
    mkdirSync(dirname(path), { recursive: true });
    return;
  }
  if (info.isDirectory()) throw new StoreError(`The SQLite store ${path} is a directory, not a database file.`);
  if (!info.isFile()) throw new StoreError(`The SQLite store ${path} is not a regular file.`);
  accessSync(path, constants.R_OK | constants.W_OK);
}

/**
 * Opens (creating if missing, with its parent directories) the SQLite database at `path` and
 * makes sure it is a healthy SQLite database BEFORE anything is written to it, so that a file
 * that is not a database, or is corrupt, is never modified. Then sets WAL journaling,
 * `synchronous = FULL` (a committed transaction survives a crash of the process or the
 * machine), `foreign_keys` and `busy_timeout`.
 *
 * @param path - absolute path of the file, or {@link IN_MEMORY_PATH}
 * @param busyTimeoutMs - how long a statement waits for another connection's lock
 * @throws StoreError naming the path when the file cannot be used
 */
export function openSqliteDatabase(path: string, busyTimeoutMs: number): Database.Database {
  let db: Database.Database | undefined;
  try {
    if (path !== IN_MEMORY_PATH) checkLocation(path);
    db = new Database(path, { timeout: busyTimeoutMs });
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') {
      const finding = String(check).replace(/\s+/g, ' ').slice(0, 200);
      throw new StoreError(
        `The SQLite store ${path} is corrupt (quick_check: ${finding}). The file was left untouched; restore it from a backup, or move it away to start a new store.`,
      );
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    db?.close();
    throw sqliteFailure(path, error);
  }
}
