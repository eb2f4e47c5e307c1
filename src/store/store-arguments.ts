/**
 * Argument checks shared by every `JobStore` implementation, so that each store rejects
 * bad input with the same `TypeError` or `RangeError`, naming the field and the value.
 *
 * @module
 */
import { quoteText } from '../errors/quote-text.js';
import { forbiddenNameCharacter } from './name-characters.js';
import type { ClaimRequest, FinalRunStatus, LeaseAcquire, LeaseRelease, LeaseRenewal, RunFinish, RunOutcome, RunQuery, SkipRequest } from './job-store.js';

const FINAL_STATUSES: ReadonlySet<string> = new Set<FinalRunStatus>(['ok', 'failed', 'timeout', 'interrupted']);
const UNEXECUTED_STATUSES: ReadonlySet<string> = new Set(['missed', 'skipped']);
const RUN_ID = /^(0|[1-9][0-9]*)$/;

/** Default `limit` of `JobStore.listRuns`. */
export const DEFAULT_RUN_LIMIT = 100;

function show(value: unknown): string {
  return typeof value === 'string' ? quoteText(value) : String(value);
}

/**
 * Throws a `TypeError` unless `value` is a non-empty string without control characters or
 * lone surrogates (see `name-characters.ts`).
 */
export function checkName(field: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`${field} must be a non-empty string, got ${show(value)}`);
  }
  const forbidden = forbiddenNameCharacter(value);
  if (forbidden !== null) throw new TypeError(`${field} must not contain control characters, got ${show(value)} (${forbidden})`);
}

/** Throws a `TypeError` unless `value` is a finite integer (an epoch-millisecond time). */
export function checkTime(field: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TypeError(`${field} must be an integer epoch-millisecond time, got ${show(value)}`);
  }
}

/** Throws a `RangeError` unless `value` is a positive integer number of milliseconds. */
export function checkLeaseMs(value: unknown, at = ''): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${at}leaseMs must be a positive integer number of milliseconds, got ${show(value)}`);
  }
}

/** Throws a `RangeError` unless `value` is a non-negative integer fencing number. */
export function checkFence(value: unknown, at = ''): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${at}fence must be a non-negative integer, got ${show(value)}`);
  }
}

/**
 * Parses a run id (a non-negative decimal integer rendered as a string) into a number.
 * Throws a `RangeError` naming `field` otherwise.
 */
export function parseRunId(field: string, value: unknown): number {
  if (typeof value !== 'string' || !RUN_ID.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new RangeError(`${field} must be a run id (a decimal integer string), got ${show(value)}`);
  }
  return Number(value);
}

function checkTicks(field: string, ticks: unknown, before: number | null): asserts ticks is readonly number[] {
  if (!Array.isArray(ticks)) throw new TypeError(`${field} must be an array of tick times, got ${show(ticks)}`);
  let previous = -Infinity;
  for (const [index, tick] of ticks.entries()) {
    checkTime(`${field}[${index}]`, tick);
    if (tick <= previous) throw new RangeError(`${field} must be strictly ascending, but ${field}[${index}] is ${tick}`);
    if (before !== null && tick >= before) {
      throw new RangeError(`${field}[${index}] (${tick}) must be before the claimed tickAt (${before})`);
    }
    previous = tick;
  }
}

function checkUnexecutedStatus(field: string, value: unknown): void {
  if (typeof value !== 'string' || !UNEXECUTED_STATUSES.has(value)) {
    throw new RangeError(`${field} must be 'missed' or 'skipped', got ${show(value)}`);
  }
}

/** Checks every field of a {@link ClaimRequest}; `at` prefixes the field names (e.g. `requests[2].`). */
export function checkClaimRequest(request: ClaimRequest, at = ''): void {
  checkName(`${at}job`, request.job);
  checkName(`${at}owner`, request.owner);
  if (request.tickAt !== null) checkTime(`${at}tickAt`, request.tickAt);
  checkTime(`${at}startedAt`, request.startedAt);
  checkLeaseMs(request.leaseMs, at);
  if (request.unexecuted !== undefined) {
    if (request.tickAt === null && request.unexecuted.ticks.length > 0) {
      throw new RangeError(`${at}unexecuted ticks can only be recorded with a claim for a tick (${at}tickAt is null)`);
    }
    checkTicks(`${at}unexecuted.ticks`, request.unexecuted.ticks, request.tickAt);
    checkUnexecutedStatus(`${at}unexecuted.status`, request.unexecuted.status);
  }
}

/**
 * Checks a batch: an array whose items pass `checkItem` (field names prefixed with
 * `<field>[i].`) and name distinct keys (`keyOf`, named `keyField` in the error).
 */
function checkBatch<T>(field: string, items: unknown, checkItem: (item: T, at: string) => void, keyField: string, keyOf: (item: T) => unknown): asserts items is readonly T[] {
  if (!Array.isArray(items)) throw new TypeError(`${field} must be an array, got ${show(items)}`);
  const seen = new Set<unknown>();
  for (const [index, item] of (items as T[]).entries()) {
    const at = `${field}[${index}].`;
    if (typeof item !== 'object' || item === null) throw new TypeError(`${field}[${index}] must be an object, got ${show(item)}`);
    checkItem(item, at);
    const key = keyOf(item);
    if (seen.has(key)) throw new RangeError(`${at}${keyField} ${show(key)} appears more than once in one call`);
    seen.add(key);
  }
}

/** Checks the job names of `JobStore.loadStates`. */
export function checkJobNames(jobs: unknown): asserts jobs is readonly string[] {
  if (!Array.isArray(jobs)) throw new TypeError(`jobs must be an array, got ${show(jobs)}`);
  for (const [index, job] of (jobs as unknown[]).entries()) checkName(`jobs[${index}]`, job);
}

/** Checks the requests of `JobStore.claimRuns`: each one, for distinct jobs. */
export function checkClaimRequests(requests: unknown): asserts requests is readonly ClaimRequest[] {
  checkBatch<ClaimRequest>('requests', requests, checkClaimRequest, 'job', (request) => request.job);
}

/**
 * Checks the items of `JobStore.finishRuns` (distinct runs); returns their ids parsed, in
 * order.
 */
export function checkRunFinishes(finishes: unknown): number[] {
  const ids: number[] = [];
  checkBatch<RunFinish>(
    'finishes',
    finishes,
    (finish, at) => {
      ids.push(parseRunId(`${at}runId`, finish.runId));
      checkRunOutcome(finish.outcome, at);
    },
    'runId',
    (finish) => finish.runId,
  );
  return ids;
}

/** Checks the items of `JobStore.releaseLeases`: each one, for distinct jobs. */
export function checkLeaseReleases(releases: unknown): asserts releases is readonly LeaseRelease[] {
  checkBatch<LeaseRelease>(
    'releases',
    releases,
    (release, at) => {
      checkName(`${at}job`, release.job);
      checkName(`${at}owner`, release.owner);
      checkFence(release.fence, at);
    },
    'job',
    (release) => release.job,
  );
}

/** Checks the items of `JobStore.acquireLeases`: each one, for distinct jobs. */
export function checkLeaseAcquires(acquires: unknown): asserts acquires is readonly LeaseAcquire[] {
  checkBatch<LeaseAcquire>(
    'acquires',
    acquires,
    (acquire, at) => {
      checkName(`${at}job`, acquire.job);
      checkName(`${at}owner`, acquire.owner);
      checkLeaseMs(acquire.leaseMs, at);
    },
    'job',
    (acquire) => acquire.job,
  );
}

/** Checks the items of `JobStore.renewLeases`: each one, for distinct jobs. */
export function checkLeaseRenewals(renewals: unknown): asserts renewals is readonly LeaseRenewal[] {
  checkBatch<LeaseRenewal>(
    'renewals',
    renewals,
    (renewal, at) => {
      checkName(`${at}job`, renewal.job);
      checkName(`${at}owner`, renewal.owner);
      checkFence(renewal.fence, at);
      checkLeaseMs(renewal.leaseMs, at);
    },
    'job',
    (renewal) => renewal.job,
  );
}

/** Checks the arguments of `JobStore.pruneJobs`: distinct job names and a count to keep. */
export function checkPruneJobs(jobs: unknown, keep: unknown): asserts jobs is readonly string[] {
  checkJobNames(jobs);
  const seen = new Set<string>();
  for (const [index, job] of jobs.entries()) {
    if (seen.has(job)) throw new RangeError(`jobs[${index}] ${show(job)} appears more than once in one call`);
    seen.add(job);
  }
  checkKeep(keep);
}

/** Checks every field of a {@link SkipRequest}; `at` prefixes the field names (e.g. `requests[2].`). */
export function checkSkipRequest(request: SkipRequest, at = ''): void {
  checkName(`${at}job`, request.job);
  checkName(`${at}owner`, request.owner);
  checkTicks(`${at}ticks`, request.ticks, null);
  if (request.ticks.length === 0) throw new RangeError(`${at}ticks must hold at least one tick, got []`);
  checkUnexecutedStatus(`${at}status`, request.status);
}

/** Checks the requests of `JobStore.skipTicksOfJobs`: each one, for distinct jobs. */
export function checkSkipRequests(requests: unknown): asserts requests is readonly SkipRequest[] {
  checkBatch<SkipRequest>('requests', requests, checkSkipRequest, 'job', (request) => request.job);
}

/** Checks every field of a {@link RunOutcome}; `at` prefixes the field names. */
export function checkRunOutcome(outcome: RunOutcome, at = ''): void {
  if (typeof outcome !== 'object' || outcome === null) throw new TypeError(`${at}outcome must be an object, got ${show(outcome)}`);
  if (!FINAL_STATUSES.has(outcome.status)) {
    throw new RangeError(`${at}status must be one of ok, failed, timeout, interrupted, got ${show(outcome.status)}`);
  }
  checkTime(`${at}endedAt`, outcome.endedAt);
  if (outcome.error !== null && typeof outcome.error !== 'string') {
    throw new TypeError(`${at}error must be a string or null, got ${show(outcome.error)}`);
  }
}

/** A {@link RunQuery} checked and completed with defaults. */
export interface CheckedRunQuery {
  /** Only this job, or all jobs when `undefined`. */
  readonly job: string | undefined;
  /** Lower bound on start (or tick) time, or `undefined`. */
  readonly since: number | undefined;
  /** Only ids below this one, or `undefined`. */
  readonly beforeId: number | undefined;
  /** Row limit. */
  readonly limit: number;
}

/** Checks a {@link RunQuery} and fills in its defaults. */
export function checkRunQuery(query: RunQuery = {}): CheckedRunQuery {
  if (query.job !== undefined) checkName('job', query.job);
  if (query.since !== undefined) checkTime('since', query.since);
  const beforeId = query.beforeId === undefined ? undefined : parseRunId('beforeId', query.beforeId);
  const limit = query.limit ?? DEFAULT_RUN_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be a positive integer, got ${show(limit)}`);
  }
  return { job: query.job, since: query.since, beforeId, limit };
}

/** Throws a `RangeError` unless `keep` is a non-negative integer. */
export function checkKeep(keep: unknown): asserts keep is number {
  if (typeof keep !== 'number' || !Number.isSafeInteger(keep) || keep < 0) {
    throw new RangeError(`keep must be a non-negative integer, got ${show(keep)}`);
  }
}
