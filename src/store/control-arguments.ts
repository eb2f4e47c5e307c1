/**
 * Argument checks of the cluster controls (`JobControls`), shared by every store so
 * that each rejects bad input with the same `TypeError` or `RangeError`, naming the field and
 * the value (escaped, and cut short when long).
 *
 * @module
 */
import { quoteText } from '../errors/quote-text.js';
import { MAX_OPERATOR_LENGTH, MAX_PAUSE_REASON_LENGTH, type PauseRequest, type TriggerRequest } from './job-store.js';
import { forbiddenNameCharacter } from './name-characters.js';
import { checkName } from './store-arguments.js';

/** How much of a refused value an error message quotes. */
const SHOWN_CHARACTERS = 80;

function shown(value: string): string {
  return value.length <= SHOWN_CHARACTERS ? quoteText(value) : `${quoteText(value.slice(0, SHOWN_CHARACTERS))}... (${value.length} characters)`;
}

/** Throws unless `value` is a name (see `checkName`) of at most `max` characters. */
function checkBoundedName(field: string, value: unknown, max: number): asserts value is string {
  checkName(field, typeof value === 'string' && value.length > max ? value.slice(0, max) : value);
  if ((value as string).length > max) throw new RangeError(`${field} must be at most ${max} characters, got ${shown(value as string)}`);
}

/** Checks an operator name (`by`): name rules, at most {@link MAX_OPERATOR_LENGTH} characters. */
export function checkOperator(value: unknown, field = 'by'): asserts value is string {
  checkBoundedName(field, value, MAX_OPERATOR_LENGTH);
}

/** Checks a {@link PauseRequest}; returns its reason (`null` when omitted). */
export function checkPauseRequest(request: PauseRequest): string | null {
  if (typeof request !== 'object' || request === null) throw new TypeError(`request must be an object, got ${String(request)}`);
  checkName('job', request.job);
  checkOperator(request.by);
  const reason = request.reason ?? null;
  if (reason === null) return null;
  if (typeof reason !== 'string') throw new TypeError(`reason must be a string or null, got ${String(reason)}`);
  if (reason.length > MAX_PAUSE_REASON_LENGTH) throw new RangeError(`reason must be at most ${MAX_PAUSE_REASON_LENGTH} characters, got ${shown(reason)}`);
  const forbidden = forbiddenNameCharacter(reason);
  if (forbidden !== null) throw new TypeError(`reason must not contain control characters, got ${shown(reason)} (${forbidden})`);
  return reason === '' ? null : reason;
}

/** Checks a {@link TriggerRequest}. */
export function checkTriggerRequest(request: TriggerRequest): void {
  if (typeof request !== 'object' || request === null) throw new TypeError(`request must be an object, got ${String(request)}`);
  checkName('job', request.job);
  checkOperator(request.by);
}

/** Checks the arguments of `JobControls.takeTrigger`. */
export function checkTakeTrigger(job: unknown, owner: unknown): void {
  checkName('job', job);
  checkName('owner', owner);
}
