/**
 * A printable description of a connection target, without credentials.
 *
 * @module
 */

/**
 * `host:port/database` of a connection string, never its password; `the database` when the
 * string is not a URL (e.g. `key=value` form).
 *
 * @param connectionString - a `postgres://` URL or any form `pg` accepts
 */
export function describeTarget(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    const host = url.host || 'localhost';
    const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
    return database ? `${host}/${database}` : host;
  } catch {
    return 'the database';
  }
}
