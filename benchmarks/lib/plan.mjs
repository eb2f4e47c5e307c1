// What to run: every case of every scenario, with its arguments, repetitions and the
// reasons a library sits a case out. Run order matters: a 100,000-job case is gated on the
// same library's 10,000-job result (extrapolated memory and time).
import { LIBS, NO_INTERVAL } from './libraries.mjs';

/** The scenarios of this run; scenario 5 (replicas on PostgreSQL) is benchmarks/replicas/run-replicas.mjs. */
export const SCENARIOS = ['idle', 'accuracy', 'stop', 'throughput'];

/** Per-case budgets used by the gates and the repetition rule. */
export const BUDGET = {
  heapBytes: 3e9, // a case that would need more heap than this is n/a
  scheduleSeconds: 30, // a case whose scheduling alone would take longer is n/a
  runSeconds: 620, // extra repetitions stop when they would push the run past this (about 11 min with the build)
};

/** Rough seconds of one run of a case, per scenario: what the run budget reserves for the rest. */
export const ONE_RUN_SECONDS = { idle: 6, accuracy: 3.5, stop: 6, throughput: 3 };

/**
 * Full run settings, and the --quick smoke run (seconds; one repetition, small N). A stop of
 * 10,000 jobs lasts milliseconds and lands in one of two modes depending on when V8 optimises
 * the stop path, so its cases take the median of `stopReps` runs (fewer for slow libraries).
 */
export function settings(quick) {
  return quick
    ? { idleNs: [1000], cpuMs: 200, accuracyNs: [100], accuracySeconds: 2, stopN: 1000, throughputMs: 500, reps: 1, stopReps: 1, concurrency: 2 }
    : { idleNs: [10_000, 100_000], cpuMs: 1000, accuracyNs: [1, 1000], accuracySeconds: 2, stopN: 10_000, throughputMs: 2000, reps: 3, stopReps: 9, concurrency: 1 };
}

/**
 * Repetitions after a first run that took `seconds`: fewer for slow cases, so that the
 * whole run fits in 10 minutes (the median of 1 or 2 runs is reported as such).
 */
export function repsFor(seconds, wanted) {
  if (seconds > 8) return 1;
  if (seconds > 3) return Math.min(wanted, 2);
  return wanted;
}

const BREE_WORKERS = 'bree runs every fire in a new worker thread';

/** Builds the ordered list of case specs for the chosen scenarios. */
export function buildPlan({ quick = false, only = null } = {}) {
  const s = settings(quick);
  const want = (scenario) => !only || only === scenario;
  const specs = [];
  const add = (spec) => specs.push({ reps: s.reps, ...spec, key: caseKey(spec.scenario, spec.variant, spec.lib) });

  if (want('idle')) {
    for (const n of s.idleNs) {
      for (const kind of ['interval', 'cron-shared', 'cron-distinct']) {
        for (const lib of LIBS) {
          const variant = `${kind}/${n}`;
          const base = { scenario: 'idle', file: 'idle', variant, lib: lib.id, args: { n, kind, cpuMs: n === s.idleNs[0] ? s.cpuMs : 0 } };
          if (kind === 'interval' && !lib.interval) add({ ...base, na: NO_INTERVAL });
          else if (lib.id === 'bree' && n > 10_000) add({ ...base, na: `${BREE_WORKERS}; declaring and starting jobs is quadratic in their number (~8 s for 10,000)` });
          else if (n > s.idleNs[0]) add({ ...base, gate: { from: caseKey('idle', `${kind}/${s.idleNs[0]}`, lib.id), n } });
          else add(base);
        }
      }
    }
  }

  if (want('accuracy')) {
    for (const kind of ['cron', 'interval']) {
      for (const n of s.accuracyNs) {
        for (const lib of LIBS) {
          const base = { scenario: 'accuracy', file: 'accuracy', variant: `${kind}/${n}`, lib: lib.id, args: { n, kind, seconds: s.accuracySeconds } };
          // Two repetitions each (a window costs its length); the medians are of the runs' figures.
          const reps = Math.min(s.reps, 2);
          if (kind === 'interval' && !lib.interval) add({ ...base, na: NO_INTERVAL });
          else if (lib.id === 'bree' && n > 1) add({ ...base, na: `${BREE_WORKERS}: ${n} threads a second do not fit on 2 cores` });
          else add({ ...base, reps, fixedReps: true });
        }
      }
    }
  }

  if (want('stop')) {
    for (const lib of LIBS) {
      add({ scenario: 'stop', file: 'stop', variant: `${s.stopN}`, lib: lib.id, args: { n: s.stopN }, reps: s.stopReps, expectsExit: true });
    }
    // JobRunner.stop(), and cron jobs stopped, against toad-scheduler's scheduler.stop() of its
    // interval jobs measured again beside them, in the same run (issue 12).
    for (const lib of LIBS.filter((l) => l.id === 'eleanor-jobs' || l.id === 'toad-scheduler')) {
      add({ scenario: 'stop', file: 'stop', variant: `runner/${s.stopN}`, lib: lib.id, args: { n: s.stopN, mode: 'runner' }, reps: s.stopReps, expectsExit: true });
      const kind = lib.id === 'eleanor-jobs' ? { kind: 'cron' } : {};
      add({ scenario: 'stop', file: 'stop', variant: `cron/${s.stopN}`, lib: lib.id, args: { n: s.stopN, ...kind }, reps: s.stopReps, expectsExit: true });
    }
  }

  if (want('throughput')) {
    for (const lib of LIBS) {
      const base = { scenario: 'throughput', file: 'throughput', lib: lib.id, args: { ms: s.throughputMs } };
      // A 1 s floor is structural, one repetition shows it.
      const floorOnly = ['croner', 'node-cron', 'node-schedule', 'cron'].includes(lib.id);
      if (lib.id === 'raw') {
        add({ ...base, variant: 'b2b', args: { ...base.args, mode: 'immediate' } });
        add({ ...base, variant: 'await', args: { ...base.args, mode: 'await' } });
      } else {
        add({ ...base, variant: 'b2b', ...(floorOnly ? { reps: 1, fixedReps: true } : {}) });
      }
    }
  }

  return specs;
}

export function caseKey(scenario, variant, lib) {
  return `${scenario}:${variant}:${lib}`;
}
