/**
 * Trigger now, pause and resume: the token panel (a password field whose value stays in this
 * tab) and the action buttons of a job. Without a token configured on the server
 * (`actionsEnabled: false`) there is no panel and no button.
 */
import { ApiError, postAction, type JobAction } from './api.js';
import type { JobView } from './api-types.js';
import { el, replaceChildren } from './dom.js';
import type { DashboardState } from './state.js';
import { clearToken, getToken, setToken } from './token.js';

/** Shows a short message in the page's polite live region. */
export function announce(message: string, tone: 'info' | 'error' = 'info'): void {
  const region = document.getElementById('announcer');
  if (region === null) return;
  region.className = `announcer ${tone}`;
  region.textContent = '';
  // A fresh text node, so screen readers announce a repeated message again.
  setTimeout(() => (region.textContent = message), 30);
}

/** Fills `slot` with the token panel and keeps it in step with the token. */
export function renderTokenPanel(slot: HTMLElement, state: DashboardState): void {
  if (!state.actionsEnabled) {
    replaceChildren(slot, el('p', { class: 'actions-off' }, 'Read-only: actions are off (the runner has no token configured).'));
    return;
  }
  const token = getToken();
  if (token !== null) {
    const forget = el('button', { type: 'button', class: 'secondary' }, 'Forget token');
    forget.addEventListener('click', () => {
      clearToken();
      renderTokenPanel(slot, state);
      announce('Token forgotten.');
      document.getElementById('token')?.focus();
    });
    replaceChildren(slot, el('p', { class: 'token-set' }, el('span', { class: 'dot', 'aria-hidden': 'true' }), 'Actions enabled for this tab '), forget);
    return;
  }
  const input = el('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-describedby': 'token-help' });
  const form = el(
    'form',
    { class: 'token-form', method: 'post', action: '#', 'aria-label': 'Token for actions' },
    el('label', { for: 'token' }, 'Token'),
    input,
    el('button', { type: 'submit' }, 'Use token'),
    el('span', { id: 'token-help', class: 'help' }, 'Needed to trigger, pause and resume. Kept in this tab only.'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = input.value.trim();
    if (value === '') {
      announce('Enter the token first.', 'error');
      input.focus();
      return;
    }
    setToken(value);
    input.value = '';
    renderTokenPanel(slot, state);
    announce('Token set for this tab.');
  });
  replaceChildren(slot, form);
}

/** Runs an action with the token, merging the answer into `state`. */
export async function runAction(state: DashboardState, name: string, action: JobAction): Promise<void> {
  const token = getToken();
  if (token === null) {
    announce('Enter the token first (top of the page).', 'error');
    document.getElementById('token')?.focus();
    return;
  }
  try {
    const answer = await postAction(name, action, token);
    state.upsertJob(answer.job);
    const queued = answer.trigger === undefined ? '' : ` (trigger #${answer.trigger.id}; it runs once, on whichever replica can take it)`;
    announce(action === 'trigger' ? `Queued a run of ${name}${queued}.` : action === 'pause' ? `Paused ${name} on every replica.` : `Resumed ${name} on every replica.`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      clearToken();
      const slot = document.getElementById('token-slot');
      if (slot !== null) renderTokenPanel(slot, state);
      announce('The token was rejected; enter it again.', 'error');
      return;
    }
    announce(`Could not ${action} ${name}: ${error instanceof Error ? error.message : String(error)}`, 'error');
  }
}

/** The action buttons of one job, updatable in place (so keyboard focus stays on them). */
export interface ActionButtons {
  /** The group element to place in the page. */
  readonly element: HTMLElement;
  /** Shows Pause or Resume as the job's state calls for. */
  update(job: JobView): void;
}

/**
 * Runs `action` of job `name` from `button`, ignoring clicks while it is busy. A busy button is
 * marked aria-disabled, not disabled: disabling would drop keyboard focus.
 */
async function actFrom(button: HTMLButtonElement, state: DashboardState, name: string, action: JobAction): Promise<void> {
  if (button.getAttribute('aria-disabled') === 'true') return;
  button.setAttribute('aria-disabled', 'true');
  try {
    await runAction(state, name, action);
  } finally {
    button.removeAttribute('aria-disabled');
  }
}

/** Run statuses whose history row offers {@link runAgainButton}. */
export const RUN_AGAIN_STATUSES: ReadonlySet<string> = new Set(['failed', 'timeout']);

/**
 * "Run again" for a failed run `runId` of job `name`: a manual trigger (the same
 * `POST /api/jobs/:name/trigger` as Trigger now, so the token is required).
 */
export function runAgainButton(state: DashboardState, name: string, runId: string): HTMLButtonElement {
  const button = el('button', { type: 'button', class: 'action secondary run-again', 'aria-label': `Run again: ${name} (run #${runId} failed)` }, 'Run again');
  button.addEventListener('click', () => void actFrom(button, state, name, 'trigger'));
  return button;
}

/** Creates the Trigger now and Pause/Resume buttons of a job. */
export function actionButtons(state: DashboardState, name: string): ActionButtons {
  const trigger = el('button', { type: 'button', class: 'action', 'aria-label': `Trigger now: ${name}` }, 'Trigger now');
  const toggle = el('button', { type: 'button', class: 'action secondary' }, 'Pause');
  const element = el('div', { class: 'actions', role: 'group', 'aria-label': `Actions for ${name}` }, trigger, toggle);
  trigger.addEventListener('click', () => void actFrom(trigger, state, name, 'trigger'));
  toggle.addEventListener('click', () => void actFrom(toggle, state, name, toggle.dataset.action === 'resume' ? 'resume' : 'pause'));
  const update = (job: JobView): void => {
    const action = job.paused ? 'resume' : 'pause';
    if (toggle.dataset.action === action) return;
    toggle.dataset.action = action;
    toggle.textContent = job.paused ? 'Resume' : 'Pause';
    toggle.setAttribute('aria-label', `${job.paused ? 'Resume' : 'Pause'}: ${name}`);
  };
  const job = state.jobs.get(name);
  if (job !== undefined) update(job);
  return { element, update };
}
