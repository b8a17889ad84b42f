// SVG charts of the results page (specs/booth.md §3), built with DOM calls
// (no markup strings, no inline style). Every chart has an accessible
// name and a data table beside it carries the same numbers.
import { h } from './dom.js';
import { t, num } from './i18n.js';

const W = 640;
const ROW = 34;
const LEFT = 170;

function svg(height, label, ...children) {
  return h('svg:svg', { viewBox: `0 0 ${W} ${height}`, class: 'chart', role: 'img', 'aria-label': label }, ...children);
}

function clip(s, n = 22) {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** Horizontal bars: rows of {label, value, note, mark}; `max` is the scale's end. */
export function bars(label, rows, max, colour = '#0b5cad') {
  const height = rows.length * ROW + 10;
  const span = W - LEFT - 120;
  return svg(height, label, rows.map((r, i) => {
    const y = 5 + i * ROW;
    const w = max > 0 ? Math.max(1, (r.value / max) * span) : 1;
    return h('svg:g', {},
      h('svg:text', { x: LEFT - 8, y: y + 20, 'text-anchor': 'end' }, clip(r.label)),
      h('svg:rect', { x: LEFT, y: y + 4, width: w, height: ROW - 10, fill: r.mark ? '#7a3e00' : colour, rx: 2 }),
      r.mark ? h('svg:rect', { x: LEFT - 4, y: y + 2, width: 3, height: ROW - 6, fill: '#1a1a1a' }) : null,
      h('svg:text', { x: LEFT + w + 6, y: y + 20 }, r.note));
  }));
}

function mix(a, b, f) {
  const p = (c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
  const [x, y] = [p(a), p(b)];
  return `#${x.map((v, i) => Math.round(v + (y[i] - v) * f).toString(16).padStart(2, '0')).join('')}`;
}

/** Heatmap of a pairwise matrix: cell (a, b) = voters preferring a over b. */
export function heatmap(label, names, rows) {
  const n = names.length;
  const cell = Math.min(48, Math.floor((W - LEFT - 10) / Math.max(n, 1)));
  const top = 110;
  const height = top + n * cell + 10;
  const max = Math.max(1, ...rows.flat());
  const out = [];
  names.forEach((name, j) => {
    const x = LEFT + j * cell + cell / 2;
    out.push(h('svg:text', { x, y: top - 8, transform: `rotate(-50 ${x} ${top - 8})` }, clip(name, 14)));
  });
  rows.forEach((row, i) => {
    const y = top + i * cell;
    out.push(h('svg:text', { x: LEFT - 8, y: y + cell / 2 + 5, 'text-anchor': 'end' }, clip(names[i])));
    row.forEach((v, j) => {
      const x = LEFT + j * cell;
      if (i === j) { out.push(h('svg:rect', { x, y, width: cell - 2, height: cell - 2, fill: '#d9d9d9' })); return; }
      const f = v / max;
      out.push(h('svg:rect', { x, y, width: cell - 2, height: cell - 2, fill: mix('#eef3f9', '#0b3d91', f) }),
        h('svg:text', { x: x + cell / 2 - 1, y: y + cell / 2 + 5, 'text-anchor': 'middle', class: f > 0.55 ? 'on-dark' : null }, num(v)));
    });
  });
  return svg(height, label, out);
}

/** A data table with a caption, header row and body rows. */
export function table(caption, head, body) {
  return h('table', {}, h('caption', {}, caption),
    h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, body.map((r) => h('tr', {}, r.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', {}, c)))))));
}

/** The percent text of a result Percentage, or a dash. */
export function pct(p) {
  return p ? `${p.percent} %` : '—';
}

/** A label for a chart. */
export function chartLabel(key, title) {
  return t(key, { title });
}
