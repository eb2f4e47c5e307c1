// Helpers shared by every case file (the code that runs inside one fresh child process).
import { writeSync } from 'node:fs';
import { parseArgs } from 'node:util';

/** Parses `--lib <id> --n <count> ...` into { lib, n, ... } with numbers converted. */
export function caseArgs(extra = {}) {
  const { values } = parseArgs({
    options: {
      lib: { type: 'string' },
      n: { type: 'string', default: '1' },
      ...Object.fromEntries(Object.keys(extra).map((k) => [k, { type: 'string' }])),
    },
  });
  const out = { lib: values.lib, n: Number(values.n) };
  for (const [k, def] of Object.entries(extra)) {
    const v = values[k] ?? def;
    out[k] = typeof def === 'number' ? Number(v) : v;
  }
  if (!out.lib) throw new Error('--lib is required');
  return out;
}

/** Marks our result lines on stdout, apart from anything a library logs there. */
export const RESULT_MARK = '@bench ';

/** Writes one JSON result line on stdout, synchronously (safe inside 'exit' handlers). */
export function emit(obj) {
  writeSync(1, RESULT_MARK + JSON.stringify(obj) + '\n');
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Full GCs with event-loop turns between them, so weak callbacks and finalizers settle. */
export async function settleGc(rounds = 3) {
  if (typeof globalThis.gc !== 'function') throw new Error('run the case with node --expose-gc');
  for (let i = 0; i < rounds; i++) {
    globalThis.gc();
    await tick();
  }
}

/**
 * Epoch milliseconds with sub-millisecond resolution: the monotonic clock anchored to the
 * wall clock at the instant Date.now() ticks, so lateness is measured against the same
 * seconds the cron libraries read from Date. Anchored several times, keeping the largest
 * offset: a preemption between the two readings can only make an anchor too small.
 */
export function makeEpochClock(anchors = 7) {
  let offset = -Infinity;
  for (let k = 0; k < anchors; k++) {
    const first = Date.now();
    let d = first;
    while (d === first) d = Date.now();
    offset = Math.max(offset, d - performance.now());
  }
  return () => offset + performance.now();
}

/** Loads benchmarks/adapters/<lib>.mjs. */
export async function loadAdapter(lib) {
  return import(new URL(`../adapters/${lib}.mjs`, import.meta.url));
}

/** Runs a case's main function; any failure becomes a JSON line with `error` and exit 1. */
export function runCase(main) {
  main().catch((err) => {
    emit({ error: String(err?.stack ?? err).split('\n').slice(0, 3).join(' | ') });
    process.exit(1);
  });
}
