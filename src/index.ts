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
 * @module
 */
export { BaseJob, type JobConfig, type JobRuntimeOptions } from './job/base-job.js';
export { baseJobFields, retryBackoffSchema, type BaseJobConfig, type BaseJobModel, type FieldSchema, type JobFieldShape, type ResourceLimits, type RetryBackoff } from './job/job-fields.js';
export { getDefaultLogger, setDefaultLogger, type JobLogger, type JobLogLevel, type LogMethod } from './job/job-logger.js';
export type { JobState, LastRun } from './job/job-state.js';
export type { JobHooks } from './job/job-hooks.js';
export { RunContext, type TriggerReason } from './job/run-context.js';
export type {
  ExecutionGrant,
  ExecutionOutcome,
  ExecutionRequest,
  HostedJob,
  JobEvent,
  JobHost,
  RestoredJobState,
  UnexecutedTicks,
} from './job/job-host.js';
export { retryDelaySeconds } from './job/retry-delay.js';
export { JobException } from './errors/job-exception.js';
export { JobConfigError, type ConfigIssue } from './errors/job-config-error.js';
export { JobTimeoutError } from './errors/job-timeout-error.js';
export { StoreError, StoreSchemaError, UnsupportedDatabaseVersionError } from './errors/store-errors.js';
export { CronSchedule, type CronScheduleOptions } from './schedule/cron-schedule.js';
export { CronSyntaxError } from './schedule/cron-syntax-error.js';
export { describeCron } from './schedule/describe-cron.js';
export { describeInterval } from './schedule/describe-interval.js';
export { planDueTicks, ON_TIME_TOLERANCE_MS, type MisfirePolicy, type MisfireSettings, type TickPlan, type DueTicksInput } from './schedule/misfire-plan.js';
export type { Clock } from './time/clock.js';
export { systemClock } from './time/clock.js';
export { MemoryStore, type MemoryStoreOptions } from './store/memory-store.js';
export type {
  ClaimAnswer,
  ClaimRefusal,
  ClaimRequest,
  FinalRunStatus,
  JobStateRecord,
  JobStore,
  LeaseRelease,
  RunClaim,
  RunFinish,
  RunOutcome,
  RunQuery,
  RunRecord,
  RunStatus,
  SkipRequest,
  UnexecutedTickStatus,
} from './store/job-store.js';
export { JobRunner, FORCED_EXIT_CODE, type RunnerState, type RunnerStatus, type StopOptions, type StopReport } from './runner/job-runner.js';
export { RUNNER_DEFAULTS, type JobRunnerOptions } from './runner/runner-options.js';
export type { RunnerEventMap, RunnerEventName, RunnerStartEvent, RunnerStopEvent, JobStateEvent, JobErrorEvent, RunStartEvent, RunEndEvent, TickUnexecutedEvent } from './runner/runner-events.js';
export { TypedEmitter, type Listener, type ListenerErrorHandler } from './runner/typed-emitter.js';
export { StoreHost, DEFAULT_PRUNE_EVERY, type StoreHostOptions } from './runner/store-host.js';
export { RecentRuns } from './runner/recent-runs.js';
export { LeaseLostError } from './runner/lease-lost-error.js';
export { SHUTDOWN_SIGNALS, type ShutdownSignal } from './runner/shutdown-signals.js';
export { RunnerMetrics, type MetricsJobSource, type RunnerMetricsOptions } from './metrics/runner-metrics.js';
export { startHttpServer, DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT, type HttpServerOptions, type RunnerHttpServer } from './http/http-server.js';
export { HttpError, json, text, type HttpMethod, type HttpResponse, type HttpRoute, type RouteContext } from './http/http-route.js';
export { jobView, runView, describeSchedule, type JobDetailView, type JobView, type RunView } from './http/views.js';
export type { ActionResponse, JobsResponse, RunsResponse } from './http/api-routes.js';
export { JobThreadError, type ThreadFailure } from './isolation/job-thread-error.js';
export type { ThreadJobClass } from './isolation/job-class-location.js';
export { dashboardRoutes, type DashboardOptions } from './dashboard/dashboard-routes.js';
