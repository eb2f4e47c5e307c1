// The targets of issue 8, evaluated on one run's figures. Each gives eleanor-jobs' value,
// the reference it is held to, the ratio, and met / not met / not measured.
import { SUBJECT } from './libraries.mjs';
import { ratio } from './figures.mjs';
import { settings } from './plan.mjs';

const val = (figs, id, lib) => {
  const c = figs.find((f) => f.id === id)?.cells[lib];
  return c && typeof c.value === 'number' ? c.value : null;
};
const cell = (figs, id, lib) => figs.find((f) => f.id === id)?.cells[lib];

/** First figure id of `ids` where `lib` has a value (e.g. 100,000 jobs, else 10,000). */
const firstWith = (figs, ids, lib) => ids.find((id) => val(figs, id, lib) !== null) ?? ids[0];

function target(name, subject, reference, refLabel, meets, unit, extra = {}) {
  const measured = subject !== null && reference !== null;
  return {
    name,
    unit,
    subject,
    reference,
    refLabel,
    ratio: measured ? ratio(subject, reference) : null,
    status: measured ? (meets(subject, reference) ? 'met' : 'not met') : 'not measured',
    ...extra,
  };
}

/**
 * `replicas`: scenario 5's result (benchmarks/replicas/run-replicas.mjs) from the same
 * `npm run bench`, or null when it has not run yet.
 */
export function evaluateTargets(figs, { quick = false, replicas = null } = {}) {
  const s = settings(quick);
  const big = s.idleNs.at(-1);
  const small = s.idleNs[0];
  const out = [];

  const heapInt = `idle.interval/${big}.heap`;
  out.push(target(`heap per idle interval job, ${big.toLocaleString('en-US')} jobs, at or below toad-scheduler's`,
    val(figs, heapInt, SUBJECT), val(figs, heapInt, 'toad-scheduler'), 'toad-scheduler', (a, b) => a <= b, 'B'));

  const sharedSubject = `idle.cron-shared/${big}.heap`;
  const sharedRef = firstWith(figs, [sharedSubject, `idle.cron-shared/${small}.heap`], 'node-cron');
  const nodeCron = val(figs, sharedRef, 'node-cron');
  out.push(target(`heap per idle cron job (shared expressions), ${big.toLocaleString('en-US')} jobs, at most a third of node-cron's`,
    val(figs, sharedSubject, SUBJECT), nodeCron === null ? null : nodeCron / 3,
    `node-cron ÷ 3${sharedRef === sharedSubject ? '' : `, node-cron at ${small.toLocaleString('en-US')} jobs`}`, (a, b) => a <= b, 'B'));

  const distinctSubject = `idle.cron-distinct/${big}.heap`;
  const distinctRef = firstWith(figs, [distinctSubject, `idle.cron-distinct/${small}.heap`], 'croner');
  out.push(target(`heap per idle cron job (all-distinct expressions), ${big.toLocaleString('en-US')} jobs, well below croner's`,
    val(figs, distinctSubject, SUBJECT), val(figs, distinctRef, 'croner'),
    `croner${distinctRef === distinctSubject ? '' : ` at ${small.toLocaleString('en-US')} jobs, n/a at ${big.toLocaleString('en-US')}`}`, (a, b) => a <= b / 10, 'B',
    { note: 'met when at most a tenth of croner’s' }));

  const n = s.accuracyNs.at(-1);
  const acc = `accuracy.cron/${n}`;
  const missed = val(figs, `${acc}.missed`, SUBJECT);
  const doubled = val(figs, `${acc}.doubled`, SUBJECT);
  const clean = missed === 0 && doubled === 0;
  out.push(target(`${n.toLocaleString('en-US')} jobs on a 1 s cron: p99 lateness at or below ${n.toLocaleString('en-US')} raw timers, no missed or doubled fire`,
    val(figs, `${acc}.p99`, SUBJECT), val(figs, `${acc}.p99`, 'raw'), 'raw Node timers', (a, b) => a <= b && clean, 'ms',
    { note: `missed ${missed ?? '?'}, doubled ${doubled ?? '?'}` }));

  const exit = cell(figs, 'stop.exit', SUBJECT);
  const exited = exit && typeof exit.value === 'number';
  out.push(target(`stop ${s.stopN.toLocaleString('en-US')} sleeping jobs in at most toad-scheduler's time, then exit by itself`,
    val(figs, 'stop.all', SUBJECT), val(figs, 'stop.all', 'toad-scheduler'), 'toad-scheduler', (a, b) => a <= b && exited, 'ms',
    { note: exited ? `exited ${exit.value.toFixed(1)} ms after the stop call` : (exit?.text ?? 'exit not measured') }));

  // Issue 12: each against toad-scheduler's scheduler.stop() measured in the same row (same run).
  const stopTarget = (what, id, times) => target(
    `${what} in at most ${times === 1 ? '' : `${times}× `}toad-scheduler's scheduler.stop() (issue 12)`,
    val(figs, id, SUBJECT), val(figs, id, 'toad-scheduler'), `toad-scheduler; target ≤ ${times}×`, (a, b) => a <= times * b, 'ms');
  const stopN = s.stopN.toLocaleString('en-US');
  out.push(stopTarget(`stop ${stopN} sleeping interval jobs (requestStop, then waitUntilDone)`, 'stop.all', 1.5));
  out.push(stopTarget(`stop ${stopN} sleeping cron jobs (requestStop, then waitUntilDone)`, 'stop.cron', 1.5));
  out.push(stopTarget(`JobRunner.stop() of ${stopN} sleeping interval jobs`, 'stop.runner', 1));

  const rate = val(figs, 'throughput.rate', SUBJECT);
  const timer = val(figs, 'throughput.timerP99', SUBJECT);
  out.push(target('interval: 0 — at least 1 M triggers/s while a 10 ms timer keeps p99 lateness under 5 ms',
    rate, 1e6, 'target', (a) => a >= 1e6 && timer !== null && timer < 5, '/s',
    { note: `10 ms timer p99 ${timer === null ? '?' : `${timer.toFixed(2)} ms`}` }));

  const replicasName = '3 replicas on PostgreSQL: 1,000 job-ticks/s, start lateness p99 under 50 ms, 0 duplicates';
  if (replicas === null) {
    out.push({
      name: replicasName,
      status: 'see docs/benchmarks-replicas.md', note: 'scenario 5 runs right after this table (benchmarks/replicas/run-replicas.mjs, part of npm run bench)',
      subject: null, reference: null, ratio: null, unit: '',
    });
  } else {
    const { jobTicksPerSecond, duplicates, latenessP50, atTick } = replicas;
    out.push(target(replicasName, replicas.latenessP99, 50, 'target', (a, b) => a < b && jobTicksPerSecond >= 1000 && duplicates === 0, 'ms', {
      note: `${jobTicksPerSecond.toFixed(0)} job-ticks/s, ${duplicates} duplicates, p50 ${latenessP50} ms, claimAhead ${replicas.claimAhead} s; ` +
        `claimed at the tick: p99 ${atTick.latenessP99} ms (docs/benchmarks-replicas.md)`,
    }));
  }
  return out;
}
