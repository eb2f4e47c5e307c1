/**
 * eleanor-jobs: cron and interval jobs for Node.js backends.
 *
 * ```ts
 * import { BaseJob } from 'eleanor-jobs';
 *
 * class Heartbeat extends BaseJob {
 *   execute() {
 *     this.logger.info('still alive');
 *   }
 * }
 *
 * const job = new Heartbeat({ name: 'heartbeat', interval: 5 });
 * job.start();
 * ```
 *
 * This entry holds what job authors and runner users need. Store and host authors (and custom
 * HTTP routes) find the host protocol, the store host and the building blocks under
 * `eleanor-jobs/host` (docs/guide/host.md).
 *
 * @module
 */
import { registerIsolationLayer } from './job/job-isolation.js';
import { threadIsolation } from './isolation/thread-isolation.js';

// `isolation: 'thread'` is reached through an interface: BaseJob does not import the layer.
registerIsolationLayer('thread', threadIsolation);

export { BaseJob, type JobConfig, type JobRuntimeOptions } from './job/base-job.js';
export { baseJobFields, retryBackoffSchema, type BaseJobConfig, type BaseJobModel, type FieldSchema, type JobFieldShape, type ResourceLimits, type RetryBackoff } from './job/job-fields.js';
export { getDefaultLogger, setDefaultLogger, type JobLogger, type JobLogLevel, type LogMethod } from './job/job-logger.js';
export type { JobState, LastRun } from './job/job-state.js';
export type { JobHooks } from './job/job-hooks.js';
export { RunContext, type TriggerReason } from './job/run-context.js';
export { JobException } from './errors/job-exception.js';
export { JobConfigError, type ConfigIssue } from './errors/job-config-error.js';
export { JobTimeoutError } from './errors/job-timeout-error.js';
export { StoreError, StoreSchemaError, UnsupportedDatabaseVersionError } from './errors/store-errors.js';
export { CronSchedule, type CronScheduleOptions } from './schedule/cron-schedule.js';
export { CronSyntaxError } from './schedule/cron-syntax-error.js';
export { describeCron } from './schedule/describe-cron.js';
export { describeInterval } from './schedule/describe-interval.js';
export type { MisfirePolicy } from './schedule/misfire-plan.js';
export type { Clock } from './time/clock.js';
export { systemClock } from './time/clock.js';
export { MemoryStore, type MemoryStoreOptions } from './store/memory-store.js';
export type { FinalRunStatus, JobStateRecord, JobStore, RunLog, RunProgress, RunQuery, RunRecord, RunStatus, UnexecutedTickStatus } from './store/job-store.js';
export { REPLICA_STALE_BEATS, REPLICA_TEXT_MAX, type ReplicaBeat, type ReplicaRecord, type ReplicaRegistry } from './store/job-store.js';
export { JobRunner, type RunnerState, type RunnerStatus, type StopOptions, type StopReport } from './runner/job-runner.js';
export type { PauseOptions, TriggerAnswer, TriggerOptions, TriggerRefusalReason } from './runner/cluster-controls.js';
export { MAX_OPERATOR_LENGTH, MAX_PAUSE_REASON_LENGTH } from './store/job-store.js';
export type { JobControls, JobControlsSnapshot, JobPause, PauseRequest, PendingTrigger, TriggerRefusal, TriggerRequest, TriggerRequestAnswer } from './store/job-store.js';
export type { JobRunnerOptions, RunnerMetricsSettings } from './runner/runner-options.js';
export type { RunnerEventMap, RunnerEventName, RunnerStartEvent, RunnerStopEvent, JobStateEvent, JobErrorEvent, RunStartEvent, RunEndEvent, RunProgressEvent, RunLogEvent, TickUnexecutedEvent } from './runner/runner-events.js';
export { LeaseLostError } from './runner/lease-lost-error.js';
export { RunnerMetrics, type MetricsJobSource, type RunnerMetricsOptions } from './metrics/runner-metrics.js';
export { startHttpServer, type HttpServerOptions, type RunnerHttpServer } from './http/http-server.js';
export { createRequestHandler, type NextFunction, type RequestHandlerOptions, type RunnerRequestHandler } from './http/request-handler.js';
export { JobThreadError, type ThreadFailure } from './isolation/job-thread-error.js';
export type { ThreadJobClass } from './isolation/job-class-location.js';
export { dashboardRoutes, type DashboardOptions } from './dashboard/dashboard-routes.js';
/** zod's schema builder, the one `fields` are written with (`import { z } from 'eleanor-jobs'`: no second install). */
export { z } from 'zod';
