/**
 * The `state` events a worker reports to its host: one frozen event per public state, shared by
 * every worker, so that a runner stopping 10,000 jobs (two reports each) allocates none.
 *
 * @module
 */
import type { JobEvent } from '../job-host.js';
import type { JobState } from '../job-state.js';

const event = (state: JobState): JobEvent => Object.freeze({ type: 'state', state });

const EVENTS: Readonly<Record<JobState, JobEvent>> = {
  stopped: event('stopped'),
  starting: event('starting'),
  sleeping: event('sleeping'),
  running: event('running'),
  paused: event('paused'),
  retrying: event('retrying'),
  stopping: event('stopping'),
};

/** The shared, frozen `state` event for `state`. */
export function stateEvent(state: JobState): JobEvent {
  return EVENTS[state];
}
