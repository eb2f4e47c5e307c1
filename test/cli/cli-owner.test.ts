/**
 * `eleanor-jobs run --owner` / `ELEANOR_OWNER`: a process killed with SIGKILL and restarted at
 * once with the same identity runs the next tick without waiting for its old lease to expire;
 * another identity waits, and says in the log whose lease it waits for and until when.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunsResponse } from '../../src/http/api-routes.js';
import type { RunView } from '../../src/http/views.js';
import { CliProcess, eventually, killAll, tempDir, writeModule } from './fixtures/cli-process.js';

/** Every second, an execution that outlives the process: the lease is held when it is killed. */
const HOLDER = `
class Hold extends BaseJob {
  async execute(signal) { await sleep(600_000, undefined, { signal }); }
}
export const hold = new Hold({ name: 'hold', cron: '* * * * * *' });
`;

/** Far longer than the test may take: a restart that waited for it would time out. */
const LEASE_TTL = '120';

const running: CliProcess[] = [];

afterEach(() => killAll(running.splice(0)));

function start(dir: string, args: readonly string[], env: Record<string, string> = {}): CliProcess {
  const cli = new CliProcess(['run', ...args, '--port', '0', '--lease-ttl', LEASE_TTL, '--poll-interval', '0.2'], dir, env);
  running.push(cli);
  return cli;
}

async function runs(url: string): Promise<RunView[]> {
  const response = await fetch(`${url}/api/jobs/hold/runs?limit=100`, { signal: AbortSignal.timeout(10_000) });
  return ((await response.json()) as RunsResponse).runs;
}

/** Starts a holder and kills it with SIGKILL while its run holds the lease; returns that run. */
async function crashWhileRunning(dir: string, args: readonly string[], env: Record<string, string> = {}): Promise<RunView> {
  const first = start(dir, args, env);
  const url = await first.url();
  const run = await eventually(async () => (await runs(url)).find((candidate) => candidate.status === 'running'), 30_000);
  first.child.kill('SIGKILL');
  expect((await first.exited).signal).toBe('SIGKILL');
  return run;
}

describe('eleanor-jobs run --owner', () => {
  it('after SIGKILL, a restart with the same owner interrupts its dead run and runs the next tick at once', async () => {
    const dir = tempDir();
    const module = writeModule(dir, 'jobs.ts', HOLDER);
    const store = join(dir, 'jobs.db');
    const dead = await crashWhileRunning(dir, [module, '--store', store, '--owner', 'worker-1']);
    expect(dead.owner).toBe('worker-1');

    const second = start(dir, [module, '--store', store], { ELEANOR_OWNER: 'worker-1' });
    expect((await second.waitForLog('runner-start')).owner).toBe('worker-1');
    expect(await second.waitForLog('interrupted-runs')).toMatchObject({ count: 1 });
    const url = await second.url();
    // Within seconds, far below the 120 s lease the dead process left behind.
    const fresh = await eventually(async () => (await runs(url)).find((run) => run.status === 'running' && run.id !== dead.id), 20_000);
    expect(fresh.owner).toBe('worker-1');
    expect(fresh.tickAt as number).toBeGreaterThan(dead.tickAt as number);
    expect((await runs(url)).find((run) => run.id === dead.id)).toMatchObject({ status: 'interrupted', owner: 'worker-1' });
    expect(second.logs().some((line) => line.event === 'lease-wait')).toBe(false);
  }, 120_000);

  it('a restart under another owner waits for the lease and logs once whose lease it is and when it expires', async () => {
    const dir = tempDir();
    const module = writeModule(dir, 'jobs.ts', HOLDER);
    const store = join(dir, 'jobs.db');
    const dead = await crashWhileRunning(dir, [module, '--store', store, '--owner', 'worker-1']);

    const second = start(dir, [module, '--store', store, '--owner', 'worker-2']);
    const wait = await second.waitForLog('lease-wait');
    expect(wait).toMatchObject({ job: 'hold', holder: 'worker-1' });
    expect(wait.expiresAt as number).toBeGreaterThan(dead.startedAt as number);
    const url = await second.url();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(second.logs().filter((line) => line.event === 'lease-wait')).toHaveLength(1);
    expect((await runs(url)).filter((run) => run.status === 'running').map((run) => run.id)).toEqual([dead.id]);
  }, 120_000);
});
