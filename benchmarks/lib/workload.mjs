// The job definitions every library receives: names, interval lengths and cron expressions.
// Idle schedules are chosen so that nothing fires while a case measures.

/** Interval of idle and sleeping jobs (seconds): long enough never to fire during a case. */
export const IDLE_INTERVAL_S = 3600;

/** Hour of day six hours from now: idle cron jobs fire 6-18 hours away, never during a run. */
const H0 = (new Date().getHours() + 6) % 24;
const hour = (k) => (H0 + k) % 24;

/** A few expressions shared by all jobs (job i gets SHARED_EXPRESSIONS[i % 4]): daily, weekdays, monthly. */
export const SHARED_EXPRESSIONS = [
  `0 0 ${hour(0)} * * *`,
  `0 30 ${hour(1)} * * *`,
  `0 15 ${hour(2)} * * 1-5`,
  `0 45 ${hour(3)} 1 * *`,
];

/**
 * An expression per job, all distinct: second, minute and one of 12 hours from i (daily,
 * `S M H * * *`), then a day of month once those 43,200 are used (`S M H D * *`).
 */
export function distinctExpression(i) {
  const s = i % 60;
  const m = Math.floor(i / 60) % 60;
  const h = hour(Math.floor(i / 3600) % 12);
  const round = Math.floor(i / 43200);
  return `${s} ${m} ${h} ${round === 0 ? '*' : round} * *`;
}

export const EVERY_SECOND = '* * * * * *';

/**
 * Names and expressions for `n` jobs of one kind, allocated up front (before the baseline
 * memory reading) so per-job figures count what the library keeps, not our strings.
 */
export function makeWorkload(n, kind) {
  const names = Array.from({ length: n }, (_, i) => `job-${i}`);
  const exprs =
    kind === 'cron-distinct' ? Array.from({ length: n }, (_, i) => distinctExpression(i))
    : kind === 'cron-shared' ? SHARED_EXPRESSIONS
    : null;
  return {
    names,
    nameAt: (i) => names[i],
    exprAt: kind === 'cron-distinct' ? (i) => exprs[i] : (i) => SHARED_EXPRESSIONS[i % SHARED_EXPRESSIONS.length],
    exprs,
  };
}

/** Schedules `n` idle jobs of `kind` ('interval' | 'cron-shared' | 'cron-distinct'). */
export function scheduleIdle(adapter, n, kind, workload) {
  const { nameAt, exprAt } = workload;
  return kind === 'interval'
    ? adapter.scheduleInterval(n, { seconds: IDLE_INTERVAL_S, nameAt })
    : adapter.scheduleCron(n, { exprAt, nameAt });
}
