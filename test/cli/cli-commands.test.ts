/**
 * The CLI's one-shot commands and every bad input: exit code 1 and exactly one line on stderr.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeModule, type CliResult } from './fixtures/cli-process.js';

let dir: string;
let good: string;

beforeAll(() => {
  dir = tempDir();
  good = writeModule(
    dir,
    'good.ts',
    `class Report extends BaseJob { execute() {} }
export const report = new Report({ name: 'report', cron: '0 6 * * 1-5', timezone: 'Europe/Berlin', retryBackoff: { factor: 2, max: 60 } });
export const both = [new Report({ name: 'sampler', interval: 30, timeout: 5 }), new Report({ name: 'warmup', interval: 300, triggerOnStart: true })];`,
  );
});

/** Asserts exit code 1 and one stderr line, and returns that line. */
function failure(result: CliResult): string {
  expect(result.code, `stdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(1);
  const lines = result.stderr.split('\n').filter((line) => line !== '');
  expect(lines, result.stderr).toHaveLength(1);
  return lines[0] as string;
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('eleanor-jobs next', () => {
  it('prints the fire times in the zone and in UTC, and the expression in words', async () => {
    const result = await runCli(['next', '0 6 * * 1-5', '--tz', 'Europe/Berlin', '-n', '3'], dir);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe('0 6 * * 1-5: At 06:00, Monday through Friday (Europe/Berlin)');
    expect(lines.slice(1)).toHaveLength(3);
    for (const line of lines.slice(1)) expect(line).toMatch(/^ {2}\d{4}-\d\d-\d\d 06:00:00 GMT\+[12] {3}\d{4}-\d\d-\d\dT0[45]:00:00Z$/);
  });

  it.each([
    [['next', '*/61 * * * *'], /^eleanor-jobs: invalid cron expression "\*\/61 \* \* \* \*": .+$/],
    [['next', '0 6 * * *', '--tz', 'Mars/Olympus'], /^eleanor-jobs: unknown time zone "Mars\/Olympus"; expected an IANA name/],
    [['next', '0 6 * * *', '-n', '0'], /^eleanor-jobs: -n must be an integer from 1 to 1000, got "0"$/],
    [['next'], /^eleanor-jobs: missing required argument 'cron'$/],
    [['next', '* * * * *', '--bogus'], /^eleanor-jobs: unknown option '--bogus'/],
    [['frobnicate'], /^eleanor-jobs: unknown command 'frobnicate'$/],
  ])('refuses %j in one line', async (args, message) => {
    expect(failure(await runCli(args, dir))).toMatch(message);
  });
});

describe('eleanor-jobs validate', () => {
  it('prints what each job will do', async () => {
    const result = await runCli(['validate', good], dir);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe(good);
    // Module namespaces list exports by name: `both` (sampler, warmup), then `report`.
    expect(lines[3]).toMatch(/^ {2}report \(Report\): At 06:00, Monday through Friday; 0 6 \* \* 1-5 in Europe\/Berlin, next \d{4}-\d\d-\d\d 06:00:00 GMT\+[12], misfire once; retry after 10 s, x2 up to 60 s$/);
    expect(lines[1]).toBe('  sampler (Report): Every 30 seconds; first run 30 s after start; retry after 10 s, timeout 5 s');
    expect(lines[2]).toBe('  warmup (Report): Every 5 minutes; first run at start; retry after 10 s');
    expect(lines[4]).toBe('3 job(s) valid');
  });

  it('fails on the first bad module', async () => {
    const bad = writeModule(dir, 'not-a-job.ts', 'export const limit = 42;');
    expect(failure(await runCli(['validate', good, bad], dir))).toBe(
      `eleanor-jobs: ${bad}: export "limit" is not a job (got 42); export only job instances or arrays of them`,
    );
  });
});

describe('bad inputs to run', () => {
  it('a module that fails to import', async () => {
    const broken = writeModule(dir, 'broken.ts', 'export const = ;');
    expect(failure(await runCli(['run', broken], dir))).toMatch(new RegExp(`^eleanor-jobs: ${broken}: failed to load: Transform failed with 1 error: .*Expected identifier`));
  });

  it('a module that throws while loading', async () => {
    const throwing = writeModule(dir, 'throwing.ts', "throw new Error('no config file');");
    expect(failure(await runCli(['run', throwing], dir))).toBe(`eleanor-jobs: ${throwing}: failed to load: no config file`);
  });

  it('a missing module', async () => {
    expect(failure(await runCli(['run', 'nowhere.ts'], dir))).toBe('eleanor-jobs: nowhere.ts: no such file');
  });

  it('an export that is not a job: a class instead of an instance', async () => {
    const classOnly = writeModule(dir, 'class-only.ts', 'export class Report extends BaseJob { execute() {} }');
    expect(failure(await runCli(['run', classOnly], dir))).toBe(
      `eleanor-jobs: ${classOnly}: export "Report" is not a job (got class Report; export an instance); export only job instances or arrays of them`,
    );
  });

  it('a module without jobs', async () => {
    const empty = writeModule(dir, 'empty.ts', 'export {};');
    expect(failure(await runCli(['run', empty], dir))).toMatch(/^eleanor-jobs: .*empty\.ts: exports no jobs/);
  });

  it('an invalid job, with the JobConfigError message on one line', async () => {
    const invalid = writeModule(dir, 'invalid.ts', "class J extends BaseJob { execute() {} }\nexport const j = new J({ name: 'j', interval: -5, retryWait: 'soon' });");
    const line = failure(await runCli(['run', invalid], dir));
    expect(line).toMatch(new RegExp(`^eleanor-jobs: ${invalid}: invalid job: J "j": invalid configuration; `));
    expect(line).toContain('interval:');
    expect(line).toContain('retryWait:');
  });

  it('a job with a bad cron: the reason once, the expression once, no class name', async () => {
    const badCron = writeModule(dir, 'bad-cron.ts', "class J extends BaseJob { execute() {} }\nexport const j = new J({ name: 'j', cron: '* * 32 * *' });");
    expect(failure(await runCli(['validate', badCron], dir))).toBe(
      `eleanor-jobs: ${badCron}: invalid job: J "j": invalid configuration; cron: day-of-month 32 is out of range (allowed: 1-31) (got "* * 32 * *")`,
    );
    expect(failure(await runCli(['next', '0 0 * * 0##4'], dir))).toBe(
      'eleanor-jobs: invalid cron expression "0 0 * * 0##4": day-of-week "0##4": the occurrence after # must be 1 to 5 (as in MON#1, 5#3)',
    );
  });

  it('two jobs with one name', async () => {
    const twin = writeModule(dir, 'twin.ts', "class J extends BaseJob { execute() {} }\nexport const other = new J({ name: 'report', interval: 1 });");
    expect(failure(await runCli(['run', good, twin], dir))).toBe(
      `eleanor-jobs: ${twin}: job name "report" is already used by export "report" of ${good}; job names must be unique`,
    );
  });

  it('a port in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const line = failure(await runCli(['run', good, '--store', join(dir, 'port.db'), '--port', String(port)], dir));
      expect(line).toBe(`eleanor-jobs: cannot listen on 127.0.0.1:${port}: the port is already in use (choose another port)`);
    } finally {
      blocker.close();
    }
  });

  it('a bad option value', async () => {
    expect(failure(await runCli(['run', good, '--port', 'http'], dir))).toBe('eleanor-jobs: --port must be an integer from 0 to 65535, got "http"');
    expect(failure(await runCli(['run', good, '--lease-ttl', '0'], dir))).toBe('eleanor-jobs: --lease-ttl must be a number of seconds > 0, got "0"');
  });

  it('a file that is not a database, left untouched', async () => {
    const corrupt = join(dir, 'corrupt.db');
    writeFileSync(corrupt, 'this is not an SQLite database, just some bytes\n'.repeat(100));
    const before = sha256(corrupt);
    const line = failure(await runCli(['run', good, '--store', corrupt, '--port', '0'], dir));
    expect(line).toBe(
      `eleanor-jobs: The SQLite store ${corrupt} is not a SQLite database or is corrupt: file is not a database (SQLITE_NOTADB). The file was left untouched; restore it from a backup, or move it away to start a new store.`,
    );
    expect(sha256(corrupt)).toBe(before);
  });

  it('a store path that cannot be a database file', async () => {
    const folder = join(dir, 'a-folder.db');
    mkdirSync(folder, { recursive: true });
    expect(failure(await runCli(['run', good, '--store', folder, '--port', '0'], dir))).toBe(`eleanor-jobs: The SQLite store ${folder} is a directory, not a database file.`);
  });
});

describe('eleanor-jobs history', () => {
  it('refuses a store that does not exist, without creating it', async () => {
    const missing = join(dir, 'missing', 'jobs.db');
    expect(failure(await runCli(['history', 'report', '--store', missing], dir))).toBe(
      `eleanor-jobs: no store at ${missing} (run some jobs first, or pass --store <path | postgres URL>)`,
    );
  });

  it('refuses a job with nothing recorded, and a corrupt store', async () => {
    const corrupt = join(dir, 'corrupt-history.db');
    writeFileSync(corrupt, 'garbage');
    expect(failure(await runCli(['history', 'report', '--store', corrupt], dir))).toMatch(/is not a SQLite database or is corrupt/);
    const empty = join(dir, 'port.db');
    expect(failure(await runCli(['history', 'nobody', '--store', empty], dir))).toBe(`eleanor-jobs: no runs recorded for job "nobody" in ${empty}`);
  });
});
