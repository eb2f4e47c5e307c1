/**
 * `eleanor-jobs run --store postgres://…` against the test cluster, on a database of its own.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunsResponse } from '../../src/http/api-routes.js';
import { randomSchemaName, withClient } from '../helpers/postgres-cluster.js';
import { CliProcess, eventually, runCli, tempDir, writeModule } from './fixtures/cli-process.js';

const adminUrl = inject('postgresUrl');
const database = randomSchemaName('cli');
let storeUrl: string;

beforeAll(async () => {
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${database}`));
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  storeUrl = url.toString();
});

afterAll(async () => {
  await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
});

describe('eleanor-jobs run on PostgreSQL', () => {
  it('records runs in PostgreSQL, stops on SIGTERM, and shows them with history', async () => {
    const dir = tempDir();
    const module = writeModule(dir, 'jobs.ts', "class Tick extends BaseJob { async execute() {} }\nexport const tick = new Tick({ name: 'tick', interval: 0.2 });");
    const cli = new CliProcess(['run', module, '--store', storeUrl, '--port', '0'], dir);
    try {
      const url = await cli.url();
      expect((await cli.waitForLog('runner-start')).store).toBe('postgres');
      await eventually(async () => {
        const { runs } = (await (await fetch(`${url}/api/jobs/tick/runs`, { signal: AbortSignal.timeout(10_000) })).json()) as RunsResponse;
        return runs.filter((run) => run.status === 'ok').length >= 3 ? true : undefined;
      });
      cli.child.kill('SIGTERM');
      expect((await cli.exited).code).toBe(0);
    } finally {
      cli.child.kill('SIGKILL');
    }
    const history = await runCli(['history', 'tick', '-n', '2', '--store', storeUrl], dir);
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/^tick: \d+ trigger\(s\) in all; latest 2 run\(s\), newest first\n/);
  }, 180_000);

  it('reports an unreachable server in one line, without the password', async () => {
    const result = await runCli(['history', 'tick', '--store', 'postgres://someone:hunter2@127.0.0.1:1/nowhere'], tempDir());
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('eleanor-jobs: PostgreSQL (127.0.0.1:1/nowhere) open failed: connect ECONNREFUSED 127.0.0.1:1 [ECONNREFUSED]\n');
  }, 30_000);
});
