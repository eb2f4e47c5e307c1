/**
 * The embedded SQLite store (better-sqlite3): `SqliteStore`, the CLI's default.
 * Imported from `eleanor-jobs/sqlite` so that the main entry never loads the native module.
 *
 * @module
 */
export { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
