#!/usr/bin/env node
/**
 * The `eleanor-jobs` command: a thin commander parser over the functions in `./commands/`.
 * Every bad input ends as one line on stderr (`eleanor-jobs: ...`) and exit code 1; whatever
 * came from a job or a store is printed with its control characters escaped.
 */
import { createRequire } from 'node:module';
import { Command, Option } from 'commander';
import { DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT } from '../http/http-server.js';
import { RUNNER_DEFAULTS } from '../runner/runner-options.js';
import { oneLine } from './cli-error.js';
import { LOG_FORMATS, logFormatOption } from './cli-logger.js';
import { controlCommand, type ControlOptions } from './commands/control.js';
import { historyCommand } from './commands/history.js';
import { listCommand } from './commands/list.js';
import { nextCommand } from './commands/next.js';
import { replicasCommand } from './commands/replicas.js';
import { runCommand, type RunOptions } from './commands/run.js';
import { validateCommand } from './commands/validate.js';
import { instantOption, integerOption, secondsOption, zoneOption } from './option-parsers.js';
import { DEFAULT_STORE_PATH, STORE_SCHEMES, storeSetting } from './store-spec.js';
import { visible } from './visible-text.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const storeOption = (): Option =>
  new Option('--store <url>', `${STORE_SCHEMES} (default: $ELEANOR_STORE, else $DATABASE_URL if a postgres URL, else ${DEFAULT_STORE_PATH})`);
const jsonOption = (): Option => new Option('--json', 'machine-readable output (JSON)');
const urlOption = (): Option => new Option('--url <url>', 'base URL of a running service (eleanor-jobs run)').env('ELEANOR_URL');
const tokenOption = (): Option => new Option('--token <token>', 'bearer token of the service').env('ELEANOR_TOKEN');

/** Builds the command-line program. */
function buildProgram(): Command {
  const program = new Command('eleanor-jobs')
    .description('Run cron and interval jobs as a service; inspect schedules and run history.')
    .version(version)
    .showSuggestionAfterError()
    .configureOutput({ outputError: (message, write) => write(`eleanor-jobs: ${visible(oneLine(message.replace(/^error: /, '')))}\n`) });

  program
    .command('run')
    .description('run the jobs exported by the given modules (.ts or .js) until SIGINT/SIGTERM')
    .argument('<files...>', 'modules whose exports are job instances')
    .addOption(storeOption())
    .option('--host <host>', 'HTTP interface to bind', DEFAULT_HTTP_HOST)
    .option('--port <port>', 'HTTP port (0: any free port)', integerOption('--port', 0, 65_535), DEFAULT_HTTP_PORT)
    .addOption(new Option('--token <token>', 'bearer token enabling POST /api/jobs/:name/{trigger,pause,resume}').env('ELEANOR_TOKEN'))
    .addOption(new Option('--owner <id>', "this runner's identity on leases and runs; the same id after a restart takes its leases back at once").env('ELEANOR_OWNER'))
    .option('--lease-ttl <seconds>', 'lease length: how soon another replica takes over', secondsOption('--lease-ttl'), RUNNER_DEFAULTS.leaseTtl)
    .option('--poll-interval <seconds>', 'wait before asking the store again', secondsOption('--poll-interval'), RUNNER_DEFAULTS.pollInterval)
    .option('--claim-ahead <seconds>', 'claim each cron tick this long before it is due', secondsOption('--claim-ahead', true), RUNNER_DEFAULTS.claimAhead)
    .option('--shutdown-timeout <seconds>', 'how long a stop waits for jobs', secondsOption('--shutdown-timeout', true), RUNNER_DEFAULTS.shutdownTimeout)
    .option('--retention <runs>', 'runs kept per job', integerOption('--retention', 1, Number.MAX_SAFE_INTEGER), RUNNER_DEFAULTS.retention)
    .option('--process-metrics', 'also serve process and Node.js runtime metrics (CPU, memory, event loop, GC) on /metrics')
    .addOption(new Option('--log-format <format>', `${LOG_FORMATS.join(' or ')} (default: pretty on a terminal, else json)`).argParser(logFormatOption))
    .action((files: string[], options: Omit<RunOptions, 'store'> & { store?: string }) => runCommand(files, { ...options, store: storeSetting(options.store) }));

  program
    .command('next')
    .description('print the next fire times of a cron expression, and the expression in words')
    .argument('<cron>', 'cron expression (5 fields, or 6 with seconds; quote it)')
    .option('--tz <zone>', "IANA time zone (default: this machine's)")
    .option('-n, --count <n>', 'how many fire times', integerOption('-n', 1, 1000), 5)
    .option('--from <instant>', 'count from this instant (ISO 8601 with Z or an offset; default: now)', instantOption('--from'))
    .addOption(jsonOption())
    .action((cron: string, options: { tz?: string; count: number; from?: Date; json?: boolean }) => print(nextCommand(cron, options)));

  program
    .command('validate')
    .description('load and validate the jobs of every given module, print what each will do, report every error')
    .argument('<files...>', 'modules whose exports are job instances')
    .addOption(jsonOption())
    .action(async (files: string[], options: { json?: boolean }) => {
      const result = await validateCommand(files, options.json === true);
      print(result.output);
      for (const warning of result.warnings) process.stderr.write(`eleanor-jobs: warning: ${visible(warning)}\n`);
      for (const error of result.errors) process.stderr.write(`eleanor-jobs: ${visible(oneLine(error))}\n`);
      if (!result.valid) process.exitCode = 1;
    });

  program
    .command('list')
    .description('list the jobs of the given modules, or of a running service (--url)')
    .argument('[files...]', 'modules whose exports are job instances')
    .addOption(urlOption())
    .addOption(tokenOption())
    .addOption(jsonOption())
    .action(async (files: string[], options: { url?: string; token?: string; json?: boolean }) => print(await listCommand(files, options)));

  for (const action of ['trigger', 'pause', 'resume'] as const) {
    const command = program
      .command(action)
      .description(`${action} a job of a running service, on every replica sharing its store (needs the service's --token)`)
      .argument('<job>', 'job name')
      .addOption(urlOption().makeOptionMandatory())
      .addOption(tokenOption())
      .option('--by <name>', 'who acts, recorded with the pause or trigger (default: user@host)')
      .addOption(jsonOption());
    if (action === 'pause') command.option('--reason <text>', 'why, shown with the pause (at most 500 characters)');
    command.action(async (job: string, options: ControlOptions) => print(await controlCommand(action, job, options)));
  }

  program
    .command('history')
    .description("print a job's latest runs")
    .argument('<job>', 'job name')
    .option('-n, --count <n>', 'how many runs', integerOption('-n', 1, 10_000), 20)
    .addOption(storeOption())
    .option('--full', 'show whole errors (every line), below each run')
    .option('--tz <zone>', "show times in this IANA zone (default: this machine's)", zoneOption('--tz'))
    .addOption(jsonOption())
    .action(async (job: string, options: { count: number; store?: string; full?: boolean; tz?: string; json?: boolean }) =>
      print(await historyCommand(job, { ...options, store: storeSetting(options.store) })),
    );

  program
    .command('replicas')
    .description('print the runner processes that heartbeat into the store, with the leases each holds')
    .addOption(storeOption())
    .option('--tz <zone>', "show times in this IANA zone (default: this machine's)", zoneOption('--tz'))
    .addOption(jsonOption())
    .action(async (options: { store?: string; tz?: string; json?: boolean }) => print(await replicasCommand({ ...options, store: storeSetting(options.store) })));

  return program;
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Runs the program on `argv`; prints any error as one line and sets exit code 1. */
async function main(argv: readonly string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (error) {
    process.stderr.write(`eleanor-jobs: ${visible(oneLine(error))}\n`);
    process.exitCode = 1;
  }
}

await main();
