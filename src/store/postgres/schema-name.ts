/**
 * Validation and quoting of the PostgreSQL schema that holds eleanor-jobs' tables.
 *
 * @module
 */

/** The schema used when none is given. */
export const DEFAULT_SCHEMA = 'eleanor';

/** Accepted schema names: lower-case letters, digits and `_`, not starting with a digit, at most 63 bytes. */
const SCHEMA_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Check a schema name and return it double-quoted for use in SQL text.
 * Only plain lower-case identifiers are accepted so that the name means the same quoted or
 * not (no case folding surprises) and can never inject SQL.
 *
 * @param name - the schema name, e.g. `eleanor`
 * @returns the quoted identifier, e.g. `"eleanor"`
 * @throws TypeError naming the option and the rejected value
 */
export function quoteSchemaName(name: string): string {
  if (typeof name !== 'string' || !SCHEMA_NAME_PATTERN.test(name) || name.startsWith('pg_')) {
    throw new TypeError(
      `PostgresStore option "schema" must be a lower-case identifier (letters, digits, _; not starting with a digit or pg_; at most 63 characters), got ${JSON.stringify(name)}.`,
    );
  }
  return `"${name}"`;
}
