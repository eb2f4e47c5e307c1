/**
 * `GET /api/replicas`: the runner processes that heartbeat into the store (this one and its
 * peers), each with the jobs whose live lease it holds. Shapes documented in `docs/guide/http.md`.
 *
 * @module
 */
import type { JobStateRecord, ReplicaRecord } from '../store/job-store.js';
import { REPLICA_STALE_BEATS } from '../store/job-store.js';
import { fromStore } from './api-routes.js';
import { json, type HttpRoute, type RouteContext } from './http-route.js';

/** Most job names listed per replica in {@link ReplicaView.leases} (`leaseCount` counts all). */
export const MAX_LEASES_LISTED = 100;

/** One replica as `GET /api/replicas` shows it. */
export interface ReplicaView extends Omit<ReplicaRecord, 'stale'> {
  /** `running` (heartbeating), `stale` (stopped heartbeating without a clean stop) or `stopped`. */
  readonly status: 'running' | 'stale' | 'stopped';
  /** `true` when it stopped heartbeating ({@link ReplicaRecord.stale}). */
  readonly stale: boolean;
  /** `true` for the process answering this request. */
  readonly self: boolean;
  /** How many jobs' live leases it holds. */
  readonly leaseCount: number;
  /** The names of those jobs, in binary order, at most {@link MAX_LEASES_LISTED}. */
  readonly leases: string[];
}

/** `GET /api/replicas` */
export interface ReplicasResponse {
  /** Server time (epoch ms), to show `lastSeenAt` relative to it. */
  readonly now: number;
  /** A replica is stale after this many heartbeat intervals without one (store clock). */
  readonly staleAfterBeats: number;
  /** Every replica the store knows (stopped ones until pruned), ordered by owner. */
  readonly replicas: ReplicaView[];
}

/** The `GET /api/replicas` route (`HEAD` answered by the router). */
export function replicasRoute(): HttpRoute {
  return { method: 'GET', path: '/api/replicas', handle: listReplicas };
}

async function listReplicas(context: RouteContext) {
  const store = context.runner.store;
  const [replicas, states] = await fromStore(context, Promise.all([store.replicas.list(), store.listStates()]));
  const body: ReplicasResponse = { now: Date.now(), staleAfterBeats: REPLICA_STALE_BEATS, replicas: replicaViews(replicas, states, context.runner.owner) };
  return json(body);
}

/** The views of `replicas`, with the leases `states` show each holding; `self` is this process's owner. */
export function replicaViews(replicas: readonly ReplicaRecord[], states: readonly JobStateRecord[], self: string): ReplicaView[] {
  const leases = new Map<string, string[]>();
  for (const state of states) {
    if (state.leaseOwner === null) continue;
    const held = leases.get(state.leaseOwner);
    if (held === undefined) leases.set(state.leaseOwner, [state.job]);
    else held.push(state.job);
  }
  return replicas.map((replica) => {
    const held = leases.get(replica.owner) ?? [];
    const status = replica.stoppedAt !== null ? 'stopped' : replica.stale ? 'stale' : 'running';
    return { ...replica, status, self: replica.owner === self, leaseCount: held.length, leases: held.slice(0, MAX_LEASES_LISTED) };
  });
}
