// Store speed against history size (issue 13): µs per claimRun, finishRun and prune with 10
// and with 1,000 runs kept per job, for the memory, SQLite and PostgreSQL stores. A speed
// figure, printed; nothing here passes or fails. PostgreSQL runs in a throwaway cluster (the
// test suite's helper, loaded through tsx); `--stores memory,sqlite` leaves it out.
//
// Each case fills `--jobs` jobs with `size` finished runs each (skipTicks), then runs one
// warm-up round and `--rounds` timed rounds over every job: claim the next tick, finish it,
// prune back to `size` finished runs (so each prune deletes one row); leases are released
// between steps, untimed, as the runner releases a cron job's lease after each run. Times are
// wall-clock per call, awaited one at a time, on the built package (run `npm run build` first).
//   node benchmarks/store/store-speed.mjs [--jobs 100] [--rounds 5] [--sizes 10,1000] [--stores memory,sqlite,postgres]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MemoryStore } from 'eleanor-jobs';
import { PostgresStore } from 'eleanor-jobs/postgres';
import { SqliteStore } from 'eleanor-jobs/sqlite';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '5' },
    sizes: { type: 'string', default: '10,1000' },
    stores: { type: 'string', default: 'memory,sqlite,postgres' },
  },
});
const jobs = Array.from({ length: Number(values.jobs) }, (_, i) => `job-${i}`);
const rounds = Number(values.rounds);
const sizes = values.sizes.split(',').map(Number);
const kinds = values.stores.split(',');
const T0 = Date.UTC(2030, 0, 1);
const tick = (n) => T0 + n * 1_000;
const LEASE_MS = 60_000;

/** Opens a store of `kind` on an empty database; returns it with its cleanup. */
async function openStore(kind, postgres) {
  if (kind === 'memory') return { store: new MemoryStore(), cleanup: async () => {} };
  if (kind === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'eleanor-bench-'));
    return { store: new SqliteStore({ path: join(dir, 'jobs.db') }), cleanup: () => rm(dir, { recursive: true, force: true }) };
  }
  const schema = postgres.randomSchemaName('bench');
  return { store: new PostgresStore({ connectionString: postgres.cluster.url, schema }), cleanup: () => postgres.dropSchema(postgres.cluster.url, schema) };
}

/** Microseconds `operation` takes per call, over `calls` calls made one after another. */
async function timePerCall(calls, operation) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await operation(i);
  return Number(process.hrtime.bigint() - start) / 1_000 / calls;
}

/** One case: `size` finished runs per job, then `rounds` of claim, finish, prune over every job. */
async function measure(kind, size, postgres) {
  const { store, cleanup } = await openStore(kind, postgres);
  await store.open();
  try {
    const history = Array.from({ length: size }, (_, i) => tick(i));
    for (const job of jobs) await store.skipTicks({ job, owner: 'bench', ticks: history, status: 'skipped' });
    const totals = { claim: 0, finish: 0, prune: 0 };
    // Round 0 warms up and is not counted.
    for (let round = 0; round <= rounds; round++) {
      const weight = round === 0 ? 0 : 1;
      const claims = [];
      totals.claim += weight * await timePerCall(jobs.length, async (i) => {
        claims[i] = await store.claimRun({ job: jobs[i], owner: 'bench', tickAt: tick(size + round), startedAt: Date.now(), leaseMs: LEASE_MS });
      });
      totals.finish += weight * await timePerCall(jobs.length, (i) => store.finishRun(claims[i].runId, { status: 'ok', endedAt: Date.now(), error: null }));
      // As the runner does for cron jobs: the lease goes back after each run, so the next claim takes it anew.
      for (const [i, job] of jobs.entries()) await store.releaseLease(job, 'bench', claims[i].fence);
      totals.prune += weight * await timePerCall(jobs.length, (i) => store.prune(jobs[i], size));
    }
    const kept = await store.listRuns({ job: jobs[0], limit: size + 10 });
    if (kept.length !== size) throw new Error(`${kind}: expected ${size} runs kept, found ${kept.length}`);
    return { claim: totals.claim / rounds, finish: totals.finish / rounds, prune: totals.prune / rounds };
  } finally {
    await store.close();
    await cleanup();
  }
}

let postgres = null;
if (kinds.includes('postgres')) {
  const { register } = await import('tsx/esm/api');
  register();
  const helpers = await import('../../test/helpers/postgres-cluster.ts');
  postgres = { ...helpers, cluster: await helpers.startPostgresCluster() };
}
try {
  console.log(`${jobs.length} jobs, ${rounds} rounds; µs per call (node ${process.version})`);
  console.log('store      runs/job   claim µs  finish µs   prune µs');
  for (const kind of kinds) {
    for (const size of sizes) {
      const figures = await measure(kind, size, postgres);
      const cell = (value) => value.toFixed(1).padStart(10);
      console.log(`${kind.padEnd(10)} ${String(size).padStart(8)} ${cell(figures.claim)} ${cell(figures.finish)} ${cell(figures.prune)}`);
    }
  }
} finally {
  await postgres?.cluster.stop();
}
