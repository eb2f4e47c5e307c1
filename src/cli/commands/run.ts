/**
 * `eleanor-jobs run <files...>`: loads the job modules and runs their jobs under a
 * `JobRunner` with a persistent store and the HTTP server, until SIGINT or SIGTERM.
 */
import { dashboardRoutes } from '../../dashboard/dashboard-routes.js';
import { startHttpServer } from '../../http/http-server.js';
import { setDefaultLogger } from '../../job/job-logger.js';
import { JobRunner } from '../../runner/job-runner.js';
import { createCliLogger, type LogFormat } from '../cli-logger.js';
import { loadJobs } from '../load-jobs.js';
import { storeFromSetting, type StoreSetting } from '../store-spec.js';

/** Options of {@link runCommand} (the CLI flags). */
export interface RunOptions {
  /** The store setting in force (`--store`, `ELEANOR_STORE`, ...). */
  readonly store: StoreSetting;
  /** `--log-format`; default: pretty on a terminal, else JSON. */
  readonly logFormat?: LogFormat | undefined;
  readonly host: string;
  readonly port: number;
  /** `--token` or `ELEANOR_TOKEN`; enables the mutating API routes. */
  readonly token?: string | undefined;
  /** `--owner` or `ELEANOR_OWNER`: the runner's identity; empty or absent: a fresh one per start. */
  readonly owner?: string | undefined;
  /** Seconds. */
  readonly leaseTtl: number;
  /** Seconds. */
  readonly pollInterval: number;
  /** Seconds. */
  readonly claimAhead: number;
  /** Seconds. */
  readonly shutdownTimeout: number;
  readonly retention: number;
  /** `--process-metrics`: also serve prom-client's default process and runtime metrics. */
  readonly processMetrics?: boolean;
}

/**
 * Starts everything and returns; the process then runs until a signal stops the runner (exit
 * 0 when every job stopped in time, 1 otherwise, 130 on a second signal).
 *
 * Order: jobs are loaded and the store opened before the port is bound, so a bad module or
 * a bad database fails before anything listens or runs.
 *
 * @throws CliError / StoreError / Error with one clear message (the caller prints it)
 */
export async function runCommand(files: readonly string[], options: RunOptions): Promise<void> {
  const logger = createCliLogger({ format: options.logFormat });
  setDefaultLogger(logger);
  const jobs = await loadJobs(files);
  const store = storeFromSetting(options.store);
  await store.open();
  const runner = new JobRunner({
    store,
    logger,
    ...(options.owner === undefined || options.owner === '' ? {} : { owner: options.owner }),
    leaseTtl: options.leaseTtl,
    pollInterval: options.pollInterval,
    claimAhead: options.claimAhead,
    shutdownTimeout: options.shutdownTimeout,
    retention: options.retention,
    metrics: { defaultMetrics: options.processMetrics === true },
    handleSignals: true,
  });
  runner.add(...jobs.map((entry) => entry.job));
  const token = options.token === undefined || options.token === '' ? null : options.token;
  let server;
  try {
    server = await startHttpServer(runner, { host: options.host, port: options.port, token, logger, routes: dashboardRoutes() });
  } catch (error) {
    await store.close();
    throw error;
  }
  runner.once('runner:stop', () => void server.close());
  try {
    await runner.start();
  } catch (error) {
    await server.close();
    await store.close();
    throw error;
  }
}
