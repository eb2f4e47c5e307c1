/**
 * Cluster-wide pause/resume and manual triggers, end to end (issue 15): three real runner
 * processes share one PostgreSQL, each serving its HTTP API. A pause sent to one replica's HTTP
 * stops the job on all of them within one poll, is shown by every replica with who paused it,
 * and survives a restart; a trigger sent to any replica runs exactly once in the cluster, and
 * the API answers what happened.
 *
 * Figures are printed with `console.log` (prefix `[controls]`).
 */
import { describe, expect, inject, it } from 'vitest';
import type { ActionResponse, JobsResponse } from '../../src/http/api-routes.js';
import { POLL_S, replicaSetPerTest, sleep, type BeginLine, type Received, type ReplicaProcess } from './replica-harness.js';

const url = inject('postgresUrl');
const TOKEN = 'replica-test-token';
const POLL_MS = POLL_S * 1000;
/** Scheduling slack on a loaded 2-core machine. */
const SLACK_MS = 1_000;
/** A schedule that never fires during a test (only manual triggers run). */
const NEVER = '0 0 1 1 *';

const newSet = replicaSetPerTest(url);

async function post(replica: ReplicaProcess, path: string, body: unknown): Promise<{ status: number; body: ActionResponse }> {
  const response = await fetch(`${replica.httpUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as ActionResponse };
}

async function jobOn(replica: ReplicaProcess): Promise<JobsResponse['jobs'][number] | undefined> {
  const response = await fetch(`${replica.httpUrl}/api/jobs`);
  return ((await response.json()) as JobsResponse).jobs[0];
}

describe.sequential('cluster controls (real processes, real PostgreSQL)', () => {
  it('a pause sent to one replica stops the job on all within one poll, survives a restart, and a resume restarts it', async () => {
    const set = newSet('controls_pause');
    const replicas = ['a', 'b', 'c'].map((name) => set.start(name, { httpToken: TOKEN, workMs: 100 }));
    await Promise.all(replicas.map((replica) => replica.ready()));
    const [a, b, c] = replicas as [ReplicaProcess, ReplicaProcess, ReplicaProcess];
    await set.nextLine((line): line is Received<BeginLine> => line.type === 'begin', 10_000);

    const paused = await post(a, '/api/jobs/tick/pause', { by: 'e2e-operator', reason: 'end-to-end test' });
    const pausedAt = Date.now();
    expect(paused).toMatchObject({ status: 200, body: { pause: { job: 'tick', by: 'e2e-operator', reason: 'end-to-end test' } } });
    // Within one poll (plus slack) every replica has paused; no execution begins after that.
    await sleep(POLL_MS + SLACK_MS);
    const quietFrom = Date.now();
    for (const replica of replicas) expect(await jobOn(replica)).toMatchObject({ paused: true, pause: { by: 'e2e-operator', reason: 'end-to-end test' } });
    await sleep(4_000);
    const lastBegin = Math.max(...set.linesOf('begin').map((line) => line.receivedAt));
    console.log(`[controls] last execution began ${lastBegin - pausedAt} ms after the pause answered (poll ${POLL_MS} ms)`);
    expect(set.linesOf('begin').filter((line) => line.receivedAt >= quietFrom)).toEqual([]);

    // A trigger while paused is refused, with the reason, and logged by the replica asked.
    expect(await post(b, '/api/jobs/tick/trigger', { by: 'e2e-operator' })).toMatchObject({ status: 409, body: { status: 'refused', reason: 'paused' } });
    expect(b.logs().some((entry) => entry.event === 'trigger-refused' && entry.reason === 'paused')).toBe(true);

    // A restarted replica starts paused and never runs the job.
    await c.stop();
    const d = set.start('d', { httpToken: TOKEN, workMs: 100 });
    await d.ready();
    await sleep(3_000);
    expect(set.linesOf('begin').filter((line) => line.replica === 'd')).toEqual([]);
    expect(await jobOn(d)).toMatchObject({ paused: true, pause: { by: 'e2e-operator' } });

    // Resumed through another replica: executions begin again.
    const resumedAt = Date.now();
    expect(await post(b, '/api/jobs/tick/resume', { by: 'e2e-operator' })).toMatchObject({ status: 200, body: { pause: { by: 'e2e-operator' }, job: { paused: false } } });
    const next = await set.nextLine((line): line is Received<BeginLine> => line.type === 'begin', 5_000, resumedAt);
    console.log(`[controls] first execution after the resume began ${next.receivedAt - resumedAt} ms later, on ${next.replica}`);
    // Every replica learns of the resume within one poll (plus slack), as it learnt of the pause.
    await sleep(POLL_MS + SLACK_MS);
    for (const replica of [a, b, d]) expect((await jobOn(replica))?.pause).toBeNull();
    await set.stopAll();
  }, 90_000);

  it('a trigger sent to any replica runs exactly once in the cluster', async () => {
    const set = newSet('controls_trigger');
    const replicas = ['a', 'b', 'c'].map((name) => set.start(name, { httpToken: TOKEN, cron: NEVER, workMs: 100 }));
    await Promise.all(replicas.map((replica) => replica.ready()));

    const manualBegins = (): Received<BeginLine>[] => set.linesOf('begin').filter((line) => line.reason === 'manual');
    /** Waits until `count` manual executions have begun in the cluster. */
    const untilManual = async (count: number): Promise<void> => {
      const deadline = Date.now() + 10_000;
      while (manualBegins().length < count && Date.now() < deadline) await sleep(50);
    };

    const ids: string[] = [];
    for (const replica of replicas) {
      const answer = await post(replica, '/api/jobs/tick/trigger', { by: `via-${replica.name}` });
      expect(answer).toMatchObject({ status: 202, body: { status: 'queued', trigger: { job: 'tick', by: `via-${replica.name}` } } });
      ids.push(answer.body.trigger?.id as string);
      await untilManual(ids.length);
    }
    // Triggers sent to all three at once: each one queued runs once; the others are refused.
    const answers = await Promise.all(replicas.map((replica) => post(replica, '/api/jobs/tick/trigger', { by: 'burst' })));
    const queued = answers.filter((answer) => answer.status === 202);
    expect(queued.length).toBeGreaterThanOrEqual(1);
    for (const answer of answers.filter((each) => each.status !== 202)) expect(answer).toMatchObject({ status: 409, body: { reason: 'already-queued' } });
    const expected = ids.length + queued.length;
    await untilManual(expected);
    await sleep(3 * POLL_MS + SLACK_MS);

    const manual = manualBegins();
    console.log(`[controls] ${expected} triggers queued, ${manual.length} manual executions, on ${manual.map((line) => line.replica).join(',')}`);
    expect(new Set(ids).size).toBe(3);
    expect(manual).toHaveLength(expected);
    const taken = replicas.flatMap((replica) => replica.logs().filter((entry) => entry.event === 'trigger-taken').map((entry) => String(entry.triggerId)));
    expect(taken.sort()).toEqual([...ids, ...queued.map((answer) => answer.body.trigger?.id as string)].sort());
    await set.stopAll();
  }, 90_000);
});
