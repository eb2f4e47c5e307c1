/**
 * The PostgreSQL store: `PostgresStore` and what documents its schema.
 *
 * @module
 */
export { PostgresStore, INTERRUPTED_RUN_ERROR, type PostgresStoreOptions } from './postgres-store.js';
export { quoteSchemaName, DEFAULT_SCHEMA } from './schema-name.js';
export { MIGRATIONS, LATEST_SCHEMA_VERSION, type Migration } from './migrations.js';
export { MIGRATION_LOCK_KEY } from './statements.js';
export { MINIMUM_SERVER_VERSION, MINIMUM_SERVER_VERSION_NUM, assertSupportedServerVersion } from './server-version.js';
