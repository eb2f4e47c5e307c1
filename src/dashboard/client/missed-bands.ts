/**
 * Grouping of consecutive missed ticks into bands: a long outage records one missed row per
 * tick, which the timeline draws as one band with a count instead of a wall of markers.
 * Pure, so it is tested without a browser.
 */
import type { ChartRun } from './timeline.js';

/**
 * Most missed ticks the runner records for one outage (the newest; the server's
 * `RECORD_LIMIT` in `src/schedule/misfire-plan.ts`, which a test keeps equal). A band this
 * long may start partway through its outage.
 */
export const MISSED_RECORD_LIMIT = 100;
/** Fewest consecutive missed ticks drawn as a band (fewer are drawn one marker each). */
export const MIN_BAND_TICKS = 3;

/** Consecutive missed ticks of one job, with no other run of the job between them. */
export interface MissedBand {
  readonly job: string;
  /** The oldest and newest tick of the band, epoch ms. */
  readonly first: number;
  readonly last: number;
  /** How many missed ticks it holds. */
  readonly count: number;
  /** The ids of its runs. */
  readonly runIds: readonly string[];
  /** When the job's run before the band happened (its start or tick), if it is known. */
  readonly previousAt: number | null;
  /**
   * The outage may have begun before `first`: the band holds {@link MISSED_RECORD_LIMIT}
   * ticks, or the run before it is further back than the band's tick spacing explains.
   */
  readonly mayStartPartway: boolean;
}

/** When a run happened, for ordering: its tick, else its start. */
const timeOf = (run: ChartRun): number | null => run.tickAt ?? run.startedAt;

/**
 * Groups the missed ticks among `runs` (any order, any jobs): each run of at least
 * {@link MIN_BAND_TICKS} consecutive missed ticks of one job (ordered by tick time, with no
 * other run of that job between them) becomes a {@link MissedBand}, oldest first per job.
 */
export function groupMissedTicks(runs: readonly ChartRun[]): MissedBand[] {
  const byJob = new Map<string, { run: ChartRun; at: number }[]>();
  for (const run of runs) {
    const at = timeOf(run);
    if (at === null) continue;
    let list = byJob.get(run.job);
    if (list === undefined) byJob.set(run.job, (list = []));
    list.push({ run, at });
  }
  const bands: MissedBand[] = [];
  for (const [job, list] of byJob) {
    list.sort((a, b) => a.at - b.at || Number(a.run.id) - Number(b.run.id));
    let start = 0;
    while (start < list.length) {
      if (list[start]?.run.status !== 'missed') {
        start++;
        continue;
      }
      let end = start;
      while (end + 1 < list.length && list[end + 1]?.run.status === 'missed') end++;
      const count = end - start + 1;
      if (count >= MIN_BAND_TICKS) bands.push(band(job, list.slice(start, end + 1), list[start - 1]?.at ?? null));
      start = end + 1;
    }
  }
  return bands;
}

function band(job: string, ticks: readonly { run: ChartRun; at: number }[], previousAt: number | null): MissedBand {
  const first = (ticks[0] as { at: number }).at;
  const last = (ticks.at(-1) as { at: number }).at;
  const spacing = (last - first) / (ticks.length - 1);
  const unexplainedGap = previousAt !== null && spacing > 0 && first - previousAt > 1.5 * spacing;
  return {
    job,
    first,
    last,
    count: ticks.length,
    runIds: ticks.map((tick) => tick.run.id),
    previousAt,
    mayStartPartway: ticks.length >= MISSED_RECORD_LIMIT || unexplainedGap,
  };
}
