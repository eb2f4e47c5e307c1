/**
 * The JSON shapes the dashboard reads, re-exported from the server's HTTP API (type-only, so
 * nothing of the server reaches the browser).
 */
export type { ActionResponse, JobsResponse, RunsResponse } from '../../http/api-routes.js';
export type { JobDetailView, JobView, RunView } from '../../http/views.js';
export type { ReplicasResponse, ReplicaView } from '../../http/replicas-route.js';
export type { HeartbeatEvent } from '../../http/event-stream.js';
export type { RunProgress, RunStatus } from '../../store/job-store.js';
export type { RunLogResponse } from '../../http/run-log-route.js';
export type { RunLogEvent, RunProgressEvent } from '../../runner/runner-events.js';
