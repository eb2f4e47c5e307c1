/**
 * `eleanor-jobs replicas [--store] [--tz] [--json]`: the runner processes that heartbeat into a
 * store, read from the store directly, as a table (text from the store shown with control
 * characters escaped) or as JSON (`GET /api/replicas`'s shape).
 */
import { replicaViews, type ReplicasResponse, type ReplicaView } from '../../http/replicas-route.js';
import { REPLICA_STALE_BEATS } from '../../store/job-store.js';
import { CliError } from '../cli-error.js';
import { toJson } from '../cli-json.js';
import { formatTable } from '../format-table.js';
import { formatLocalTime } from '../format-time.js';
import { describeStoreSpec, storeFromSetting, type StoreSetting } from '../store-spec.js';
import { visible } from '../visible-text.js';

/** Options of {@link replicasCommand}. */
export interface ReplicasOptions {
  /** The store setting in force (`--store`, `ELEANOR_STORE`, ...). */
  readonly store: StoreSetting;
  /** IANA zone the times are shown in. Default: the process's zone. */
  readonly tz?: string | undefined;
  /** `--json`: as `GET /api/replicas` answers (`self` is always `false`). */
  readonly json?: boolean;
}

/** Job names listed per replica in the table; the rest are counted. */
const LEASES_SHOWN = 3;

/**
 * The text `replicas` prints.
 *
 * @throws CliError when the store is missing or no replica ever heartbeated into it
 */
export async function replicasCommand(options: ReplicasOptions): Promise<string> {
  const store = storeFromSetting(options.store, { mustExist: true });
  try {
    await store.open();
    const [replicas, states] = await Promise.all([store.replicas.list(), store.listStates()]);
    if (replicas.length === 0) throw new CliError(`no replica has heartbeated into ${describeStoreSpec(options.store.value)} (runners heartbeat while they run)`);
    const views = replicaViews(replicas, states, '');
    if (options.json === true) {
      const body: ReplicasResponse = { now: Date.now(), staleAfterBeats: REPLICA_STALE_BEATS, replicas: views };
      return toJson(body);
    }
    const running = views.filter((view) => view.status === 'running').length;
    const summary = `${views.length} replica(s), ${running} running; stale = no heartbeat for ${REPLICA_STALE_BEATS} of its intervals (store clock)`;
    return `${summary}\n${formatTable(['OWNER', 'HOST', 'PID', 'VERSION', 'STATUS', 'STARTED', 'LAST SEEN', 'LEASES'], views.map((view) => row(view, options.tz)))}`;
  } finally {
    await store.close();
  }
}

function row(view: ReplicaView, zone: string | undefined): string[] {
  const names = view.leases.slice(0, LEASES_SHOWN).map((job) => visible(job));
  const more = view.leaseCount > names.length ? ` +${view.leaseCount - names.length}` : '';
  return [
    visible(view.owner),
    visible(view.host),
    String(view.pid),
    visible(view.version),
    view.status,
    formatLocalTime(view.startedAt, zone),
    formatLocalTime(view.lastSeenAt, zone),
    view.leaseCount === 0 ? '-' : `${view.leaseCount}: ${names.join(', ')}${more}`,
  ];
}
