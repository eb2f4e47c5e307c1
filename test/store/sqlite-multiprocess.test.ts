import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { FixtureProcess } from './fixtures/fixture-process.js';

const FIRST_TICK = Date.UTC(2030, 0, 1);

describe('SqliteStore across processes', () => {
  let dir: string;
  let path: string;
  const children: FixtureProcess[] = [];

  function start(script: string, args: readonly string[]): FixtureProcess {
    const child = new FixtureProcess(script, args);
    children.push(child);
    return child;
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eleanor-multiprocess-'));
    path = join(dir, 'nested', 'jobs.db');
  });

  afterEach(async () => {
    for (const child of children.splice(0)) await child.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it('lets exactly one of several processes claim each tick', { timeout: 120_000 }, async () => {
    const processes = 4;
    const ticks = 200;
    const racers = Array.from({ length: processes }, (_, i) =>
      start('claim-racer.ts', [path, `racer-${i}`, String(ticks), String(FIRST_TICK), '15']),
    );
    for (const racer of racers) await racer.waitFor((lines) => lines.includes('ready'), 30_000);
    const startAt = Date.now() + 100;
    for (const racer of racers) racer.send(`go ${startAt}`);
    for (const racer of racers) await racer.waitFor((lines) => lines.some((l) => l.startsWith('done ')), 90_000);
    expect(await Promise.all(racers.map((r) => r.exited))).toEqual(racers.map(() => 0));

    const wonTicks = racers.flatMap((r) => r.lines.filter((l) => l.startsWith('won ')).map((l) => Number(l.split(' ')[1])));
    expect(wonTicks).toHaveLength(ticks);
    expect(new Set(wonTicks).size).toBe(ticks);
    const winners = racers.filter((r) => r.lines.some((l) => l.startsWith('won ')));
    expect(winners.length, 'the processes really raced (more than one won some tick)').toBeGreaterThan(1);

    const store = new SqliteStore({ path });
    await store.open();
    const runs = await store.listRuns({ job: 'raced', limit: 10_000 });
    await store.close();
    expect(runs).toHaveLength(ticks);
    expect(new Set(runs.map((r) => r.tickAt)).size).toBe(ticks);
    expect(runs.every((r) => r.status === 'ok')).toBe(true);
    expect(runs.map((r) => r.trigger).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
      Array.from({ length: ticks }, (_, i) => i + 1),
    );
  });

  /** Opens the store after a crash and checks what the killed writer reported against it. */
  async function checkAfterCrash(writer: FixtureProcess): Promise<{ interrupted: number }> {
    const claimed = writer.lines.filter((l) => l.startsWith('claimed ')).map((l) => l.slice('claimed '.length));
    const finished = new Set(writer.lines.filter((l) => l.startsWith('finished ')).map((l) => l.slice('finished '.length)));
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();

    const store = new SqliteStore({ path });
    await store.open();
    try {
      const byId = new Map((await store.listRuns({ job: 'written', limit: 1_000_000 })).map((r) => [r.id, r]));
      for (const id of claimed) expect(byId.get(id), `run ${id} was reported committed`).toBeDefined();
      for (const id of finished) expect(byId.get(id)?.status).toBe('ok');
      // At most the newest run can be in progress; a run reported claimed but not finished is
      // either in progress or finished just before the kill, before the child could say so.
      const running = [...byId.values()].filter((r) => r.status === 'running');
      expect(running.length).toBeLessThanOrEqual(1);
      if (running[0] !== undefined) expect(Number(running[0].id)).toBe(Math.max(...[...byId.keys()].map(Number)));
      for (const id of claimed.filter((c) => !finished.has(c))) expect(['running', 'ok']).toContain(byId.get(id)?.status);

      expect(await store.interruptStaleRuns('writer')).toBe(running.length);
      for (const run of running) {
        const [after] = await store.listRuns({ job: 'written', beforeId: String(Number(run.id) + 1), limit: 1 });
        expect(after).toMatchObject({ id: run.id, status: 'interrupted' });
      }
      expect((await store.listRuns({ job: 'written', limit: 1_000_000 })).filter((r) => r.status === 'running')).toEqual([]);
      const state = await store.loadState('written');
      expect(state?.triggerCount).toBe(byId.size);
      return { interrupted: running.length };
    } finally {
      await store.close();
    }
  }

  it('keeps every committed run when the writer is SIGKILLed mid-write', { timeout: 120_000 }, async () => {
    let committed = 0;
    for (let round = 0; round < 4; round += 1) {
      const writer = start('crash-writer.ts', [path, 'writer', '0']);
      const target = 50 + Math.floor(Math.random() * 150);
      await writer.waitFor((lines) => lines.filter((l) => l.startsWith('claimed ')).length >= target, 60_000);
      await writer.kill();
      await checkAfterCrash(writer);
      committed += writer.lines.filter((l) => l.startsWith('claimed ')).length;
    }
    expect(committed).toBeGreaterThanOrEqual(200);
  });

  it('marks the run in progress at the kill as interrupted at the next start', { timeout: 60_000 }, async () => {
    const writer = start('crash-writer.ts', [path, 'writer', '200']);
    await writer.waitFor((lines) => lines.filter((l) => l.startsWith('claimed ')).length >= 3, 30_000);
    await writer.kill();
    const last = writer.lines.at(-1) ?? '';
    expect(last).toMatch(/^claimed /);
    expect(await checkAfterCrash(writer)).toEqual({ interrupted: 1 });
    const store = new SqliteStore({ path });
    await store.open();
    expect((await store.listRuns({ limit: 1 }))[0]).toMatchObject({ id: last.slice('claimed '.length), status: 'interrupted' });
    await store.close();
  });
});
