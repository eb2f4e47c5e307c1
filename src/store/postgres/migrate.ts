/**
 * Applies the PostgreSQL store's migrations at open, one replica at a time.
 *
 * @module
 */
import type { PoolClient } from 'pg';
import { StoreSchemaError } from '../../errors/store-errors.js';
import { bindSchema, MIGRATIONS, MIGRATIONS_TABLE_SQL, type Migration } from './migrations.js';
import {
  CREATE_SCHEMA_SQL,
  MIGRATION_LOCK_KEY,
  MIGRATION_LOCK_SQL,
  RECORD_MIGRATION_SQL,
  SCHEMA_EXISTS_SQL,
  SCHEMA_VERSION_SQL,
} from './statements.js';

/** What {@link migrate} did. */
export interface MigrationResult {
  /** Schema version before. */
  readonly from: number;
  /** Schema version after. */
  readonly to: number;
}

/**
 * Bring a schema up to date in one transaction holding the advisory lock
 * `MIGRATION_LOCK_KEY` (`pg_advisory_xact_lock`, released at commit or rollback), so that
 * replicas opening at once apply each migration exactly once. Creates the schema when missing.
 *
 * @param client - a dedicated connection (not in a transaction)
 * @param schema - the unquoted schema name
 * @param quotedSchema - the same, quoted
 * @param migrations - the migrations to apply (default: all of this version)
 * @throws StoreSchemaError when the schema is newer than the newest known migration
 */
export async function migrate(
  client: PoolClient,
  schema: string,
  quotedSchema: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationResult> {
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const q = (sql: string): string => bindSchema(sql, quotedSchema);
  await client.query('BEGIN');
  try {
    await client.query(MIGRATION_LOCK_SQL, [MIGRATION_LOCK_KEY]);
    const exists = await client.query<{ schema_exists: boolean; table_exists: boolean }>(SCHEMA_EXISTS_SQL, [schema]);
    const found = exists.rows[0];
    // Creating needs privileges that a fully migrated schema does not: only ask when missing.
    if (!found?.schema_exists) await client.query(q(CREATE_SCHEMA_SQL));
    if (!found?.table_exists) await client.query(q(MIGRATIONS_TABLE_SQL));
    const current = (await client.query<{ version: number }>(q(SCHEMA_VERSION_SQL))).rows[0]?.version ?? 0;
    if (current > latest) throw new StoreSchemaError(current, latest);
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (migration.version <= current) continue;
      await client.query(q(migration.sql));
      await client.query(q(RECORD_MIGRATION_SQL), [migration.version, migration.name]);
    }
    await client.query('COMMIT');
    return { from: current, to: Math.max(current, latest) };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
