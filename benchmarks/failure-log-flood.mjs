// Log bytes per minute of a job that throws at once with `retryWait: 0`, as issue 13 item 7
// measured them: pino JSON lines (the CLI's format when stdout is not a terminal) counted, not
// written. Two cases: a short message at LOG_LEVEL=info, and 10 KB messages at LOG_LEVEL=warn.
//
//   npm run build && node benchmarks/failure-log-flood.mjs [--seconds 10] [--dist <folder>]
//
// `--dist` points at another build's `dist/index.js` folder (e.g. one built from an older commit)
// to print the figures before and after a change with the same script.
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, dist: { type: 'string', default: 'dist' } } });
const seconds = Number(values.seconds);
const { BaseJob } = await import(pathToFileURL(resolve(values.dist, 'index.js')).href);

/** Counts the bytes and lines pino writes. */
function countingLogger(level) {
  const counts = { bytes: 0, lines: 0 };
  const sink = new Writable({
    write(chunk, _encoding, done) {
      counts.bytes += chunk.length;
      counts.lines += 1;
      done();
    },
  });
  return { logger: pino({ name: 'eleanor-jobs', level }, sink), counts };
}

async function measure(label, level, message) {
  class Throws extends BaseJob {
    execute() {
      throw new Error(message);
    }
  }
  const { logger, counts } = countingLogger(level);
  const job = new Throws({ name: 'throws', interval: 0, retryWait: 0, logger });
  job.start();
  await new Promise((done) => setTimeout(done, seconds * 1000));
  job.requestStop();
  await job.waitUntilDone(10);
  const perMinute = 60 / seconds;
  const failures = job.triggerCount;
  console.log(
    `${label.padEnd(34)} ${String(Math.round(failures / seconds)).padStart(7)} failures/s ${String(Math.round(counts.lines * perMinute)).padStart(9)} lines/min ${(counts.bytes * perMinute / 1e6).toFixed(3).padStart(10)} MB/min`,
  );
}

console.log(`${values.dist}: ${seconds} s per case, extrapolated to a minute`);
await measure('short message, LOG_LEVEL=info', 'info', 'upstream refused the connection');
await measure('10 KB message, LOG_LEVEL=warn', 'warn', `upstream refused: ${'x'.repeat(10_240)}`);
