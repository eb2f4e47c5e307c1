/**
 * Loading job modules: TypeScript (through tsx) or JavaScript files whose exports are job
 * instances (or arrays of them), in a `"type": "module"` project or a CommonJS one.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BaseJob } from '../job/base-job.js';
import { describeValue } from '../runner/describe-value.js';
import { isJob } from '../runner/is-job.js';
import { CliError, oneLine } from './cli-error.js';
import { needsTsx } from './module-format.js';

/** A job and where it came from. */
export interface LoadedJob {
  readonly job: BaseJob;
  /** The file as given on the command line. */
  readonly file: string;
  /** The export that holds it (`default` for the default export). */
  readonly exportName: string;
}

let tsxEnabled: Promise<void> | null = null;

/**
 * Lets `import()` load TypeScript, and `import` syntax in files Node reads as CommonJS: tsx's
 * ESM and CommonJS hooks (as the `tsx` command registers them), once per process. tsx is
 * imported only here, so JavaScript job files in an ESM project never load it.
 */
function enableTsx(): Promise<void> {
  tsxEnabled ??= Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]).then(([esm, cjs]) => {
    esm.register();
    cjs.register();
  });
  return tsxEnabled;
}

/** What {@link loadJobFiles} found: the jobs of every good file, and every error. */
export interface LoadReport {
  readonly jobs: LoadedJob[];
  readonly errors: CliError[];
}

/**
 * Imports every file and collects the jobs it exports, going on after a bad file so that
 * every error is reported. Every export must be a job or an array of jobs; the same job
 * exported twice counts once; job names must be unique across files.
 *
 * @returns errors naming the file: missing, failing to import (syntax error, invalid job
 *   configuration, ...), exporting something that is not a job, exporting no job, or a name
 *   taken by another job
 */
export async function loadJobFiles(files: readonly string[]): Promise<LoadReport> {
  const jobs: LoadedJob[] = [];
  const errors: CliError[] = [];
  const byName = new Map<string, LoadedJob>();
  for (const file of files) {
    let entries: LoadedJob[];
    try {
      entries = await loadFile(file);
    } catch (error) {
      errors.push(error instanceof CliError ? error : new CliError(`${file}: ${oneLine(error)}`, { cause: error }));
      continue;
    }
    for (const entry of entries) {
      const previous = byName.get(entry.job.name);
      if (previous?.job === entry.job) continue;
      if (previous !== undefined) {
        errors.push(new CliError(`${file}: job name "${entry.job.name}" is already used by export "${previous.exportName}" of ${previous.file}; job names must be unique`));
        continue;
      }
      byName.set(entry.job.name, entry);
      jobs.push(entry);
    }
  }
  return { jobs, errors };
}

/**
 * Like {@link loadJobFiles}, for commands that need every job.
 *
 * @throws CliError the first error found
 */
export async function loadJobs(files: readonly string[]): Promise<LoadedJob[]> {
  const { jobs, errors } = await loadJobFiles(files);
  if (errors[0] !== undefined) throw errors[0];
  return jobs;
}

async function loadFile(file: string): Promise<LoadedJob[]> {
  const path = resolve(file);
  if (!existsSync(path)) throw new CliError(`${file}: no such file`);
  if (!statSync(path).isFile()) throw new CliError(`${file}: not a file`);
  let module: Record<string, unknown>;
  try {
    if (needsTsx(path)) await enableTsx();
    module = moduleExports((await import(pathToFileURL(path).href)) as Record<string, unknown>);
  } catch (error) {
    const kind = error instanceof Error && error.name === 'JobConfigError' ? 'invalid job' : 'failed to load';
    throw new CliError(`${file}: ${kind}: ${oneLine(error)}`, { cause: error });
  }
  const jobs: LoadedJob[] = [];
  for (const [exportName, value] of Object.entries(module)) {
    const values = Array.isArray(value) ? value : [value];
    const notJob = values.find((item) => !isJob(item));
    if (notJob !== undefined || values.length === 0) {
      const got = Array.isArray(value) ? `an array holding ${values.length === 0 ? 'nothing' : describeExport(notJob)}` : describeExport(value);
      throw new CliError(`${file}: export "${exportName}" is not a job (got ${got}); export only job instances or arrays of them`);
    }
    for (const job of values as BaseJob[]) if (!jobs.some((entry) => entry.job === job)) jobs.push({ job, file, exportName });
  }
  if (jobs.length === 0) throw new CliError(`${file}: exports no jobs (export job instances, e.g. export const report = new Report({ ... }))`);
  return jobs;
}

/**
 * The exports of an imported module. A CommonJS module (written so, or compiled to it by tsx:
 * TypeScript or `import` syntax in a CommonJS package) comes back as `{ default:
 * module.exports, ...what Node could detect }`: a plain object as `default` stands for its own
 * properties, which are the file's exports (so does `export default { a, b }`).
 */
function moduleExports(namespace: Record<string, unknown>): Record<string, unknown> {
  const fallback = namespace.default;
  if (typeof fallback !== 'object' || fallback === null || Array.isArray(fallback)) return namespace;
  const prototype: unknown = Object.getPrototypeOf(fallback);
  if (prototype !== Object.prototype && prototype !== null) return namespace;
  const named = Object.fromEntries(Object.entries(namespace).filter(([name]) => name !== 'default'));
  return { ...named, ...(fallback as Record<string, unknown>) };
}

function describeExport(value: unknown): string {
  if (typeof value === 'function') return /^class[\s{]/.test(Function.prototype.toString.call(value)) ? `class ${value.name}; export an instance` : `function ${value.name}`;
  return describeValue(value);
}
