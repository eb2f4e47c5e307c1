#!/usr/bin/env node
/**
 * The `eleanor-jobs` command: a thin commander parser over the functions in `./commands/`.
 * Every bad input ends as one line on stderr (`eleanor-jobs: ...`) and exit code 1.
 */
import { createRequire } from 'node:module';
import { Command, Option } from 'commander';
import { DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT } from '../http/http-server.js';
import { RUNNER_DEFAULTS } from '../runner/runner-options.js';
import { oneLine } from './cli-error.js';
import { historyCommand } from './commands/history.js';
import { nextCommand } from './commands/next.js';
import { runCommand, type RunOptions } from './commands/run.js';
import { validateCommand } from './commands/validate.js';
import { integerOption, secondsOption } from './option-parsers.js';
import { DEFAULT_STORE_PATH } from './store-spec.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const storeOption = (): Option =>
  new Option('--store <path|url>', 'SQLite file, or postgres:// URL').default(DEFAULT_STORE_PATH);

/** Builds the command-line program. */
function buildProgram(): Command {
  const program = new Command('eleanor-jobs')
    .description('Run cron and interval jobs as a service; inspect schedules and run history.')
    .version(version)
    .showSuggestionAfterError()
    .configureOutput({ outputError: (message, write) => write(`eleanor-jobs: ${oneLine(message.replace(/^error: /, ''))}\n`) });

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
    .action((files: string[], options: RunOptions) => runCommand(files, options));

  program
    .command('next')
    .description('print the next fire times of a cron expression, and the expression in words')
    .argument('<cron>', 'cron expression (5 fields, or 6 with seconds; quote it)')
    .option('--tz <zone>', "IANA time zone (default: this machine's)")
    .option('-n, --count <n>', 'how many fire times', integerOption('-n', 1, 1000), 5)
    .action((cron: string, options: { tz?: string; count: number }) => print(nextCommand(cron, options)));

  program
    .command('validate')
    .description('load and validate the jobs of the given modules, and print what each will do')
    .argument('<files...>', 'modules whose exports are job instances')
    .action(async (files: string[]) => print(await validateCommand(files)));

  program
    .command('history')
    .description("print a job's latest runs")
    .argument('<job>', 'job name')
    .option('-n, --count <n>', 'how many runs', integerOption('-n', 1, 10_000), 20)
    .addOption(storeOption())
    .action(async (job: string, options: { count: number; store: string }) => print(await historyCommand(job, options)));

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
    process.stderr.write(`eleanor-jobs: ${oneLine(error)}\n`);
    process.exitCode = 1;
  }
}

await main();
