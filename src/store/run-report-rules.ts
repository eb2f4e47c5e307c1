/**
 * The rules every store applies to `JobStore.reportRun`: argument checks, the text a
 * progress message and a log line are stored as, and the bounds of a run's log. Shared so
 * that every store keeps the same text and the same lines.
 *
 * @module
 */
import { visible } from '../cli/visible-text.js';
import { quoteText } from '../errors/quote-text.js';
import type { RunProgress, RunReport } from './job-store.js';
import { LONE_SURROGATE } from './run-error-text.js';
import { checkTime, parseRunId } from './store-arguments.js';

/** Most lines a run's log keeps. */
export const MAX_RUN_LOG_LINES = 200;
/** Most bytes (UTF-8, one newline per line included) a run's log keeps. */
export const MAX_RUN_LOG_BYTES = 64 * 1024;
/** Most characters of one log line. */
export const MAX_RUN_LOG_LINE_LENGTH = 1_000;
/** Most characters of a progress message. */
export const MAX_PROGRESS_MESSAGE_LENGTH = 200;

/**
 * `text` as one stored line of at most `max` characters: control characters (newlines too)
 * shown escaped, lone surrogates as U+FFFD, a longer text cut with a final `…`.
 */
export function oneLineText(text: string, max: number): string {
  const line = visible(text).replace(LONE_SURROGATE, '\uFFFD');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The text a store keeps of a progress message (see {@link oneLineText}). */
export function storedProgressMessage(message: string | null): string | null {
  return message === null ? null : oneLineText(message, MAX_PROGRESS_MESSAGE_LENGTH);
}

/** The text a store keeps of a log line (see {@link oneLineText}). */
export function storedLogLine(line: string): string {
  return oneLineText(line, MAX_RUN_LOG_LINE_LENGTH);
}

function show(value: unknown): string {
  return typeof value === 'string' ? quoteText(value) : String(value);
}

/**
 * Throws a `RangeError` unless `fraction` is a finite number from 0 to 1, naming `field`.
 */
export function checkProgressFraction(fraction: unknown, field = 'progress.fraction'): asserts fraction is number {
  if (typeof fraction !== 'number' || !Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
    throw new RangeError(`${field} must be a finite number from 0 to 1, got ${show(fraction)}`);
  }
}

/** Throws a `TypeError` unless `message` is a string or `null`, naming `field`. */
export function checkProgressMessage(message: unknown, field = 'progress.message'): asserts message is string | null {
  if (message !== null && typeof message !== 'string') throw new TypeError(`${field} must be a string or null, got ${show(message)}`);
}

function checkProgress(progress: RunProgress): void {
  if (typeof progress !== 'object' || progress === null) throw new TypeError(`progress must be an object or null, got ${show(progress)}`);
  checkProgressFraction(progress.fraction);
  checkProgressMessage(progress.message);
  checkTime('progress.updatedAt', progress.updatedAt);
}

/**
 * Checks a {@link RunReport} and returns the run id as a number.
 *
 * @throws RangeError for a bad run id or fraction; TypeError for a bad message, time or line
 */
export function checkRunReport(report: RunReport): number {
  if (typeof report !== 'object' || report === null) throw new TypeError(`report must be an object, got ${show(report)}`);
  const id = parseRunId('runId', report.runId);
  if (report.progress !== null) checkProgress(report.progress);
  if (!Array.isArray(report.lines)) throw new TypeError(`lines must be an array of strings, got ${show(report.lines)}`);
  report.lines.forEach((line: unknown, index) => {
    if (typeof line !== 'string') throw new TypeError(`lines[${index}] must be a string, got ${show(line)}`);
  });
  const dropped: unknown = report.dropped ?? 0;
  if (typeof dropped !== 'number' || !Number.isSafeInteger(dropped) || dropped < 0) throw new RangeError(`dropped must be a non-negative integer, got ${show(dropped)}`);
  return id;
}

/** How much of its bounds a run's log already uses. */
export interface RunLogUse {
  /** Lines kept. */
  readonly lines: number;
  /** Bytes kept (UTF-8, a newline per line). */
  readonly bytes: number;
  /** Lines cut so far: once one was, no later line is kept. */
  readonly cut: number;
}

/** What {@link boundedLogLines} keeps of new lines. */
export interface BoundedLines {
  /** The stored lines kept, oldest first. */
  readonly kept: string[];
  /** Their bytes (UTF-8, a newline per line). */
  readonly bytes: number;
  /** How many new lines were not kept. */
  readonly cut: number;
}

/**
 * The new `lines`, as stored ({@link storedLogLine}), that fit after what the log `use`s (and
 * `dropped` lines the writer left out after them, all cut): lines
 * are kept in order until one would pass {@link MAX_RUN_LOG_LINES} or {@link MAX_RUN_LOG_BYTES};
 * that one and all later ones, in this and every later call, are cut (so the log never has a gap).
 */
export function boundedLogLines(use: RunLogUse, lines: readonly string[], dropped = 0): BoundedLines {
  const kept: string[] = [];
  let bytes = 0;
  for (const line of use.cut > 0 ? [] : lines) {
    const stored = storedLogLine(line);
    const size = Buffer.byteLength(stored, 'utf8') + 1;
    if (use.lines + kept.length + 1 > MAX_RUN_LOG_LINES || use.bytes + bytes + size > MAX_RUN_LOG_BYTES) break;
    kept.push(stored);
    bytes += size;
  }
  return { kept, bytes, cut: lines.length - kept.length + dropped };
}

/** The log lines of stored log text (lines each followed by a newline). */
export function logLinesOf(text: string): string[] {
  return text === '' ? [] : text.slice(0, -1).split('\n');
}

/**
 * A run's progress from its stored columns, or `undefined` when it never reported any (for
 * `RunRecord.progress`).
 */
export function progressOfColumns(fraction: number | null | undefined, message: string | null | undefined, updatedAt: number | null): RunProgress | undefined {
  return fraction == null || updatedAt === null ? undefined : { fraction, message: message ?? null, updatedAt };
}

/** The progress a store keeps for a report's (`null`: leave it). */
export function storedProgress(progress: RunProgress | null): RunProgress | null {
  return progress === null ? null : { fraction: progress.fraction, message: storedProgressMessage(progress.message), updatedAt: progress.updatedAt };
}
