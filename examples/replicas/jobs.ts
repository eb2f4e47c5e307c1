/**
 * Many replicas, one schedule: run this module in three processes (or on three machines)
 * against one PostgreSQL, and each tick of `digest` runs once across all of them, with one
 * execution of a job at a time and failover when a replica dies. See docs/guide/replicas.md.
 *
 * 1. A PostgreSQL, 13 or newer (here a throwaway container; any server you already run will do):
 *
 *      docker run --rm -d --name eleanor-pg -e POSTGRES_PASSWORD=secret -p 5432:5432 postgres:15
 *      export DATABASE_URL=postgres://postgres:secret@127.0.0.1:5432/postgres
 *
 * 2. Three replicas, in three terminals. Same module, same database; each gets its own HTTP port
 *    (or `--port 0`) and its own owner id (`hostname:pid:random`, automatic):
 *
 *      eleanor-jobs run examples/replicas/jobs.ts --store "$DATABASE_URL" --port 8321 --lease-ttl 6 --poll-interval 1
 *      eleanor-jobs run examples/replicas/jobs.ts --store "$DATABASE_URL" --port 8322 --lease-ttl 6 --poll-interval 1
 *      eleanor-jobs run examples/replicas/jobs.ts --store "$DATABASE_URL" --port 8323 --lease-ttl 6 --poll-interval 1
 *
 *    (`eleanor-jobs` is `npx eleanor-jobs` where the package is installed; from this repository,
 *    `npm run build` and then `node dist/cli/main.js` instead.) The first replica creates the
 *    schema `eleanor` and its tables; the others find them migrated.
 *
 * 3. Watch the logs: every five seconds exactly one replica logs "digest sent", a different one
 *    now and then. `eleanor-jobs history digest --store "$DATABASE_URL"` lists the runs with
 *    the replica (owner) that ran each.
 *
 * 4. Kill one with `kill -9` while it runs the digest: its run stays `running` until the
 *    lease (6 s here) lapses, then another replica takes the next tick and marks the killed
 *    run `interrupted`. Ctrl-C (SIGTERM) stops a replica cleanly: it finishes or aborts its
 *    execution, records it and releases its leases at once.
 *
 * The leases live in the database, on its clock: replica clocks do not need to agree, and
 * there is no leader to elect. With the defaults (`--lease-ttl 15 --poll-interval 5`) a dead
 * replica's jobs move within about 20 s; the flags above make the demo quicker.
 */
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { BaseJob, type RunContext } from 'eleanor-jobs';

/** Which process this is, for the logs. */
const replica = `${hostname()}:${process.pid}`;

/**
 * A job that must not run twice for one tick: it "sends" a digest every five seconds. The
 * work takes a moment and honours its signal, which aborts if this replica loses the job's
 * lease (it froze, or lost the database for longer than the lease) or is asked to stop.
 */
class Digest extends BaseJob {
  async execute(signal: AbortSignal, run: RunContext): Promise<void> {
    const tick = run.scheduledAt?.toISOString();
    await sleep(750, undefined, { signal }); // the work; pass the signal on to what you call
    this.logger.info({ replica, tick, trigger: run.trigger, reason: run.reason }, 'digest sent');
  }
}

/**
 * An interval job: it runs on whichever replica holds its lease, and keeps the lease while it
 * sleeps between runs; the others wait and take over when that replica stops renewing it.
 */
class RefreshCache extends BaseJob {
  execute(_signal: AbortSignal, run: RunContext): void {
    this.logger.info({ replica, trigger: run.trigger }, 'cache refreshed');
  }
}

/** Every 5 s (6-field cron: seconds first). One run per tick across all replicas. */
export const digest = new Digest({ name: 'digest', cron: '*/5 * * * * *', misfire: 'once' });

/** Every 10 s after the previous run ended, on one replica at a time. */
export const refreshCache = new RefreshCache({ name: 'refresh-cache', interval: 10, triggerOnStart: true });
