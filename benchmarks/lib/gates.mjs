// Decides whether a large idle case can run, from the same library's smaller case: heap
// per job and schedule time per job are close to flat in N, so they extrapolate.
import { BUDGET } from './plan.mjs';

const fmtGB = (b) => `${(b / 1e9).toFixed(1)} GB`;

/** Returns { na: reason } or { timeoutMs } for a gated spec, given the source case record. */
export function openGate(spec, source) {
  const { n } = spec.gate;
  if (!source || source.na || source.error) return { na: `no result at the smaller N to extrapolate from` };
  const heap = source.median.heapPerJob * n;
  const schedS = (source.median.schedUs * n) / 1e6;
  if (heap > BUDGET.heapBytes) {
    return { na: `would need ~${fmtGB(heap)} of heap (${Math.round(source.median.heapPerJob / 1000)} KB per job at ${source.args.n.toLocaleString('en-US')} jobs)` };
  }
  if (schedS > BUDGET.scheduleSeconds) {
    return { na: `scheduling ${n.toLocaleString('en-US')} jobs would take ~${Math.round(schedS)} s (${Math.round(source.median.schedUs)} µs per job at ${source.args.n.toLocaleString('en-US')}), over the ${BUDGET.scheduleSeconds} s per-case budget` };
  }
  return { timeoutMs: Math.max(120_000, schedS * 4000 + 60_000) };
}
