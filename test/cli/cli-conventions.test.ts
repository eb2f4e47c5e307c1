/**
 * CLI conventions: `--store` by URL with a closed list of schemes (and from the environment),
 * `validate` reporting every error, `--json`, `next --from`, `LOG_LEVEL` and `--log-format`
 * checked, and text from the store printed with its control characters made visible.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { CliProcess, tempDir, writeModule, type CliResult } from './fixtures/cli-process.js';

const cli = (args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> =>
  new CliProcess(args, cwd, { ELEANOR_STORE: '', DATABASE_URL: '', ...env }).exited;

/** Asserts exit code 1 and one stderr line, and returns that line. */
function failure(result: CliResult): string {
  expect(result.code, `stdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(1);
  const lines = result.stderr.split('\n').filter((line) => line !== '');
  expect(lines, result.stderr).toHaveLength(1);
  return lines[0] as string;
}

const T = Date.UTC(2026, 0, 5, 5, 0, 0);
/** An error as a hostile job could write it: clear screen, set the window title, overwrite the line. */
const HOSTILE_ERROR = 'Error: boom\x1b[2J\x1b]0;pwned\x07\rfake prompt $\n    at second line \x9b31m';

let dir: string;
let store: string;

beforeAll(async () => {
  dir = tempDir('eleanor-conventions-');
  store = join(dir, 'history.db');
  const sqlite = new SqliteStore({ path: store });
  await sqlite.open();
  const [claim] = await sqlite.claimRuns([{ job: 'report', owner: 'host:1:abc', tickAt: T, startedAt: T + 20, leaseMs: 60_000 }]);
  if (typeof claim !== 'object' || claim === null) throw new Error(`claim refused: ${String(claim)}`);
  await sqlite.finishRuns([{ runId: claim.runId, outcome: { status: 'failed', endedAt: T + 1_520, error: HOSTILE_ERROR } }]);
  const [chatty] = await sqlite.claimRuns([{ job: 'chatty', owner: 'host:1:abc', tickAt: null, startedAt: T, leaseMs: 60_000 }]);
  if (typeof chatty !== 'object' || chatty === null) throw new Error(`claim refused: ${String(chatty)}`);
  await sqlite.finishRuns([{ runId: chatty.runId, outcome: { status: 'failed', endedAt: T + 10, error: `Error: ${'x'.repeat(20_000)}` } }]);
  await sqlite.close();
});

describe('--store', () => {
  it.each([
    ['mysql://localhost/app', 'eleanor-jobs: --store: unsupported store scheme "mysql:" in "mysql://localhost/app"; use postgres://…, postgresql://…, sqlite:<path> or a file path, memory'],
    ['postgress://db/app', 'eleanor-jobs: --store: unsupported store scheme "postgress:" in "postgress://db/app"; use postgres://…, postgresql://…, sqlite:<path> or a file path, memory'],
    ['postgres://u:secret@db:99999/app', 'eleanor-jobs: --store: malformed PostgreSQL URL "postgres://u:***@db:99999/app": not a valid URL (expected postgres://user:password@host:port/database)'],
    ['sqlite:', 'eleanor-jobs: --store: "sqlite:" needs a file path, e.g. sqlite:./.eleanor/jobs.db'],
    ['memory', 'eleanor-jobs: --store memory keeps nothing between processes; there is nothing to read (pass --store <path | postgres URL>)'],
  ])('refuses %s naming --store, creating nothing', async (value, message) => {
    const cwd = tempDir();
    expect(failure(await cli(['history', 'report', '--store', value], cwd))).toBe(message);
    expect(existsSync(join(cwd, 'mysql:')) || existsSync(join(cwd, 'postgress:'))).toBe(false);
  });

  it('reads sqlite:<path> and a plain path alike', async () => {
    for (const value of [`sqlite:${store}`, store]) {
      const result = await cli(['history', 'report', '--store', value], dir);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^report: 1 trigger\(s\) in all/);
    }
  });

  it('comes from ELEANOR_STORE, then DATABASE_URL when it is a postgres URL; the flag wins', async () => {
    expect((await cli(['history', 'report'], dir, { ELEANOR_STORE: store })).code).toBe(0);
    expect(failure(await cli(['history', 'report'], dir, { ELEANOR_STORE: 'mysql://x/y' }))).toMatch(/^eleanor-jobs: --store \(from ELEANOR_STORE\): unsupported store scheme "mysql:"/);
    expect(failure(await cli(['history', 'report'], dir, { DATABASE_URL: 'postgres://u@db:x/app' }))).toMatch(/^eleanor-jobs: --store \(from DATABASE_URL\): malformed PostgreSQL URL/);
    // A DATABASE_URL of another kind belongs to something else: the default store is used.
    expect(failure(await cli(['history', 'report'], dir, { DATABASE_URL: 'mysql://x/y' }))).toBe('eleanor-jobs: no store at ./.eleanor/jobs.db (run some jobs first, or pass --store <path | postgres URL>)');
    expect((await cli(['history', 'report', '--store', store], dir, { ELEANOR_STORE: 'mysql://x/y', DATABASE_URL: 'postgres://u@db:x/app' })).code).toBe(0);
  });
});

describe('history', () => {
  it('shows control characters from the store escaped, never raw', async () => {
    const result = await cli(['history', 'report', '--store', store, '--tz', 'Europe/Berlin'], dir);
    expect(result.code, result.stderr).toBe(0);
    // eslint-disable-next-line no-control-regex -- the point: no control character but newlines
    expect(result.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    expect(result.stdout).toContain('Error: boom\\e[2J\\e]0;pwned\\x07\\rfake prompt $');
    expect(result.stdout).toContain('2026-01-05 06:00:00 GMT+1');
  });

  it('--full shows the whole error, every line, escaped', async () => {
    const result = await cli(['history', 'report', '--store', store, '--full', '--tz', 'UTC'], dir);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[1]).toMatch(/^ID\s+STATUS\s+TICK\s+STARTED\s+DURATION\s+TRIGGER\s+OWNER$/);
    expect(lines[2]).toMatch(/^1\s+failed\s+2026-01-05 05:00:00 GMT\+0\s+2026-01-05 05:00:00 GMT\+0\s+1\.5 s\s+1\s+host:1:abc$/);
    expect(lines[3]).toBe('    Error: boom\\e[2J\\e]0;pwned\\x07\\rfake prompt $');
    expect(lines[4]).toBe('        at second line \\x9b31m');
  });

  it('--full shows a runaway error as the store bounded it, saying how much was cut', async () => {
    const result = await cli(['history', 'chatty', '--store', store, '--full'], dir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`    Error: ${'x'.repeat(16_384 - 'Error: '.length)}\n    [cut: 3623 more characters, 20007 in all]`);
  });

  it('--json gives the runs as the HTTP API does, with every control character escaped', async () => {
    const result = await cli(['history', 'report', '--store', store, '--json'], dir);
    expect(result.code, result.stderr).toBe(0);
    // eslint-disable-next-line no-control-regex -- as above
    expect(result.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    const parsed = JSON.parse(result.stdout) as { job: string; triggerCount: number; runs: { status: string; error: string; durationMs: number }[] };
    expect(parsed).toMatchObject({ job: 'report', triggerCount: 1 });
    expect(parsed.runs[0]).toMatchObject({ status: 'failed', error: HOSTILE_ERROR, durationMs: 1_500 });
  });
});

describe('validate', () => {
  it('checks every file and reports every error, one line each', async () => {
    const good = writeModule(dir, 'good.ts', `class R extends BaseJob { execute() {} }\nexport const r = new R({ name: 'r', interval: 5 });`);
    const notJob = writeModule(dir, 'not-a-job.ts', 'export const limit = 42;');
    const invalid = writeModule(dir, 'invalid.ts', `class R extends BaseJob { execute() {} }\nexport const bad = new R({ name: 'bad', interval: -1 });`);
    const result = await cli(['validate', good, notJob, invalid, join(dir, 'missing.ts')], dir);
    expect(result.code).toBe(1);
    const errors = result.stderr.trim().split('\n');
    expect(errors).toHaveLength(3);
    expect(errors[0]).toBe(`eleanor-jobs: ${notJob}: export "limit" is not a job (got 42); export only job instances or arrays of them`);
    expect(errors[1]).toMatch(new RegExp(`^eleanor-jobs: ${invalid}: invalid job: .*interval`));
    expect(errors[2]).toBe(`eleanor-jobs: ${join(dir, 'missing.ts')}: no such file`);
    expect(result.stdout).toContain('1 job(s) valid; 3 error(s)');
  });

  it('warns of a cron schedule that never fires, and --json says it all', async () => {
    const never = writeModule(dir, 'never.ts', `class R extends BaseJob { execute() {} }\nexport const feb30 = new R({ name: 'feb30', cron: '0 0 30 2 *' });`);
    const text = await cli(['validate', never], dir);
    expect(text.code).toBe(0);
    expect(text.stderr.trim()).toBe(`eleanor-jobs: warning: ${never}: job "feb30": cron "0 0 30 2 *" never fires; check the day of month against the month`);
    const json = await cli(['validate', never, join(dir, 'missing.ts'), '--json'], dir);
    expect(json.code).toBe(1);
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toEqual({
      valid: false,
      jobs: [{ file: never, export: 'feb30', name: 'feb30', class: 'R', schedule: expect.any(String), cron: '0 0 30 2 *', interval: null, timezone: null, nextRunAt: null }],
      errors: [`${join(dir, 'missing.ts')}: no such file`],
      warnings: [`${never}: job "feb30": cron "0 0 30 2 *" never fires; check the day of month against the month`],
    });
  });
});

describe('next', () => {
  it('--from counts from the instant given; --json gives UTC and local times with the offset', async () => {
    const result = await cli(['next', '30 2 * * *', '--tz', 'Europe/Berlin', '-n', '2', '--from', '2026-03-28T12:00:00Z', '--json'], dir);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      expression: '30 2 * * *',
      timezone: 'Europe/Berlin',
      description: 'At 02:30',
      // 02:30 does not exist on 2026-03-29 in Berlin (the clocks jump): it runs at 03:00 (Vixie cron).
      runs: [
        { utc: '2026-03-29T01:00:00Z', local: '2026-03-29T03:00:00+02:00' },
        { utc: '2026-03-30T00:30:00Z', local: '2026-03-30T02:30:00+02:00' },
      ],
    });
  });

  it('refuses an instant without an offset', async () => {
    expect(failure(await cli(['next', '* * * * *', '--from', '2026-03-28 12:00'], dir))).toBe(
      'eleanor-jobs: --from must be an ISO 8601 instant with Z or an offset, e.g. 2026-03-29T00:00:00Z or 2026-03-29T02:00:00+02:00; got "2026-03-28 12:00"',
    );
  });
});

describe('logging options', () => {
  it('refuses an invalid LOG_LEVEL with the valid list, before loading anything', async () => {
    expect(failure(await cli(['run', join(dir, 'good.ts'), '--port', '0'], dir, { LOG_LEVEL: 'verbose' }))).toBe(
      'eleanor-jobs: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "verbose"',
    );
  });

  it('--log-format pretty shows control characters in messages escaped', async () => {
    const loud = writeModule(dir, 'loud.ts', `class Loud extends BaseJob { execute() { this.logger.info('clear\\x1b[2J title\\x1b]0;pwned\\x07 done'); } }\nexport const loud = new Loud({ name: 'loud', interval: 3600, triggerOnStart: true });`);
    const service = new CliProcess(['run', loud, '--port', '0', '--store', 'memory', '--log-format', 'pretty'], dir);
    const deadline = Date.now() + 20_000;
    while (!service.stdout.includes(' done') && Date.now() < deadline && service.child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 50));
    service.child.kill('SIGTERM');
    const result = await service.exited;
    expect(result.stdout).toContain('loud: clear\\e[2J title\\e]0;pwned\\x07 done');
    // eslint-disable-next-line no-control-regex -- no escape sequence at all: not a terminal, so no colours either
    expect(result.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    expect(result.stdout).not.toMatch(/^\{/m);
  });

  it('refuses an unknown --log-format', async () => {
    expect(failure(await cli(['run', join(dir, 'good.ts'), '--log-format', 'xml'], dir))).toBe('eleanor-jobs: --log-format must be one of pretty, json; got "xml"');
  });
});
