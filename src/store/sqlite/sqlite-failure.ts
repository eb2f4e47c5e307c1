import Database from 'better-sqlite3';
import { StoreError } from '../../errors/store-errors.js';

const CORRUPT_CODES = /^SQLITE_(NOTADB|CORRUPT)/;

/**
 * Turns a failure of SQLite (or of the file system under it) into a {@link StoreError} with one
 * clear message naming the database file. Errors that are already `StoreError`s, and bugs that
 * are neither SQLite nor file-system errors, are returned unchanged.
 *
 * @param path - the database file the failure concerns
 * @param error - what was thrown
 */
export function sqliteFailure(path: string, error: unknown): unknown {
  if (error instanceof StoreError) return error;
  if (error instanceof Database.SqliteError) {
    const detail = `${error.message} (${error.code})`;
    if (CORRUPT_CODES.test(error.code)) {
      return new StoreError(
        `The SQLite store ${path} is not a SQLite database or is corrupt: ${detail}. The file was left untouched; restore it from a backup, or move it away to start a new store.`,
        { cause: error },
      );
    }
    if (error.code.startsWith('SQLITE_BUSY') || error.code.startsWith('SQLITE_LOCKED')) {
      return new StoreError(`The SQLite store ${path} stayed locked by another connection beyond busyTimeoutMs: ${detail}.`, {
        cause: error,
      });
    }
    return new StoreError(`The SQLite store ${path} failed: ${detail}.`, { cause: error });
  }
  if (error instanceof Error && 'code' in error && 'syscall' in error) {
    return new StoreError(`Cannot open the SQLite store ${path}: ${error.message}.`, { cause: error });
  }
  return error;
}
