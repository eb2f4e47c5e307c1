/**
 * Loading job modules: TypeScript (through tsx) or JavaScript files whose exports are job
 * instances (or arrays of them).
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';
import type { BaseJob } from '../job/base-job.js';
import { describeValue } from '../runner/describe-value.js';
import { isJob } from '../runner/is-job.js';
import { CliError, oneLine } from './cli-error.js';

/** A job and where it came from. */
export interface LoadedJob {
  readonly job: BaseJob;
  /** The file as given on the command line. */
  readonly file: string;
  /** The export that holds it (`default` for the default export). */
  readonly exportName: string;
}

let typescriptLoader: (() => Promise<void>) | null = null;

/** Lets `import()` load TypeScript files (tsx's ESM hooks), once per process. */
function enableTypeScript(): void {
  typescriptLoader ??= register();
}

/**
 * Imports each file and collects the jobs it exports. Every export must be a job or an array
 * of jobs; the same job exported twice counts once; job names must be unique across files.
 *
 * @throws CliError naming the file: missing, failing to import (syntax error, invalid job
 *   configuration, ...), exporting something that is not a job, exporting no job, or a name
 *   taken by another job
 */
export async function loadJobs(files: readonly string[]): Promise<LoadedJob[]> {
  enableTypeScript();
  const loaded: LoadedJob[] = [];
  const byName = new Map<string, LoadedJob>();
  for (const file of files) {
    for (const entry of await loadFile(file)) {
      const previous = byName.get(entry.job.name);
      if (previous?.job === entry.job) continue;
      if (previous !== undefined) {
        throw new CliError(`${file}: job name "${entry.job.name}" is already used by export "${previous.exportName}" of ${previous.file}; job names must be unique`);
      }
      byName.set(entry.job.name, entry);
      loaded.push(entry);
    }
  }
  return loaded;
}

async function loadFile(file: string): Promise<LoadedJob[]> {
  const path = resolve(file);
  if (!existsSync(path)) throw new CliError(`${file}: no such file`);
  if (!statSync(path).isFile()) throw new CliError(`${file}: not a file`);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
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

function describeExport(value: unknown): string {
  if (typeof value === 'function') return /^class[\s{]/.test(Function.prototype.toString.call(value)) ? `class ${value.name}; export an instance` : `function ${value.name}`;
  return describeValue(value);
}
