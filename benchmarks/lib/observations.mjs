// Plain-sentence notes on anything odd a library did in this run (missed, doubled or early
// fires, a process that would not exit), read from the case records.
import { LIBS, libById } from './libraries.mjs';
import { caseKey } from './plan.mjs';
import { sig } from './format.mjs';

export function observe(records, { accuracyNs, accuracySeconds, stopN }) {
  const notes = [];
  for (const lib of LIBS) {
    const name = libById(lib.id).label;
    for (const kind of ['cron', 'interval']) {
      for (const n of accuracyNs) {
        const m = records.get(caseKey('accuracy', `${kind}/${n}`, lib.id))?.median;
        if (!m) continue;
        const what = `${n.toLocaleString('en-US')} job${n > 1 ? 's' : ''} on a 1 s ${kind}`;
        if (m.missed > 0 || m.doubled > 0) {
          notes.push(`${name}, ${what}: ${Math.round(m.missed)} missed and ${Math.round(m.doubled)} doubled fires in ${(n * accuracySeconds).toLocaleString('en-US')} job-seconds (median of repetitions).`);
        }
        if (m.earliest < -2) {
          notes.push(kind === 'cron'
            ? `${name}, ${what}: some fires landed up to ${sig(-m.earliest)} ms before a whole second (early, or about ${sig(1000 + m.earliest)} ms late).`
            : `${name}, ${what}: some runs started less than 1 s after the previous run ended, by up to ${sig(-m.earliest)} ms (not a fixed delay).`);
        }
        const expected = n * accuracySeconds;
        if (kind === 'interval' && m.fires > expected * 1.02) notes.push(`${name}, ${what}: ${Math.round(m.fires)} runs in the window where ${expected} were due.`);
      }
    }
    const stop = records.get(caseKey('stop', `${stopN}`, lib.id))?.median;
    if (stop && stop.exitedRuns < stop.reps) notes.push(`${name}: after stopping ${stopN.toLocaleString('en-US')} jobs the process did not exit by itself in ${stop.reps - stop.exitedRuns} of ${stop.reps} runs.`);
  }
  return notes;
}
