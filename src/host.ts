/**
 * `eleanor-jobs/host`: for authors of stores, job hosts and custom HTTP routes. Job authors and
 * runner users need only the root entry, `eleanor-jobs`.
 *
 * - the host protocol between a job's loop and its runner (`JobHost`, grants, outcomes, events)
 *   and the runner's implementation of it over a store (`StoreHost`);
 * - the storage contract's claim-level types (`ClaimRequest`, `RunClaim`, ...), for stores;
 * - the misfire planner (`planDueTicks`) and the retry backoff (`retryDelaySeconds`);
 * - the building blocks of the runner and its HTTP API (`TypedEmitter`, `RecentRuns`, route
 *   helpers, views) and their constants.
 *
 * See docs/guide/host.md.
 *
 * @module
 */
export type { ExecutionGrant, ExecutionOutcome, ExecutionRequest, ExecutionWrapper, HostedJob, JobEvent, JobHost, RestoredJobState, UnexecutedTicks } from './job/job-host.js';
export { retryDelaySeconds } from './job/retry-delay.js';
export { planDueTicks, ON_TIME_TOLERANCE_MS, type MisfireSettings, type TickPlan, type DueTicksInput } from './schedule/misfire-plan.js';
export type { ClaimAnswer, ClaimRefusal, ClaimRequest, LeaseAcquire, LeaseRelease, LeaseRenewal, RunClaim, RunFinish, RunOutcome, RunReport, SkipRequest } from './store/job-store.js';
export type { RunSink } from './job/run-context.js';
export { MAX_RUN_LOG_BYTES, MAX_RUN_LOG_LINES, MAX_RUN_LOG_LINE_LENGTH, MAX_PROGRESS_MESSAGE_LENGTH, boundedLogLines, checkRunReport, storedLogLine, storedProgress, type BoundedLines, type RunLogUse } from './store/run-report-rules.js';
export { REPORT_EVERY_MS } from './runner/run-report-writer.js';
export { StoreHost, DEFAULT_PRUNE_EVERY, type StoreHostOptions } from './runner/store-host.js';
export { TypedEmitter, type Listener, type ListenerErrorHandler } from './runner/typed-emitter.js';
export { RecentRuns } from './runner/recent-runs.js';
export { FORCED_EXIT_CODE } from './runner/job-runner.js';
export { RUNNER_DEFAULTS } from './runner/runner-options.js';
export { SHUTDOWN_SIGNALS, type ShutdownSignal } from './runner/shutdown-signals.js';
export { DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT } from './http/http-server.js';
export { DEFAULT_MAX_EVENT_CLIENTS } from './http/request-handler.js';
export { REDACTED, redactSecrets, secretFieldsOf } from './job/secret-fields.js';
export { HttpError, json, text, type HttpMethod, type HttpResponse, type HttpRoute, type RouteContext } from './http/http-route.js';
export { jobView, runView, describeSchedule, type JobDetailView, type JobView, type RunView } from './http/views.js';
export type { ActionResponse, JobsResponse, RunsResponse } from './http/api-routes.js';
export { replicaViews, MAX_LEASES_LISTED, type ReplicasResponse, type ReplicaView } from './http/replicas-route.js';
export type { HeartbeatEvent } from './http/event-stream.js';
export { ReplicaHeartbeat, REPLICA_RETENTION_MS, PRUNE_EVERY_BEATS, type ReplicaHeartbeatOptions } from './runner/replica-heartbeat.js';
export type { RunLogResponse } from './http/run-log-route.js';
