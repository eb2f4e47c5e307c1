/**
 * A replica frozen (SIGSTOP) while it holds a tick claimed ahead, past its lease, while another
 * replica takes the job over: on SIGCONT it must not execute the held tick (its lease is not
 * live any more on the local clock), only hand it back (issue 12, defect 3).
 */
import { describe, expect, inject, it } from 'vitest';
import { LEASE_TTL_S, PERIOD_MS, replicaSetPerTest, sleep, type ClaimLine, type Received } from './replica-harness.js';

const url = inject('postgresUrl');
const TTL_MS = LEASE_TTL_S * 1000;
/** Claims are sent this long before their tick, so the test can freeze a holder in between. */
const CLAIM_AHEAD_S = 0.7;

describe('a replica frozen while it holds a tick claimed ahead', () => {
  const replicaSet = replicaSetPerTest(url);

  it('does not execute the held tick when it thaws after another replica took over', { timeout: 90_000 }, async () => {
    const set = replicaSet('rep_holder');
    for (const name of ['a', 'b']) set.start(name, { claimAhead: CLAIM_AHEAD_S });
    await Promise.all(set.live.map((replica) => replica.ready(60_000)));
    await sleep(2 * PERIOD_MS);

    // A claim won well ahead of its tick: its replica now holds the tick until it is due.
    const held = await set.nextLine(
      (line): line is Received<ClaimLine> => line.type === 'claim' && line.result === 'won' && line.tick - line.at >= 300,
      10_000,
    );
    const frozen = set.processes.find((replica) => replica.name === held.replica);
    if (frozen === undefined) throw new Error(`no process for replica ${held.replica}`);
    frozen.signal('SIGSTOP');
    const frozenAt = Date.now();
    await sleep(TTL_MS + 3_000);
    const resumedAt = Date.now();
    frozen.signal('SIGCONT');
    await sleep(2 * PERIOD_MS);
    await set.stopAll();

    // Frozen before the tick was due (otherwise the run is another test's case).
    expect(frozenAt, 'frozen before the held tick was due').toBeLessThan(held.tick);
    const begins = set.linesOf('begin');
    const takenOver = begins.filter((line) => line.owner !== held.owner && line.start > frozenAt && line.start < resumedAt);
    expect(takenOver.length, 'ticks the other replica ran while one was frozen').toBeGreaterThan(0);
    const heldRuns = begins.filter((line) => line.owner === held.owner && line.tick === held.tick);
    console.log(
      `[replicas] holder frozen ${held.tick - frozenAt} ms before its tick for ${resumedAt - frozenAt} ms (lease ${TTL_MS} ms); ` +
        `${takenOver.length} ticks run by the other meanwhile; executions of the held tick after thawing: ${heldRuns.length}`,
    );
    expect(heldRuns, 'the held tick executed by the thawed replica').toEqual([]);
  });
});
