/**
 * How a thread-isolated job says where its class lives, so the worker thread can load it:
 *
 * ```ts
 * export class Compress extends BaseJob {
 *   static moduleUrl = import.meta.url;
 *   execute() { ... }
 * }
 * ```
 *
 * The module at `moduleUrl` must export the class under its name (or under `exportName`).
 */
import { JobException } from '../errors/job-exception.js';

/** The static members a thread-isolated job class declares. */
export interface ThreadJobClass {
  /** The class name: the export looked up unless `exportName` says otherwise. */
  readonly name: string;
  /** Required, own: `static moduleUrl = import.meta.url` in the module that exports the class. */
  readonly moduleUrl?: unknown;
  /** Optional: the export name, when it differs from the class name (e.g. `'default'`). */
  readonly exportName?: unknown;
}

/** Where the worker finds a job's class. */
export interface JobClassLocation {
  /** URL of the module (as `import.meta.url` gives it). */
  readonly moduleUrl: string;
  /** The name the module exports the class under. */
  readonly exportName: string;
}

const EXAMPLE = 'static moduleUrl = import.meta.url';

/**
 * Reads and checks the location of `jobClass`. Throws `JobException` naming the job, the
 * class and what is missing: `moduleUrl` must be the class's own static property (an
 * inherited one points at the parent's module) holding an absolute URL.
 */
export function locateJobClass(jobName: string, jobClass: ThreadJobClass): JobClassLocation {
  const className = jobClass.name || '(anonymous class)';
  const fail = (what: string): never => {
    throw new JobException(jobName, `isolation 'thread' needs to know where class ${className} lives: ${what}`);
  };
  if (!Object.hasOwn(jobClass, 'moduleUrl')) {
    const inherited = jobClass.moduleUrl === undefined ? '' : ` (the inherited one points at the parent class's module)`;
    fail(`declare \`${EXAMPLE}\` in ${className}${inherited}, and export the class from that module`);
  }
  const { moduleUrl } = jobClass;
  if (typeof moduleUrl !== 'string' || !URL.canParse(moduleUrl)) {
    fail(`static moduleUrl must be a module URL such as import.meta.url, got ${describe(moduleUrl)}`);
  }
  const exportName = Object.hasOwn(jobClass, 'exportName') ? jobClass.exportName : jobClass.name;
  if (typeof exportName !== 'string' || exportName === '') {
    fail(`static exportName must name the module's export of the class, got ${describe(exportName)}`);
  }
  return { moduleUrl: moduleUrl as string, exportName: exportName as string };
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : `${String(value)} (${typeof value})`;
}
