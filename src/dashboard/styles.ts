/**
 * The dashboard's style sheet, served at `/dashboard/app.css` (a separate file, so the page's
 * Content-Security-Policy needs no inline styles). Text colours keep at least 4.5:1 contrast;
 * below 760 px wide the tables become one card per row.
 */
export const DASHBOARD_CSS = `
:root {
  --fg: #1f2328; --muted: #57606a; --bg: #ffffff; --panel: #f6f8fa; --line: #d0d7de;
  --accent: #0969da; --accent-fg: #ffffff; --bad: #cf222e; --ok: #1a7f37;
  color-scheme: light;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
a { color: var(--accent); }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--panel); border: 1px solid var(--line); border-radius: 4px; padding: 0 4px; overflow-wrap: anywhere; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.skip { position: absolute; left: 8px; top: -48px; background: var(--accent); color: var(--accent-fg); padding: 8px 12px; border-radius: 6px; z-index: 10; }
.skip:focus { top: 8px; }
.muted { color: var(--muted); }
.stale-note { display: block; margin-top: 2px; font-size: 12px; color: #7d4e00; }
.pause-note { display: block; margin-top: 2px; font-size: 12px; color: #6f4e00; max-width: 28em; overflow-wrap: anywhere; }
tr.stale > th, tr.stale > td { background: #fff8c5; }

header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 24px; padding: 12px 24px; border-bottom: 1px solid var(--line); background: var(--panel); }
header.top h1 { font-size: 18px; margin: 0; }
header.top h1 a { color: var(--fg); text-decoration: none; }
header.top h1 .mark { display: inline-block; width: 12px; height: 12px; border-radius: 3px; background: var(--accent); margin-right: 8px; vertical-align: -1px; }
#runner-info { margin: 0; color: var(--muted); }
#token-slot { margin-left: auto; }
.token-form { display: grid; grid-template-columns: auto minmax(8em, 16em) auto; align-items: center; gap: 4px 8px; }
.token-form label { font-weight: 600; }
.token-form input { font: inherit; padding: 5px 8px; border: 1px solid #8c959f; border-radius: 6px; width: 100%; }
.token-form .help { grid-column: 1 / -1; color: var(--muted); font-size: 12px; }
.token-set, .actions-off { margin: 0; display: inline-flex; align-items: center; gap: 6px; color: var(--muted); }
.token-set { margin-right: 8px; color: var(--fg); }
.dot { width: 8px; height: 8px; border-radius: 50%; background: var(--ok); display: inline-block; }

main { padding: 16px 24px 32px; max-width: 1440px; margin: 0 auto; }
main:focus { outline: none; }
h2 { font-size: 17px; margin: 16px 0 10px; }
h3 { font-size: 15px; margin: 24px 0 8px; }
.count { color: var(--muted); font-weight: 400; }
section + section { margin-top: 24px; }
.section-head { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px; }

button { font: inherit; font-weight: 600; cursor: pointer; white-space: nowrap; padding: 5px 12px; border-radius: 6px; border: 1px solid #0860ca; background: var(--accent); color: var(--accent-fg); min-height: 32px; }
button:hover { background: #0860ca; }
button.secondary { background: var(--bg); color: var(--fg); border-color: #8c959f; }
button.secondary:hover { background: var(--panel); }
button.secondary[aria-pressed="true"], button.secondary[aria-pressed="true"]:hover { background: var(--fg); color: var(--bg); border-color: var(--fg); }
button[aria-disabled="true"] { opacity: 0.6; cursor: progress; }
.toggle { display: inline-flex; gap: 4px; }
.actions { display: flex; flex-wrap: nowrap; gap: 6px; }
.actions button, button.run-again { padding: 3px 10px; min-height: 28px; font-size: 13px; }
button.run-again { margin-left: 4px; min-height: 24px; padding: 1px 8px; }

.table-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 8px 9px; border-bottom: 1px solid var(--line); }
thead th { background: var(--panel); font-size: 12px; text-transform: uppercase; letter-spacing: 0.03em; color: var(--muted); }
tbody tr:last-child > * { border-bottom: 0; }
tbody tr:hover { background: #f6f8fa80; }
td.num, th.num { font-variant-numeric: tabular-nums; }
td.bad { color: var(--bad); font-weight: 700; }
.job-name { min-width: 10.5em; max-width: 18em; }
.job-name a { font-weight: 600; overflow-wrap: break-word; }
table.jobs td > code { display: inline-block; margin-top: 2px; white-space: nowrap; }
table.jobs td > span + code { margin-left: 0; }
table.jobs td[data-label="Schedule"] span { display: block; }
table.jobs td[data-label="Next run"] time, table.jobs td[data-label="Next run"] .countdown { display: block; }
.countdown { color: var(--muted); font-variant-numeric: tabular-nums; }
.facts, .ago { color: var(--muted); }
td[data-label="Last run"] > * + * { margin-left: 6px; }
.error-line { display: block; margin: 2px 0 0 !important; color: var(--bad); max-width: 18em; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }

.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; line-height: 18px; border: 1px solid transparent; white-space: nowrap; }
.status-ok { background: #1a7f37; color: #fff; }
.status-failed { background: #cf222e; color: #fff; }
.status-timeout { background: #bc4c00; color: #fff; }
.status-interrupted { background: #8250df; color: #fff; }
.status-running, .state-running { background: #0969da; color: #fff; }
.status-missed { background: #bf3989; color: #fff; }
.status-skipped { background: #57606a; color: #fff; }
.state-sleeping, .state-starting, .state-stopping { background: #ddf4ff; color: #0a3069; border-color: #54aeff; }
.state-paused { background: #fff8c5; color: #6f4e00; border-color: #d4a72c; }
.state-retrying { background: #fff1e5; color: #953800; border-color: #fb8f44; }
.state-stopped, .state-unknown, .status-unknown { background: #eaeef2; color: #424a53; border-color: #afb8c1; }

.timeline-wrap, .chart-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; padding: 8px 0; background: var(--bg); }
.timeline-wrap svg.timeline { display: block; width: 100%; min-width: 720px; height: auto; }
.chart-wrap svg { display: block; width: 100%; max-width: 960px; min-width: 480px; height: auto; }
svg rect.run:hover, svg rect.bar:hover { opacity: 0.8; }
.timeline-wrap[aria-busy="true"] { opacity: 0.6; }
.timeline-wrap { display: grid; }
.timeline-wrap > svg.timeline, .timeline-wrap > .lane-names { grid-area: 1 / 1; }
.lane-names { position: sticky; left: 0; justify-self: start; width: 0; pointer-events: none; visibility: hidden; }
.timeline-wrap.scrolled .lane-names { visibility: visible; }
.lane-name { position: absolute; left: 0; transform: translateY(-50%); max-width: 45vw; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-size: 12px; line-height: 16px; padding: 0 6px; background: #ffffffe6; border: 1px solid var(--line); border-left: 0; border-radius: 0 4px 4px 0; color: var(--fg); }

.crumbs { color: var(--muted); margin: 4px 0; overflow-wrap: anywhere; }
.job-head { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; }
.job-head h2 { margin: 8px 0; font-size: 22px; overflow-wrap: anywhere; }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 8px 16px; margin: 8px 0 0; padding: 12px 16px; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; color: var(--fg); }
dl.facts > div { min-width: 0; }
dl.facts dt { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.03em; }
dl.facts dd { margin: 2px 0 0; }
dl.facts dd > * + * { margin-left: 6px; }
dl.facts dd .error-line { margin-left: 0 !important; }
details.error summary { cursor: pointer; color: var(--bad); overflow-wrap: anywhere; }
details.error pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 12px; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px; margin: 6px 0 0; max-height: 320px; overflow: auto; }
.progress { display: flex; align-items: center; gap: 6px; margin-top: 4px; }
.progress-track { flex: 0 0 96px; height: 8px; border-radius: 4px; background: var(--line); overflow: hidden; }
.progress-fill { display: block; height: 100%; background: var(--accent); }
.progress-text { font-size: 12px; color: var(--muted); overflow-wrap: anywhere; text-align: left; }
details.run-log summary { cursor: pointer; color: var(--accent); }
pre.run-log-lines { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre-wrap; overflow-wrap: anywhere; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px; margin: 6px 0 0; max-height: 320px; width: min(72ch, 80vw); overflow: auto; }
table.model th .field-title { display: block; }
table.model th code { font-weight: 400; }
table.model .tag { margin-left: 6px; font-size: 11px; font-weight: 600; color: var(--muted); }
table.model td.description { color: var(--muted); max-width: 48em; }
code.value { white-space: pre-wrap; }
.job-page > button.secondary, section > button.secondary { margin-top: 8px; }

footer { border-top: 1px solid var(--line); padding: 12px 24px; color: var(--muted); display: flex; flex-wrap: wrap; gap: 4px 16px; }
#connection::before { content: ""; display: inline-block; width: 8px; height: 8px; border-radius: 50%; background: #8c959f; margin-right: 6px; }
#connection[data-status="live"]::before { background: var(--ok); }
#connection[data-status="polling"]::before, #connection[data-status="reconnecting"]::before { background: #bf8700; }
.announcer { position: fixed; right: 16px; bottom: 16px; max-width: min(420px, calc(100vw - 32px)); margin: 0; padding: 10px 14px; border-radius: 8px; background: var(--fg); color: var(--bg); box-shadow: 0 4px 16px #0003; }
.announcer:empty { display: none; }
.announcer.error { background: var(--bad); color: #fff; }

@media (max-width: 760px) {
  header.top, main, footer { padding-left: 12px; padding-right: 12px; }
  #token-slot { margin-left: 0; width: 100%; }
  .actions { flex-wrap: wrap; }
  table.jobs thead, table.history thead, table.model thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.jobs, table.jobs tbody, table.jobs tr, table.jobs th, table.jobs td,
  table.history, table.history tbody, table.history tr, table.history td,
  table.model, table.model tbody, table.model tr, table.model th, table.model td { display: block; width: 100%; }
  table.jobs tr, table.history tr, table.model tr { border-bottom: 1px solid var(--line); padding: 6px 0; }
  table.jobs td, table.history td, table.model td { display: flex; flex-wrap: wrap; align-items: baseline; gap: 2px 8px; border: 0; padding: 3px 12px; }
  table.jobs th, table.model th { border: 0; padding: 6px 12px 2px; }
  td[data-label]::before { content: attr(data-label); flex: 0 0 8.5em; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.03em; }
  td[data-label="Last run"] > * + * { margin-left: 0; }
  .error-line { max-width: 100%; }
}
table.replicas th.replica-name { min-width: 12em; max-width: 22em; font-weight: 400; overflow-wrap: anywhere; }
table.replicas th.replica-name > span:first-child { font-weight: 600; }
table.replicas th.replica-name code { display: block; width: fit-content; max-width: 100%; margin-top: 2px; font-size: 11px; color: var(--muted); }
table.replicas .tag { margin-left: 6px; font-size: 11px; font-weight: 600; color: var(--accent); }
table.replicas .lease-jobs { display: block; color: var(--muted); overflow-wrap: anywhere; }
tr.replica-stale > th, tr.replica-stale > td { background: #ffebe9; }
tr.replica-stopped > th, tr.replica-stopped > td { color: var(--muted); }
.badge.replica-running { background: #1a7f37; color: #fff; }
.badge.replica-stale { background: #cf222e; color: #fff; }
.badge.replica-stopped, .badge.replica-unknown { background: #eaeef2; color: #424a53; border-color: #afb8c1; }
.replicas-note { font-size: 12px; margin: 6px 0 0; }
@media (max-width: 760px) {
  table.replicas thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.replicas, table.replicas tbody, table.replicas tr, table.replicas th, table.replicas td, table.replicas th.replica-name { display: block; width: 100%; max-width: none; }
  table.replicas tr { border-bottom: 1px solid var(--line); padding: 6px 0; }
  table.replicas td { display: flex; flex-wrap: wrap; align-items: baseline; gap: 2px 8px; border: 0; padding: 3px 12px; }
  table.replicas th { border: 0; padding: 6px 12px 2px; }
}
@media (prefers-reduced-motion: no-preference) { .announcer { transition: opacity 0.2s; } }
`;
