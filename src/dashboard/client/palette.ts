/**
 * Colours and labels of run statuses, shared by the timeline, the duration chart and the
 * tables. Each colour has at least 4.5:1 contrast on white.
 */
import type { RunStatus } from './api-types.js';

/** Fill colour of each run status. */
export const STATUS_COLORS: Readonly<Record<RunStatus, string>> = {
  ok: '#1a7f37',
  failed: '#cf222e',
  timeout: '#bc4c00',
  interrupted: '#8250df',
  running: '#0969da',
  missed: '#bf3989',
  skipped: '#57606a',
};

/** Every status, in legend order. */
export const STATUSES: readonly RunStatus[] = ['ok', 'running', 'failed', 'timeout', 'interrupted', 'missed', 'skipped'];

/** The colour of `status` (grey for an unknown one). */
export function statusColor(status: string): string {
  return (STATUS_COLORS as Readonly<Record<string, string>>)[status] ?? '#57606a';
}
