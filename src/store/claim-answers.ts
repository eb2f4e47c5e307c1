/**
 * The answers of `JobStore.claimRuns`, shared by every store: why a request was refused, and
 * the `claimRun` answer it corresponds to.
 *
 * @module
 */
import type { ClaimAnswer, ClaimRefusal, ClaimRequest, RunClaim } from './job-store.js';

/** Whether the job's mark has reached the requested tick: the tick is claimed (never for requests without a tick). */
export function isTickTaken(request: ClaimRequest, mark: number | null): boolean {
  return request.tickAt !== null && mark !== null && mark >= request.tickAt;
}

/**
 * Why a claim was refused, from the job's mark as read after the refusal: `taken` once the
 * mark reached the requested tick (the mark never moves back), else `busy` (a live lease).
 */
export function refusalFor(request: ClaimRequest, mark: number | null): ClaimRefusal {
  return isTickTaken(request, mark) ? 'taken' : 'busy';
}

/** `claimRun`'s answer for a `claimRuns` answer: the claim, or `null` for any refusal. */
export function claimOrNull(answer: ClaimAnswer): RunClaim | null {
  return typeof answer === 'string' ? null : answer;
}
