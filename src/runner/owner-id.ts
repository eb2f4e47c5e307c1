import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * A fresh identifier for one runner process, as stores record it on leases and runs:
 * `hostname:pid:random`. The random part tells apart two runners in one process and a
 * restarted process that reused a pid.
 */
export function createOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}
