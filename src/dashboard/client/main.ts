/**
 * The dashboard's entry module (loaded by the page at `/`): loads the jobs and runs, shows
 * the overview or a job page (hash routes `#/` and `#/jobs/<name>`), keeps them live through
 * server-sent events (polling as a fallback) and ticks the countdowns every second.
 */
import { renderTokenPanel } from './actions.js';
import { tickClocks } from './cells.js';
import { el, replaceChildren } from './dom.js';
import { formatClock } from './format.js';
import { JobPage } from './job-page.js';
import { connectLive, type LiveStatus } from './live.js';
import { OverviewView } from './overview.js';
import { DashboardState } from './state.js';

const state = new DashboardState();
let overview: OverviewView | null = null;
let jobPage: JobPage | null = null;

/** The job named by the hash (`#/jobs/<name>`), or `null` for the overview. */
function routeJob(): string | null {
  const match = /^#\/jobs\/(.+)$/.exec(location.hash);
  if (match === null) return null;
  try {
    return decodeURIComponent(match[1] as string);
  } catch {
    return null;
  }
}

function slot(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element;
}

/** Shows the view the hash asks for. Hashes not starting with `#/` (e.g. `#main`) are not routes. */
async function route(): Promise<void> {
  if (location.hash !== '' && !location.hash.startsWith('#/')) return;
  const view = slot('view');
  const name = routeJob();
  if (name === null) {
    jobPage = null;
    overview ??= new OverviewView(state);
    overview.renderJobs();
    overview.renderTimeline();
    replaceChildren(view, overview.element);
    void overview.replicas.load();
    document.title = 'Jobs · eleanor-jobs';
    return;
  }
  const page = new JobPage(state, name);
  jobPage = page;
  replaceChildren(view, page.element);
  document.title = `${name} · eleanor-jobs`;
  await page.load();
  if (jobPage === page) slot('main').focus({ preventScroll: true });
}

function renderRunnerInfo(): void {
  const runner = state.runner;
  if (runner === null) return;
  replaceChildren(slot('runner-info'), `${state.jobs.size} job${state.jobs.size === 1 ? '' : 's'} · store `, el('code', {}, runner.store), ' · owner ', el('code', {}, runner.owner));
}

const STATUS_TEXT: Readonly<Record<LiveStatus, string>> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  polling: 'Updating every 5 s (live events unavailable)',
};

let connection: LiveStatus = 'connecting';

/** The footer's connection status, with the time of the last update while the data is stale. */
function renderConnection(): void {
  const node = slot('connection');
  node.textContent = state.staleSince === null ? STATUS_TEXT[connection] : `${STATUS_TEXT[connection]} · last update ${formatClock(state.staleSince)}`;
  node.dataset.status = connection;
}

/** Reloads everything; the data is current after it, or stale when it fails (the runner is gone). */
async function resync(): Promise<void> {
  try {
    await state.loadJobs();
    await state.loadRuns();
  } catch (error) {
    state.markStale();
    throw error;
  }
  state.markCurrent();
  renderRunnerInfo();
  if (overview?.element.isConnected === true) void overview.replicas.load();
  await jobPage?.refreshRuns();
}

async function start(): Promise<void> {
  state.subscribe((change) => {
    if (change.kind === 'job') {
      overview?.renderJobs(change.name);
      if (jobPage !== null && (change.name === null || change.name === jobPage.name)) jobPage.renderJob();
      if (change.name === null) {
        overview?.scheduleTimeline();
        renderConnection();
      }
    } else {
      overview?.scheduleTimeline();
    }
  });
  try {
    await state.loadJobs();
    await state.loadRuns();
    state.markCurrent();
  } catch (error) {
    replaceChildren(slot('view'), el('p', { class: 'announcer error', role: 'alert' }, `Could not load the jobs: ${error instanceof Error ? error.message : String(error)}`));
    return;
  }
  renderRunnerInfo();
  renderTokenPanel(slot('token-slot'), state);
  window.addEventListener('hashchange', () => void route());
  await route();
  connectLive({
    onRun: (run) => {
      state.upsertRun(run);
      jobPage?.onRun(run);
    },
    onJob: (job) => state.upsertJob(job),
    onProgress: (event) => {
      state.applyProgress(event);
      jobPage?.onProgress(event);
    },
    onLog: (event) => jobPage?.onLog(event),
    resync,
    onStatus: (status) => {
      // Live until now, the data is current as of now; it is current again once the resync
      // after the reconnect succeeds. (While polling, a failed poll marks it stale.)
      if (status === 'reconnecting' && connection === 'live') state.markStale(state.now());
      connection = status;
      renderConnection();
    },
  });
  const tick = (): void => {
    tickClocks(slot('view'), state.now());
    setTimeout(tick, 1_000 - (Date.now() % 1_000) + 5);
  };
  tick();
  // Slide the timeline window and forget runs that left it.
  setInterval(() => {
    state.pruneRuns();
    if (overview?.element.isConnected === true) {
      overview.renderTimeline();
      void overview.replicas.load();
    }
  }, 5_000);
}

void start();
