/**
 * `list`, `trigger`, `pause` and `resume` against a running service (`eleanor-jobs run`),
 * through its HTTP API, and `list` of job files.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess, tempDir, writeModule, type CliResult } from './fixtures/cli-process.js';

const TOKEN = 'let-me-in';
let dir: string;
let jobs: string;
let service: CliProcess;
let url: string;

const cli = (args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> => new CliProcess(args, dir, { ELEANOR_URL: '', ...env }).exited;

function failure(result: CliResult): string {
  expect(result.code, `stdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(1);
  const lines = result.stderr.split('\n').filter((line) => line !== '');
  expect(lines, result.stderr).toHaveLength(1);
  return lines[0] as string;
}

beforeAll(async () => {
  dir = tempDir('eleanor-service-');
  jobs = writeModule(
    dir,
    'jobs.ts',
    `class Report extends BaseJob { execute() {} }
export const report = new Report({ name: 'report', cron: '0 6 * * 1-5', timezone: 'Europe/Berlin' });
export const sampler = new Report({ name: 'sampler', interval: 3600 });`,
  );
  service = new CliProcess(['run', jobs, '--port', '0', '--store', 'memory', '--log-format', 'json'], dir, { ELEANOR_TOKEN: TOKEN });
  url = await service.url();
}, 60_000);

afterAll(async () => {
  service.child.kill('SIGTERM');
  await service.exited;
});

describe('list', () => {
  it('lists the jobs of files, with the next run in the job zone and its offset', async () => {
    const result = await cli(['list', jobs]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+CLASS\s+SCHEDULE\s+ZONE\s+NEXT\s+FILE$/);
    expect(lines[1]).toMatch(/^report\s+Report\s+0 6 \* \* 1-5\s+Europe\/Berlin\s+\d{4}-\d\d-\d\dT06:00:00\+0[12]:00\s/);
    expect(lines[2]).toMatch(/^sampler\s+Report\s+every 3600 s\s+-\s+-\s/);
  });

  it('lists the jobs of a running service, as a table or as JSON', async () => {
    const table = await cli(['list', '--url', url]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^NAME\s+STATE\s+SCHEDULE\s+NEXT\s+LAST\s+TRIGGERS\n/);
    expect(table.stdout).toMatch(/\nreport\s+sleeping\s+0 6 \* \* 1-5\s+\d{4}-\d\d-\d\d 06:00:00 GMT\+[12]\s+-\s+0\n/);
    const json = await cli(['list', '--json'], { ELEANOR_URL: url });
    expect((JSON.parse(json.stdout) as { name: string }[]).map((job) => job.name)).toEqual(['report', 'sampler']);
  });

  it('needs files or --url', async () => {
    expect(failure(await cli(['list']))).toBe('eleanor-jobs: list needs job files or --url <service URL> (one of the two)');
  });
});

describe('trigger, pause, resume', () => {
  it('act on a job of the running service with its token', async () => {
    const paused = await cli(['pause', 'sampler', '--url', url, '--token', TOKEN, '--by', 'alice', '--reason', 'upstream outage']);
    expect(paused.stdout.trim()).toMatch(/^sampler: paused on every replica by alice at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d [^;]+: upstream outage; state paused \(paused\)$/);
    // A trigger of a paused job is refused, with the reason.
    expect(failure(await cli(['trigger', 'sampler', '--url', url, '--token', TOKEN]))).toBe(`eleanor-jobs: ${url}/: 409 the job is paused; resume it first`);
    const resumed = await cli(['resume', 'sampler', '--url', url], { ELEANOR_TOKEN: TOKEN });
    expect(resumed.stdout.trim()).toMatch(/^sampler: resumed on every replica \(paused by alice since .+\); state \w+$/);
    const triggered = await cli(['trigger', 'sampler', '--url', url, '--token', TOKEN]);
    expect(triggered.stdout.trim()).toMatch(/^sampler: trigger #\d+ queued \(runs once, on whichever replica can take it\); state \w+$/);
  }, 60_000);

  it('say what is wrong: no or a wrong token, an unknown job, no service, a bad URL', async () => {
    expect(failure(await cli(['trigger', 'sampler', '--url', url]))).toBe(`eleanor-jobs: --token: the service at ${url}/ refused the token (none given; pass --token or set ELEANOR_TOKEN)`);
    expect(failure(await cli(['trigger', 'sampler', '--url', url, '--token', 'nope']))).toBe(`eleanor-jobs: --token: the service at ${url}/ refused the token (wrong token)`);
    expect(failure(await cli(['pause', 'nobody', '--url', url, '--token', TOKEN]))).toBe(`eleanor-jobs: ${url}/: 404 no job named "nobody"`);
    const closed = await closedPort();
    expect(failure(await cli(['resume', 'sampler', '--url', `http://127.0.0.1:${closed}`, '--token', TOKEN]))).toMatch(
      new RegExp(`^eleanor-jobs: --url http://127\\.0\\.0\\.1:${closed}/: cannot reach the service \\(.*ECONNREFUSED.*\\)$`),
    );
    expect(failure(await cli(['resume', 'sampler', '--url', 'ftp://host', '--token', TOKEN]))).toBe('eleanor-jobs: --url must be an http:// or https:// URL; got "ftp://host"');
    expect(failure(await cli(['resume', 'sampler'], { ELEANOR_URL: '' }))).toBe("eleanor-jobs: --url (or ELEANOR_URL) is required: the service's base URL, such as http://127.0.0.1:8321");
  });
});

/** A port nothing listens on (just released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
