// Turns case records into figures: one row per measured quantity, one cell per library,
// plus the best peer and the ratios of eleanor-jobs to the best peer and to raw Node.
import { BASELINE, LIBS, PEERS, SUBJECT } from './libraries.mjs';
import { caseKey, settings } from './plan.mjs';

const KIND_LABEL = {
  interval: 'interval jobs',
  'cron-shared': 'cron jobs, 4 shared expressions',
  'cron-distinct': 'cron jobs, all-distinct expressions',
};
const n$ = (n) => n.toLocaleString('en-US');

/**
 * A figure reading `field` of the case `scenario:variant:<lib>` for every library. `better`:
 * 'lower', 'higher', or 'zero' (lateness: closest to zero, since negative means early).
 */
function caseFigure(records, { id, group, label, unit, better = 'lower', scenario, variant, field, cellFor }) {
  const cells = {};
  for (const lib of LIBS) {
    const rec = records.get(caseKey(scenario, variant, lib.id));
    if (!rec) cells[lib.id] = { missing: true };
    else if (rec.na) cells[lib.id] = { na: rec.na };
    else if (rec.error) cells[lib.id] = { error: rec.error };
    else cells[lib.id] = cellFor ? cellFor(rec.median) : { value: rec.median[field] ?? null, reps: rec.median.reps };
  }
  return withRatios({ id, group, label, unit, better, cells });
}

const finite = (c) => c && typeof c.value === 'number' && Number.isFinite(c.value);

/** Ratio a / b for positive figures; 1 when both are 0 (e.g. no missed fire on either side). */
export function ratio(a, b) {
  if (a === 0 && b === 0) return 1;
  if (!(a > 0) || !(b > 0)) return null;
  return a / b;
}

function withRatios(fig) {
  const peers = PEERS.map((id) => ({ id, c: fig.cells[id] })).filter(({ c }) => finite(c));
  const score = fig.better === 'higher' ? (v) => -v : fig.better === 'zero' ? Math.abs : (v) => v;
  const pick = (a, b) => (score(b.c.value) < score(a.c.value) ? b : a);
  const best = peers.length ? peers.reduce(pick) : null;
  const subject = fig.cells[SUBJECT];
  const raw = fig.cells[BASELINE];
  return {
    ...fig,
    bestPeer: best ? { lib: best.id, value: best.c.value } : null,
    ratioBestPeer: best && finite(subject) ? ratio(subject.value, best.c.value) : null,
    ratioRaw: finite(raw) && finite(subject) ? ratio(subject.value, raw.value) : null,
  };
}

/** Every figure of a run, grouped by scenario, in table order. */
export function buildFigures(records, { quick = false } = {}) {
  const s = settings(quick);
  const figs = [];
  const add = (spec) => figs.push(caseFigure(records, spec));

  for (const kind of ['interval', 'cron-shared', 'cron-distinct']) {
    for (const n of s.idleNs) {
      const v = `${kind}/${n}`;
      const base = { group: 'Idle', scenario: 'idle', variant: v };
      add({ ...base, id: `idle.${v}.heap`, label: `heap per job, ${n$(n)} ${KIND_LABEL[kind]}`, unit: 'B', field: 'heapPerJob' });
      add({ ...base, id: `idle.${v}.rss`, label: `RSS per job, ${n$(n)} ${KIND_LABEL[kind]}`, unit: 'B', field: 'rssPerJob' });
      add({ ...base, id: `idle.${v}.sched`, label: `time to schedule one job, ${n$(n)} ${KIND_LABEL[kind]}`, unit: 'µs', field: 'schedUs' });
    }
    const v = `${kind}/${s.idleNs[0]}`;
    add({ group: 'Idle', scenario: 'idle', variant: v, id: `idle.${v}.cpu`, label: `idle CPU, ${n$(s.idleNs[0])} ${KIND_LABEL[kind]}`, unit: 'ms/s', field: 'cpuMsPerS' });
  }

  for (const kind of ['cron', 'interval']) {
    for (const n of s.accuracyNs) {
      const v = `${kind}/${n}`;
      const what = kind === 'cron' ? `${n$(n)} job${n > 1 ? 's' : ''} on a 1 s cron` : `${n$(n)} job${n > 1 ? 's' : ''} on a 1 s interval`;
      const base = { group: 'Accuracy', scenario: 'accuracy', variant: v };
      add({ ...base, id: `accuracy.${v}.p50`, label: `lateness p50, ${what}`, unit: 'ms', better: 'zero', field: 'lateP50' });
      add({ ...base, id: `accuracy.${v}.p99`, label: `lateness p99, ${what}`, unit: 'ms', better: 'zero', field: 'lateP99' });
      add({ ...base, id: `accuracy.${v}.max`, label: `lateness max, ${what}`, unit: 'ms', better: 'zero', field: 'lateMax' });
      if (kind === 'cron') {
        add({ ...base, id: `accuracy.${v}.missed`, label: `missed fires (job-seconds), ${what}`, unit: 'count', field: 'missed' });
        add({ ...base, id: `accuracy.${v}.doubled`, label: `doubled fires, ${what}`, unit: 'count', field: 'doubled' });
      }
    }
  }

  const stopV = `${s.stopN}`;
  add({ group: 'Stop', scenario: 'stop', variant: stopV, id: 'stop.all', label: `stop ${n$(s.stopN)} sleeping jobs, until all done`, unit: 'ms', field: 'stopMs' });
  add({
    group: 'Stop', scenario: 'stop', variant: stopV, id: 'stop.exit', label: `stop ${n$(s.stopN)} sleeping jobs, until the process exits`, unit: 'ms',
    cellFor: (m) => (m.exitedRuns === m.reps ? { value: m.exitMs, reps: m.reps }
      : { value: null, text: m.exitedRuns === 0 ? 'did not exit' : `exited ${m.exitedRuns}/${m.reps}` }),
  });

  add({
    group: 'Stop', scenario: 'stop', variant: `runner/${s.stopN}`, id: 'stop.runner',
    label: `stop ${n$(s.stopN)} sleeping interval jobs: eleanor-jobs under a JobRunner (runner.stop()), toad-scheduler as above`, unit: 'ms', field: 'stopMs',
  });
  add({
    group: 'Stop', scenario: 'stop', variant: `cron/${s.stopN}`, id: 'stop.cron',
    label: `stop ${n$(s.stopN)} sleeping jobs: eleanor-jobs cron jobs (requestStop, then waitUntilDone), toad-scheduler as above`, unit: 'ms', field: 'stopMs',
  });

  const b2b = { group: 'Throughput', scenario: 'throughput', variant: 'b2b' };
  add({ ...b2b, id: 'throughput.rate', label: 'back-to-back triggers per second (raw: setImmediate loop)', unit: '/s', better: 'higher', field: 'perSec' });
  figs.push(awaitLoopFigure(records, figs.at(-1)));
  add({ ...b2b, id: 'throughput.timerP99', label: 'lateness p99 of a 10 ms timer beside it', unit: 'ms', field: 'timerP99' });
  return figs;
}

/** The same rate against the other raw limit: a plain `await` loop (it starves timers). */
function awaitLoopFigure(records, rateFig) {
  const rec = records.get(caseKey('throughput', 'await', BASELINE));
  const raw = !rec ? { missing: true } : rec.na ? { na: rec.na } : rec.error ? { error: rec.error } : { value: rec.median.perSec, reps: rec.median.reps };
  return withRatios({ ...rateFig, id: 'throughput.rateAwait', label: 'back-to-back triggers per second (raw: plain await loop)', cells: { ...rateFig.cells, [BASELINE]: raw } });
}

/** Mode of each library's back-to-back throughput case (what "back-to-back" meant). */
export function throughputModes(records) {
  const modes = {};
  for (const lib of LIBS) {
    const rec = records.get(caseKey('throughput', 'b2b', lib.id));
    if (rec?.median?.mode) modes[lib.id] = rec.median.mode;
  }
  const raw = records.get(caseKey('throughput', 'await', BASELINE));
  if (raw?.median?.mode) modes['raw (await)'] = raw.median.mode;
  return modes;
}
