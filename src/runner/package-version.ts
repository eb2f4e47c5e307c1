import { createRequire } from 'node:module';

/** The eleanor-jobs version this code is (read from its package.json), as replicas report it. */
export const PACKAGE_VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
