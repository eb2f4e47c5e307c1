// A hand-built SVG chart: one panel per headline figure, a horizontal bar per library on a
// log scale (values span orders of magnitude), eleanor-jobs highlighted. No dependencies.
import { LIBS, SUBJECT } from './libraries.mjs';
import { withUnit } from './format.mjs';

const PANEL_W = 460;
const LABEL_W = 110;
const VALUE_W = 90;
const BAR_H = 16;
const GAP = 4;
const TITLE_H = 34;
const COLORS = { subject: '#d9480f', peer: '#4c6ef5', baseline: '#868e96' };

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function panel(fig, x, y) {
  const values = LIBS.map((l) => fig.cells[l.id]?.value).filter((v) => typeof v === 'number' && v > 0);
  if (values.length === 0) values.push(1);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const lgLo = Math.floor(Math.log10(lo));
  const lgHi = Math.max(Math.ceil(Math.log10(hi)), lgLo + 1);
  const barSpan = PANEL_W - LABEL_W - VALUE_W;
  // Bars start one decade below the smallest value, so the smallest bar is still visible.
  const scale = (v) => (barSpan * (Math.log10(v) - (lgLo - 1))) / (lgHi - (lgLo - 1));
  const parts = [
    `<text x="${x}" y="${y + 14}" class="t">${esc(fig.label)}</text>`,
    `<text x="${x}" y="${y + 28}" class="s">${{ higher: 'higher is better', zero: 'closer to 0 is better' }[fig.better] ?? 'lower is better'}, log scale</text>`,
  ];
  // Decade gridlines, labelled under the bars, so the log scale reads as such.
  const barsBottom = y + TITLE_H + LIBS.length * (BAR_H + GAP);
  const step = Math.ceil((lgHi - lgLo + 1) / 4);
  for (let d = lgLo - 1; d <= lgHi; d++) {
    const gx = x + LABEL_W + scale(10 ** d);
    parts.push(`<line x1="${gx.toFixed(1)}" y1="${y + TITLE_H - 2}" x2="${gx.toFixed(1)}" y2="${barsBottom}" class="g"/>`);
    if (d > lgLo - 1 && (lgHi - d) % step === 0) {
      const label = withUnit(10 ** d, fig.unit).replace(/\.0+(?=\D)/, '');
      parts.push(`<text x="${gx.toFixed(1)}" y="${barsBottom + 11}" class="s" text-anchor="middle">${esc(label)}</text>`);
    }
  }
  LIBS.forEach((lib, i) => {
    const c = fig.cells[lib.id] ?? {};
    const by = y + TITLE_H + i * (BAR_H + GAP);
    const cls = lib.id === SUBJECT ? 'l b' : 'l';
    parts.push(`<text x="${x + LABEL_W - 6}" y="${by + 12}" class="${cls}" text-anchor="end">${esc(lib.label)}</text>`);
    if (typeof c.value === 'number' && c.value > 0) {
      const w = Math.max(2, scale(c.value));
      parts.push(`<rect x="${x + LABEL_W}" y="${by}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${COLORS[lib.role]}"/>`);
      parts.push(`<text x="${x + LABEL_W + w + 4}" y="${by + 12}" class="${cls}">${esc(withUnit(c.value, fig.unit))}</text>`);
    } else {
      const text = c.na ? 'n/a' : c.error ? 'error' : c.text ?? (typeof c.value === 'number' ? withUnit(c.value, fig.unit) : '—');
      parts.push(`<text x="${x + LABEL_W}" y="${by + 12}" class="s">${esc(text)}</text>`);
    }
  });
  return parts.join('\n');
}

/** An SVG document with the given figures (ids in `ids` order) in two columns. */
export function chartSvg(figs, ids, subtitle) {
  const chosen = ids.map((id) => figs.find((f) => f.id === id)).filter(Boolean);
  const panelH = TITLE_H + LIBS.length * (BAR_H + GAP) + 30;
  const cols = 2;
  const rowsN = Math.ceil(chosen.length / cols);
  const W = cols * PANEL_W + 40;
  const H = 50 + rowsN * panelH;
  const panels = chosen.map((fig, i) => panel(fig, 20 + (i % cols) * PANEL_W, 50 + Math.floor(i / cols) * panelH));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif">
<style>.h{font-size:16px;font-weight:600}.t{font-size:12px;font-weight:600}.s{font-size:11px;fill:#666}.l{font-size:11px}.b{font-weight:700;fill:#d9480f}.g{stroke:#e9ecef;stroke-width:1}</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="20" y="24" class="h">eleanor-jobs vs peers vs raw Node</text>
<text x="20" y="40" class="s">${esc(subtitle)}</text>
${panels.join('\n')}
</svg>
`;
}
