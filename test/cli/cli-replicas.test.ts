import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReplicasResponse } from '../../src/http/replicas-route.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runCli, tempDir } from './fixtures/cli-process.js';

describe('eleanor-jobs replicas', () => {
  it('prints the replicas of a store with their leases, text escaped for the terminal, or as JSON', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const path = join(dir, 'jobs.db');
    const store = new SqliteStore({ path });
    await store.open();
    const startedAt = Date.UTC(2026, 0, 5, 12, 0, 0);
    await store.replicas.heartbeat({ owner: 'web-1:10:aa', host: 'web\u202eevil', pid: 10, version: '0.1.0', startedAt, heartbeatMs: 60_000 });
    await store.replicas.heartbeat({ owner: 'web-2:20:bb', host: 'web-2', pid: 20, version: '0.1.0', startedAt, heartbeatMs: 60_000 });
    await store.replicas.markStopped('web-2:20:bb');
    for (const job of ['a', 'b', 'c', 'd']) await store.acquireLease(job, 'web-1:10:aa', 600_000);
    await store.close();

    const text = await runCli(['replicas', '--store', path, '--tz', 'UTC'], dir);
    expect(text.code).toBe(0);
    const lines = text.stdout.trim().split('\n');
    expect(lines[0]).toBe('2 replica(s), 1 running; stale = no heartbeat for 3 of its intervals (store clock)');
    expect(lines[1]).toMatch(/^OWNER +HOST +PID +VERSION +STATUS +STARTED +LAST SEEN +LEASES$/);
    expect(lines[2]).toMatch(/^web-1:10:aa +web\\u\{202e\}evil +10 +0\.1\.0 +running +2026-01-05 12:00:00 (GMT|UTC)\S* +\S+ \S+ \S+ +4: a, b, c \+1$/);
    expect(lines[3]).toMatch(/^web-2:20:bb +web-2 +20 +0\.1\.0 +stopped .* -$/);
    expect(text.stdout).not.toContain('\u202e');

    const json = await runCli(['replicas', '--store', path, '--json'], dir);
    const body = JSON.parse(json.stdout) as ReplicasResponse;
    expect(body.replicas.map((replica) => [replica.owner, replica.status, replica.leaseCount, replica.self])).toEqual([
      ['web-1:10:aa', 'running', 4, false],
      ['web-2:20:bb', 'stopped', 0, false],
    ]);
    expect(body.replicas[0]?.host).toBe('web\u202eevil');
  });

  it('says so when no replica ever heartbeated into the store', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const path = join(dir, 'empty.db');
    const store = new SqliteStore({ path });
    await store.open();
    await store.close();
    const result = await runCli(['replicas', '--store', path], dir);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`eleanor-jobs: no replica has heartbeated into ${path} (runners heartbeat while they run)`);
  });
});
