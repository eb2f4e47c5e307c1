/**
 * Vitest global setup: starts one throwaway PostgreSQL cluster for the whole test run and
 * provides its URL to the tests as `inject('postgresUrl')`. Tests isolate themselves with a
 * fresh schema (or database) of a random name. If `ELEANOR_TEST_PG_URL` is set, that server is
 * used instead and nothing is started.
 *
 * Missing PostgreSQL binaries fail the run with a clear message; the tests are never skipped.
 *
 * @module
 */
import type { TestProject } from 'vitest/node';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of the shared test database. */
    postgresUrl: string;
  }
}

let cluster: PostgresCluster | undefined;

/** Start the shared cluster (or adopt `ELEANOR_TEST_PG_URL`) and provide its URL. */
export async function setup(project: TestProject): Promise<void> {
  const external = process.env.ELEANOR_TEST_PG_URL;
  if (external) {
    project.provide('postgresUrl', external);
    return;
  }
  cluster = await startPostgresCluster();
  project.provide('postgresUrl', cluster.url);
}

/** Stop the shared cluster and remove its directory. */
export async function teardown(): Promise<void> {
  await cluster?.stop();
  cluster = undefined;
}
