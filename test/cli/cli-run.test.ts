/**
 * `eleanor-jobs run` as a subprocess, with real time: start, probes, runs recorded, graceful
 * and forced shutdown, and a SIGKILL followed by a restart on the same SQLite store.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunsResponse } from '../../src/http/api-routes.js';
import type { RunView } from '../../src/http/views.js';
import { CliProcess, eventually, runCli, tempDir, writeModule } from './fixtures/cli-process.js';

const JOBS = `
class Tick extends BaseJob { async execute() {} }
class Slow extends BaseJob {
  async execute(signal) { await sleep(1500, undefined, { signal }); }
}
export const tick = new Tick({ name: 'tick', interval: 0.2 });
export const slow = new Slow({ name: 'slow', interval: 0.1, triggerOnStart: true });
`;

const STUBBORN = `
class Stubborn extends BaseJob {
  async execute() { await sleep(60_000); }
}
export const stubborn = new Stubborn({ name: 'stubborn', interval: 60, triggerOnStart: true });
`;

const running: CliProcess[] = [];

afterEach(async () => {
  for (const cli of running.splice(0)) {
    if (cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill('SIGKILL');
      await cli.exited;
    }
  }
});

function start(dir: string, args: readonly string[], env: Record<string, string> = {}): CliProcess {
  const cli = new CliProcess(['run', ...args, '--port', '0', '--lease-ttl', '1', '--poll-interval', '0.2'], dir, env);
  running.push(cli);
  return cli;
}

async function runs(url: string, job: string): Promise<RunView[]> {
  const response = await fetch(`${url}/api/jobs/${job}/runs?limit=1000`, { signal: AbortSignal.timeout(10_000) });
  return ((await response.json()) as RunsResponse).runs;
}

describe('eleanor-jobs run', () => {
  it('serves probes, records runs, and exits 0 on SIGTERM within the shutdown timeout', async () => {
    const dir = tempDir();
    const module = writeModule(dir, 'jobs.ts', JOBS);
    const store = join(dir, 'state', 'jobs.db');
    const cli = start(dir, [module, '--store', store, '--shutdown-timeout', '5'], { ELEANOR_TOKEN: 'from-env' });
    const url = await cli.url();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) })).status).toBe(200);
    await eventually(async () => ((await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(10_000) })).status === 200 ? true : undefined));
    expect((await fetch(`${url}/api/jobs/slow/trigger`, { method: 'POST', headers: { authorization: 'Bearer from-env' }, signal: AbortSignal.timeout(10_000) })).status).toBe(202);
    await eventually(async () => ((await runs(url, 'tick')).filter((run) => run.status === 'ok').length >= 3 ? true : undefined));

    const stopAt = Date.now();
    cli.child.kill('SIGTERM');
    const result = await cli.exited;
    const took = Date.now() - stopAt;
    expect(result.code).toBe(0);
    expect(took).toBeLessThan(5_000);
    expect(result.stderr).toBe('');
    const stop = cli.logs().find((line) => line.event === 'runner-stop');
    expect(stop).toMatchObject({ stopped: 2, notStopped: [] });

    const history = await runCli(['history', 'tick', '-n', '3', '--store', store], dir);
    expect(history.code).toBe(0);
    const lines = history.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^tick: \d+ trigger\(s\) in all; latest 3 run\(s\), newest first$/);
    expect(lines[1]).toMatch(/^ID\s+STATUS\s+TICK\s+STARTED\s+DURATION\s+TRIGGER\s+OWNER\s+ERROR$/);
    expect(lines.slice(2)).toHaveLength(3);
    expect(lines.slice(2).every((line) => /\bok\b/.test(line))).toBe(true);
  }, 180_000);

  it('after SIGKILL and a restart keeps every recorded run, marks the interrupted one, and counts on', async () => {
    const dir = tempDir();
    const module = writeModule(dir, 'jobs.ts', JOBS);
    const store = join(dir, 'jobs.db');

    const first = start(dir, [module, '--store', store]);
    const url = await first.url();
    const firstOwner = (await first.waitForLog('runner-start')).owner as string;
    await eventually(async () => {
      const slow = await runs(url, 'slow');
      return slow.some((run) => run.status === 'ok') && slow[0]?.status === 'running' && (await runs(url, 'tick')).length >= 3 ? true : undefined;
    });
    const before = [...(await runs(url, 'tick')), ...(await runs(url, 'slow'))];
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const wasRunning = before.filter((run) => run.status === 'running').map((run) => run.id);
    expect(wasRunning.length).toBeGreaterThanOrEqual(1);

    const second = start(dir, [module, '--store', store]);
    const url2 = await second.url();
    const secondOwner = (await second.waitForLog('runner-start')).owner as string;
    expect(secondOwner).not.toBe(firstOwner);
    const after = await eventually(async () => {
      const all = [...(await runs(url2, 'tick')), ...(await runs(url2, 'slow'))];
      const byId = new Map(all.map((run) => [run.id, run]));
      const settled = wasRunning.every((id) => byId.get(id)?.status !== 'running');
      const continued = all.some((run) => run.owner === secondOwner && run.job === 'slow' && run.status === 'ok');
      return settled && continued ? byId : undefined;
    }, 20_000);

    for (const run of before) {
      const now = after.get(run.id);
      expect(now, `run ${run.id} kept`).toBeDefined();
      if (run.status !== 'running') expect(now).toEqual(run);
    }
    const interrupted = wasRunning.map((id) => after.get(id)).filter((run) => run?.status === 'interrupted');
    expect(interrupted.length).toBeGreaterThanOrEqual(1);
    expect(interrupted[0]?.owner).toBe(firstOwner);

    for (const job of ['tick', 'slow']) {
      const triggers = [...after.values()].filter((run) => run.job === job && run.trigger !== null);
      const oldMax = Math.max(...triggers.filter((run) => run.owner === firstOwner).map((run) => run.trigger as number));
      const fresh = triggers.filter((run) => run.owner === secondOwner).map((run) => run.trigger as number);
      expect(Math.min(...fresh), `${job} counts on after ${oldMax}`).toBe(oldMax + 1);
      expect(new Set(triggers.map((run) => run.trigger)).size, `${job} trigger numbers unique`).toBe(triggers.length);
    }

    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  }, 180_000);

  it('exits non-zero when a job does not stop within the shutdown timeout', async () => {
    const dir = tempDir();
    const module = writeModule(dir, 'stubborn.ts', STUBBORN);
    const cli = start(dir, [module, '--store', join(dir, 'jobs.db'), '--shutdown-timeout', '1']);
    const url = await cli.url();
    await eventually(async () => ((await runs(url, 'stubborn'))[0]?.status === 'running' ? true : undefined));
    const stopAt = Date.now();
    cli.child.kill('SIGTERM');
    const result = await cli.exited;
    expect(result.code).toBe(1);
    expect(Date.now() - stopAt).toBeLessThan(5_000);
    expect(cli.logs().find((line) => line.event === 'runner-stop')).toMatchObject({ notStopped: ['stubborn'] });
  }, 180_000);

  it('exits at once with 130 on a second signal', async () => {
    const dir = tempDir();
    const module = writeModule(dir, 'stubborn.ts', STUBBORN);
    const cli = start(dir, [module, '--store', join(dir, 'jobs.db'), '--shutdown-timeout', '30']);
    const url = await cli.url();
    await eventually(async () => ((await runs(url, 'stubborn'))[0]?.status === 'running' ? true : undefined));
    cli.child.kill('SIGINT');
    await cli.waitForLog('shutdown');
    const secondAt = Date.now();
    cli.child.kill('SIGINT');
    const result = await cli.exited;
    expect(result.code).toBe(130);
    expect(Date.now() - secondAt).toBeLessThan(2_000);
    expect(cli.logs().some((line) => line.event === 'forced-exit')).toBe(true);
  }, 180_000);
});
