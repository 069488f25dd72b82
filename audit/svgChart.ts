/**
 * A tiny deterministic SVG chart: numeric x (years), linear y, optional line, points with interval bars,
 * colour by category with a legend. No DOM; every number is written with fixed precision.
 */
import { escapeHtml as esc } from './html.js';

export interface ChartPoint {
  x: number;
  y: number;
  /** interval ends; null = unbounded on that side (drawn as an arrow to the plot edge) */
  lo?: number | null;
  hi?: number | null;
  category: string;
  label: string;
  href?: string;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  points: ChartPoint[];
  /** category → colour, in legend order */
  colors: [string, string][];
  line?: boolean;
  intervals?: boolean;
  width?: number;
  height?: number;
  yFormat?: (v: number) => string;
  /** start the y axis at zero (default true) */
  zero?: boolean;
  id?: string;
}

const n = (v: number) => (Math.round(v * 100) / 100).toFixed(2).replace(/\.?0+$/, '') || '0';

/** 1, 2, 5 × 10^k ticks covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, target = 5): number[] {
  if (!(hi > lo)) {
    const d = Math.abs(lo) > 0 ? Math.abs(lo) * 0.5 : 1;
    return niceTicks(lo - d, hi + d, target);
  }
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => (hi - lo) / s <= target + 2) ?? 10 * mag;
  const first = Math.floor(lo / step) * step;
  const ticks: number[] = [];
  for (let v = first; v <= hi + step * 1e-9; v += step) ticks.push(Math.round(v / step) * step);
  if (ticks[ticks.length - 1]! < hi) ticks.push(ticks[ticks.length - 1]! + step);
  return ticks;
}

export function renderChart(o: ChartOptions): string {
  const W = o.width ?? 640, H = o.height ?? 320;
  const m = { l: 78, r: 150, t: 36, b: 48 };
  const pw = W - m.l - m.r, ph = H - m.t - m.b;
  const fmt = o.yFormat ?? ((v: number) => n(v));
  const pts = [...o.points].sort((a, b) => a.x - b.x || a.y - b.y);
  const colorOf = new Map(o.colors);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="chart"${o.id ? ` id="${esc(o.id)}"` : ''} viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(o.title)}">`);
  parts.push(`<title>${esc(o.title)}</title>`);
  parts.push(`<text x="${m.l}" y="22" class="chart-title" font-size="15" font-weight="bold">${esc(o.title)}</text>`);
  if (pts.length === 0) {
    parts.push(`<text x="${n(m.l + pw / 2)}" y="${n(m.t + ph / 2)}" text-anchor="middle" font-size="13">no data</text></svg>`);
    return parts.join('\n');
  }
  const xs = pts.map((p) => p.x);
  let x0 = Math.min(...xs), x1 = Math.max(...xs);
  if (x0 === x1) (x0 -= 1), (x1 += 1);
  else (x0 -= 0.5), (x1 += 0.5);
  const ys: number[] = [];
  for (const p of pts) {
    ys.push(p.y);
    if (o.intervals) {
      if (typeof p.lo === 'number') ys.push(p.lo);
      if (typeof p.hi === 'number') ys.push(p.hi);
    }
  }
  const yTicks = niceTicks(o.zero === false ? Math.min(...ys) : Math.min(0, ...ys), Math.max(...ys));
  const y0 = yTicks[0]!, y1 = yTicks[yTicks.length - 1]!;
  const sx = (x: number) => m.l + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number) => m.t + ph - ((y - y0) / (y1 - y0)) * ph;
  // grid + y axis
  parts.push(`<g class="axis y-axis" font-size="11">`);
  for (const t of yTicks) {
    parts.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${n(sy(t))}" y2="${n(sy(t))}" stroke="#ddd"/>`);
    parts.push(`<text x="${m.l - 6}" y="${n(sy(t) + 4)}" text-anchor="end">${esc(fmt(t))}</text>`);
  }
  parts.push(`<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${m.t + ph}" stroke="#333"/>`);
  parts.push(`<text transform="translate(16 ${n(m.t + ph / 2)}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  parts.push(`</g>`);
  // x axis: one tick per integer in range
  parts.push(`<g class="axis x-axis" font-size="11">`);
  parts.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${m.t + ph}" y2="${m.t + ph}" stroke="#333"/>`);
  const span = Math.ceil(x1) - Math.floor(x0);
  const every = Math.max(1, Math.ceil(span / 12));
  for (let x = Math.ceil(x0); x <= x1; x++) {
    if ((x - Math.ceil(x0)) % every !== 0) continue;
    parts.push(`<line x1="${n(sx(x))}" x2="${n(sx(x))}" y1="${m.t + ph}" y2="${m.t + ph + 5}" stroke="#333"/>`);
    parts.push(`<text x="${n(sx(x))}" y="${m.t + ph + 18}" text-anchor="middle">${x}</text>`);
  }
  parts.push(`<text x="${n(m.l + pw / 2)}" y="${H - 8}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(`</g>`);
  // line
  if (o.line && pts.length > 1) {
    parts.push(`<polyline class="series-line" fill="none" stroke="#888" stroke-width="1.5" points="${pts.map((p) => `${n(sx(p.x))},${n(sy(p.y))}`).join(' ')}"/>`);
  }
  // intervals + points
  for (const p of pts) {
    const c = colorOf.get(p.category) ?? '#555';
    const cx = n(sx(p.x)), cy = n(sy(p.y));
    const g: string[] = [];
    if (o.intervals && (p.lo !== undefined || p.hi !== undefined) && !(p.lo === p.hi && p.lo === p.y)) {
      const top = typeof p.hi === 'number' ? sy(p.hi) : m.t;
      const bot = typeof p.lo === 'number' ? sy(p.lo) : m.t + ph;
      g.push(`<line class="interval" x1="${cx}" x2="${cx}" y1="${n(top)}" y2="${n(bot)}" stroke="${c}" stroke-width="2"/>`);
      if (typeof p.hi === 'number') g.push(`<line x1="${n(sx(p.x) - 6)}" x2="${n(sx(p.x) + 6)}" y1="${n(top)}" y2="${n(top)}" stroke="${c}" stroke-width="2"/>`);
      else g.push(`<path d="M${n(sx(p.x) - 5)},${n(top + 7)} L${cx},${n(top)} L${n(sx(p.x) + 5)},${n(top + 7)}" fill="none" stroke="${c}" stroke-width="2"/>`);
      if (typeof p.lo === 'number') g.push(`<line x1="${n(sx(p.x) - 6)}" x2="${n(sx(p.x) + 6)}" y1="${n(bot)}" y2="${n(bot)}" stroke="${c}" stroke-width="2"/>`);
      else g.push(`<path d="M${n(sx(p.x) - 5)},${n(bot - 7)} L${cx},${n(bot)} L${n(sx(p.x) + 5)},${n(bot - 7)}" fill="none" stroke="${c}" stroke-width="2"/>`);
    }
    g.push(`<circle class="point" cx="${cx}" cy="${cy}" r="5" fill="${c}" stroke="#fff" stroke-width="1" data-category="${esc(p.category)}"><title>${esc(p.label)}</title></circle>`);
    parts.push(p.href ? `<a href="${esc(p.href)}">${g.join('')}</a>` : `<g>${g.join('')}</g>`);
  }
  // legend
  parts.push(`<g class="legend" font-size="12">`);
  o.colors.forEach(([cat, col], i) => {
    const y = m.t + 8 + i * 20;
    parts.push(`<circle cx="${W - m.r + 20}" cy="${y}" r="5" fill="${col}"/><text x="${W - m.r + 32}" y="${y + 4}">${esc(cat)}</text>`);
  });
  if (o.intervals) {
    const y = m.t + 8 + o.colors.length * 20;
    parts.push(`<line x1="${W - m.r + 20}" x2="${W - m.r + 20}" y1="${y - 7}" y2="${y + 7}" stroke="#555" stroke-width="2"/><text x="${W - m.r + 32}" y="${y + 4}">interval (lo–hi)</text>`);
  }
  parts.push(`</g>`);
  parts.push(`</svg>`);
  return parts.join('\n');
}
