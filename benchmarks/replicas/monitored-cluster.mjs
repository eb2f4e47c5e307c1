// A throwaway PostgreSQL cluster for a replicas benchmark (the test suite's helper, fsync=off,
// loaded through tsx), with a monitoring connection and the server's pid (for its CPU).
import pg from 'pg';
import { register } from 'tsx/esm/api';
import { postmasterPid } from './pg-counters.mjs';
import { parentPid } from './process-cpu.mjs';

register();
const { startPostgresCluster } = await import('../../test/helpers/postgres-cluster.ts');

/**
 * Starts a cluster, connects a monitoring client, calls `body({ url, monitor, serverPid })`, then
 * closes the client and stops the cluster (also when `body` throws); resolves with `body`'s result.
 */
export async function withMonitoredCluster(body) {
  const cluster = await startPostgresCluster();
  const monitor = new pg.Client({ connectionString: cluster.url });
  try {
    await monitor.connect();
    return await body({ url: cluster.url, monitor, serverPid: await postmasterPid(monitor, parentPid) });
  } finally {
    await monitor.end().catch(() => undefined);
    await cluster.stop();
  }
}
