/**
 * The PostgreSQL server versions eleanor-jobs supports.
 *
 * @module
 */
import { UnsupportedDatabaseVersionError } from '../../errors/store-errors.js';

/** Oldest supported server, as `server_version_num` (13.0). */
export const MINIMUM_SERVER_VERSION_NUM = 130000;

/** Oldest supported server, for messages. */
export const MINIMUM_SERVER_VERSION = '13';

/**
 * Throw {@link UnsupportedDatabaseVersionError} unless the server is at least PostgreSQL 13.
 *
 * @param versionNum - the server's `server_version_num` (e.g. `150018`)
 * @param version - the server's `server_version` (e.g. `15.18`), for the message
 */
export function assertSupportedServerVersion(versionNum: number, version: string): void {
  if (!Number.isInteger(versionNum) || versionNum < MINIMUM_SERVER_VERSION_NUM) {
    throw new UnsupportedDatabaseVersionError(version, MINIMUM_SERVER_VERSION);
  }
}
