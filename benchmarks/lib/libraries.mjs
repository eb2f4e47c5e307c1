// The libraries in the comparison, in table order. `role`: 'subject' (us), 'peer' (a
// scheduler we compare against; the best of them is "best peer"), 'baseline' (raw Node).

export const LIBS = [
  { id: 'eleanor-jobs', role: 'subject', label: 'eleanor-jobs', interval: true },
  { id: 'croner', role: 'peer', label: 'croner', interval: true },
  { id: 'node-cron', role: 'peer', label: 'node-cron', interval: false },
  { id: 'toad-scheduler', role: 'peer', label: 'toad-scheduler', interval: true },
  { id: 'node-schedule', role: 'peer', label: 'node-schedule', interval: false },
  { id: 'cron', role: 'peer', label: 'cron', interval: false },
  { id: 'bree', role: 'peer', label: 'bree', interval: true },
  { id: 'raw', role: 'baseline', label: 'raw Node', interval: true },
];

export const SUBJECT = 'eleanor-jobs';
export const BASELINE = 'raw';
export const PEERS = LIBS.filter((l) => l.role === 'peer').map((l) => l.id);
export const libById = (id) => LIBS.find((l) => l.id === id);

export const NO_INTERVAL = 'no interval jobs (cron expressions only)';
