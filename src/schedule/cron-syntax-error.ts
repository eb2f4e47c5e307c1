/**
 * {@link CronSyntaxError}: why a cron expression was refused, in our words.
 *
 * @module
 */
import { quoteText } from '../errors/quote-text.js';

/**
 * A cron expression is invalid. `reason` says why without repeating the expression (for
 * messages that show it already, such as a `JobConfigError`'s); `message` is
 * `CronSchedule: invalid cron expression "<expression>": <reason>` once thrown by
 * `CronSchedule`. Its `name` stays `RangeError`, as callers have always caught it.
 */
export class CronSyntaxError extends RangeError {
  /** What is wrong, naming the field, the value as written and what is allowed. */
  readonly reason: string;

  /**
   * @param reason - what is wrong
   * @param expression - the expression, when known: the message then quotes it
   */
  constructor(reason: string, expression?: string) {
    super(expression === undefined ? reason : `CronSchedule: invalid cron expression ${quoted(expression)}: ${reason}`);
    this.reason = reason;
  }
}

/** Most characters of an expression a message quotes. */
const MAX_SHOWN = 200;

function quoted(expression: string): string {
  return expression.length > MAX_SHOWN ? `${quoteText(expression.slice(0, MAX_SHOWN))}...` : quoteText(expression);
}
