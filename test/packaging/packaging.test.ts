/**
 * The package as a user gets it: `npm pack`, then two fresh projects — CommonJS (what
 * `npm init -y` writes) and `"type": "module"` — install the tarball and use it as the README
 * shows, with a `jobs.ts` and a `jobs.js`: `validate`, `run` for a few seconds, `history`,
 * `require('eleanor-jobs')`, and a PostgreSQL store asked for without `pg` installed.
 *
 * Runs on the built `dist/` (`npm test` builds first). Installs are bounded in time: packages
 * come from the npm cache when it has them (`--prefer-offline`), and install scripts are
 * skipped (`--ignore-scripts`) so better-sqlite3 is not compiled twice per run: its native
 * addon, already built for this Node by the repository's own install, is copied in.
 */
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const NATIVE_ADDON = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
const run = promisify(execFile);

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end; never rejects on a non-zero exit. */
async function exec(file: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<Result> {
  try {
    const { stdout, stderr } = await run(file, [...args], { cwd, env: { ...process.env, LOG_LEVEL: 'info', ELEANOR_STORE: '', DATABASE_URL: '', ...env }, timeout: 90_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? String(error) };
  }
}

const JOBS_TS = `import { BaseJob, z, type RunContext } from 'eleanor-jobs';

class Greeter extends BaseJob<{ greeting: string }> {
  static override fields = {
    ...BaseJob.fields,
    greeting: z.string().min(1).meta({ title: 'Greeting', readOnly: true }),
  };
  declare readonly greeting: string;

  async execute(signal: AbortSignal, run: RunContext) {
    this.logger.info({ tick: run.scheduledAt }, this.greeting);
  }
}

export const greeter = new Greeter({ name: 'greeter', interval: 0.5, triggerOnStart: true, greeting: 'hello' });
`;

const JOBS_JS = `import { BaseJob } from 'eleanor-jobs';

class Ticker extends BaseJob {
  execute() {
    this.logger.info('tick');
  }
}

export const ticker = new Ticker({ name: 'ticker', interval: 0.5, triggerOnStart: true });
`;

/** A job module in CommonJS syntax, as a CommonJS user may write one. */
const JOBS_CJS = `const { BaseJob } = require('eleanor-jobs');

class Legacy extends BaseJob {
  execute() {}
}

module.exports = { legacy: new Legacy({ name: 'legacy', interval: 60 }) };
`;

let root: string;
let tarball: string;

beforeAll(async () => {
  expect(existsSync(join(REPO, 'dist/cli/main.js')), 'run `npm run build` first (npm test does)').toBe(true);
  root = mkdtempSync(join(tmpdir(), 'eleanor-packaging-'));
  const packed = await exec('npm', ['pack', '--pack-destination', root, '--silent'], REPO);
  expect(packed.code, packed.stderr).toBe(0);
  tarball = join(root, packed.stdout.trim().split('\n').pop() ?? '');
  expect(existsSync(tarball), tarball).toBe(true);
}, 60_000);

afterAll(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

describe.each([
  ['CommonJS (npm init -y)', 'commonjs'],
  ['"type": "module"', 'module'],
] as const)('a fresh %s project', (_label, type) => {
  let project: string;
  const cli = (args: readonly string[], env?: Record<string, string>): Promise<Result> => exec(join(project, 'node_modules/.bin/eleanor-jobs'), args, project, env);

  beforeAll(async () => {
    project = join(root, type);
    mkdirSync(project);
    expect((await exec('npm', ['init', '-y'], project)).code).toBe(0);
    if (type === 'module') expect((await exec('npm', ['pkg', 'set', 'type=module'], project)).code).toBe(0);
    const installed = await exec('npm', ['install', tarball, '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'], project);
    expect(installed.code, installed.stderr).toBe(0);
    mkdirSync(dirname(join(project, NATIVE_ADDON)), { recursive: true });
    copyFileSync(join(REPO, NATIVE_ADDON), join(project, NATIVE_ADDON));
    writeFileSync(join(project, 'jobs.ts'), JOBS_TS);
    writeFileSync(join(project, 'jobs.js'), JOBS_JS);
    writeFileSync(join(project, 'legacy.cjs'), JOBS_CJS);
  }, 150_000);

  it('has the type npm init wrote, and no pg installed (an optional peer)', () => {
    const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { type?: string };
    expect(manifest.type).toBe(type);
    expect(existsSync(join(project, 'node_modules/pg'))).toBe(false);
  });

  it('validates a jobs.ts and a jobs.js', async () => {
    const result = await cli(['validate', 'jobs.ts', 'jobs.js']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('greeter (Greeter): Every 0.5 seconds');
    expect(result.stdout).toContain('ticker (Ticker): Every 0.5 seconds');
    expect(result.stdout).toContain('2 job(s) valid');
  });

  it('validates a job module written in CommonJS syntax', async () => {
    const result = await cli(['validate', 'legacy.cjs']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('legacy (Legacy): Every minute');
  });

  it('runs both for a few seconds, stops on SIGTERM, and shows their history', async () => {
    const child = spawn(join(project, 'node_modules/.bin/eleanor-jobs'), ['run', 'jobs.ts', 'jobs.js', '--port', '0', '--log-format', 'json'], {
      cwd: project,
      env: { ...process.env, LOG_LEVEL: 'info', ELEANOR_STORE: '', DATABASE_URL: '', ELEANOR_TOKEN: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const ranBoth = (): boolean => ['hello', 'tick'].every((message) => stdout.split(`"msg":"${message}"`).length > 3);
    const deadline = Date.now() + 30_000;
    while (!ranBoth() && Date.now() < deadline && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill('SIGTERM');
    expect(await exited, `stderr: ${stderr}\nstdout: ${stdout.slice(-3000)}`).toBe(0);
    expect(ranBoth(), stdout.slice(-3000)).toBe(true);

    const history = await cli(['history', 'greeter', '--json']);
    expect(history.code, history.stderr).toBe(0);
    const parsed = JSON.parse(history.stdout) as { job: string; runs: { status: string }[] };
    expect(parsed.job).toBe('greeter');
    expect(parsed.runs.filter((entry) => entry.status === 'ok').length).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it("require('eleanor-jobs') works from CommonJS code", async () => {
    const result = await exec(process.execPath, ['-e', "const { BaseJob, JobRunner } = require('eleanor-jobs'); console.log(typeof BaseJob, typeof JobRunner)"], project);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('function function');
  });

  it('names the missing package when a PostgreSQL store is asked for without pg', async () => {
    const result = await cli(['history', 'greeter', '--store', 'postgres://user@127.0.0.1:1/app']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('eleanor-jobs: The PostgreSQL store needs the package "pg", an optional peer dependency of eleanor-jobs: run `npm install pg`.');
  });

  it.runIf(type === 'module')('does not load tsx for JavaScript job files (runs last: removes tsx)', async () => {
    rmSync(join(project, 'node_modules/tsx'), { recursive: true });
    const result = await cli(['validate', 'jobs.js']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('1 job(s) valid');
  });
});
