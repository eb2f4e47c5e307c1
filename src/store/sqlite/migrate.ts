import type Database from 'better-sqlite3';
import { StoreSchemaError } from '../../errors/store-errors.js';
import { sqliteMigrations, type SqliteMigration } from './migrations.js';

/**
 * Brings the schema of `db` up to date in one `BEGIN IMMEDIATE` transaction, so that several
 * processes opening one file at once apply each migration exactly once. Applied versions are
 * recorded in `eleanor_migrations` (version, name, applied_at in UTC epoch ms).
 *
 * @param db - an open connection
 * @param now - the time recorded for applied migrations
 * @param migrations - the known migrations, oldest first (tests pass their own)
 * @returns the schema version after migrating
 * @throws StoreSchemaError when the database holds a version newer than the newest known
 */
export function migrate(
  db: Database.Database,
  now: number,
  migrations: readonly SqliteMigration[] = sqliteMigrations,
): number {
  const codeVersion = migrations.reduce((newest, m) => Math.max(newest, m.version), 0);
  const apply = db.transaction((): number => {
    db.exec(`CREATE TABLE IF NOT EXISTS eleanor_migrations (
      version    INTEGER PRIMARY KEY NOT NULL,
      name       TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    ) STRICT`);
    const row = db.prepare<[], { version: number | null }>('SELECT max(version) AS version FROM eleanor_migrations').get();
    const databaseVersion = row?.version ?? 0;
    if (databaseVersion > codeVersion) throw new StoreSchemaError(databaseVersion, codeVersion);
    const record = db.prepare<[number, string, number]>(
      'INSERT INTO eleanor_migrations (version, name, applied_at) VALUES (?, ?, ?)',
    );
    for (const migration of migrations) {
      if (migration.version <= databaseVersion) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, now);
    }
    return codeVersion;
  });
  return apply.immediate();
}
