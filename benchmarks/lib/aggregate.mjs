// Folds the repetitions of one case into one record: the median of every numeric field.
import { median } from './stats.mjs';

/**
 * `runs`: the per-repetition result objects (without errors). Numbers become their median;
 * `exited` becomes `exitedRuns` (how many repetitions exited by themselves); other values
 * are taken from the first run.
 */
export function aggregateRuns(runs) {
  const out = { reps: runs.length };
  const keys = new Set(runs.flatMap((r) => Object.keys(r)));
  for (const key of keys) {
    const values = runs.map((r) => r[key]).filter((v) => v !== undefined && v !== null);
    if (key === 'exited') out.exitedRuns = values.filter(Boolean).length;
    else if (values.length > 0 && values.every((v) => typeof v === 'number')) out[key] = median(values);
    else if (values.length > 0) out[key] = values[0];
    else out[key] = null;
  }
  return out;
}
