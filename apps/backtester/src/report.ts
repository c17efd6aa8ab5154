/**
 * The self-contained HTML report: one file, no network, inline data and an inline canvas plotter.
 * Charts: PnL (USDC), YES-space inventory (shares) and, per market, our best quotes vs the book's
 * best bid/ask vs the strategy's fair value. After drawing, each canvas carries `data-points` (points
 * plotted) and `<body data-charts-drawn="N">` says how many charts drew, for headless checks.
 */
import type { ParityReport } from "./parity.js";
import type { BacktestSummary, FillRecord, SeriesPoint } from "./summary.js";

export interface ReportInput {
  readonly title?: string;
  readonly summary: BacktestSummary;
  readonly series: readonly SeriesPoint[];
  readonly fills: readonly FillRecord[];
  readonly marketNames: readonly string[];
  /** A live-vs-backtest comparison (parity runs): rendered as its own section. */
  readonly parity?: ParityReport;
  /** Own-order stripping counters of the parity tape, shown with it. */
  readonly parityNotes?: Readonly<Record<string, number | string>>;
}

/** At most this many points per chart line (evenly strided), so reports of long runs stay small. */
const MAX_POINTS = 4_000;

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON safe inside <script>: no "</script>", no U+2028/2029 surprises. */
const scriptJson = (v: unknown): string =>
  JSON.stringify(v)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");

export function renderReport(input: ReportInput): string {
  const { summary } = input;
  const markets = input.marketNames.map((name, m) => {
    const pts = input.series.filter((p) => p.market === m);
    const stride = Math.max(1, Math.ceil(pts.length / MAX_POINTS));
    const s = pts.filter((_, i) => i % stride === 0 || i === pts.length - 1);
    return {
      name,
      t: s.map((p) => p.t),
      pnl: s.map((p) => p.pnl),
      exposure: s.map((p) => p.exposure),
      bookBid: s.map((p) => p.bookBid),
      bookAsk: s.map((p) => p.bookAsk),
      quoteBid: s.map((p) => p.quoteBid),
      quoteAsk: s.map((p) => p.quoteAsk),
      fair: s.map((p) => p.fair),
      buys: input.fills.filter((f) => f.market === m && f.status !== "FAILED" && f.yesDirection === 1).map((f) => [f.time, f.yesPrice]),
      sells: input.fills.filter((f) => f.market === m && f.status !== "FAILED" && f.yesDirection === -1).map((f) => [f.time, f.yesPrice]),
    };
  });
  const title = escapeHtml(input.title ?? `Backtest — ${summary.source}`);
  const rows: [string, string][] = [
    ["PnL total (USDC)", String(summary.pnl.total)],
    ["PnL realized / unrealized", `${summary.pnl.realized} / ${summary.pnl.unrealized}`],
    ["PnL at resolution", String(summary.pnl.atResolution)],
    ["Fees (rebates negative)", String(summary.pnl.fees)],
    [
      "Fills (maker / taker / failed)",
      `${summary.fills.count} (${summary.fills.maker} / ${summary.fills.taker} / ${summary.fills.failed})`,
    ],
    ["Fill ratio", String(summary.fillRatio)],
    ...summary.markouts.map((m): [string, string] => [
      `Markout ${m.horizonMs / 1000} s (per share, total USDC)`,
      `${m.meanPerShare} / ${m.total}`,
    ]),
    ["Places / cancels / intent changes", `${summary.churn.places} / ${summary.churn.cancels} / ${summary.churn.intentChanges}`],
    ["Rejects", JSON.stringify(summary.rejects)],
    ["Time per executor mode (ms)", JSON.stringify(summary.modeTimeMs)],
    ["Fills hash", summary.fillsHash],
  ];
  const table = rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join("");
  const parity = input.parity === undefined ? "" : paritySection(input.parity, input.parityNotes ?? {});
  const charts = markets
    .map(
      (m, i) => `<section><h2>${escapeHtml(m.name)}</h2>
<h3>PnL (USDC)</h3><canvas id="pnl-${i}" width="1100" height="220"></canvas>
<h3>Inventory (YES-space shares)</h3><canvas id="inv-${i}" width="1100" height="220"></canvas>
<h3>Quotes vs book vs fair value (YES price)</h3><canvas id="quotes-${i}" width="1100" height="320"></canvas>
<p class="legend"><span style="color:#2b8a3e">■ our bid</span> <span style="color:#c92a2a">■ our ask</span> <span style="color:#868e96">■ book bid/ask</span> <span style="color:#1971c2">■ fair value</span> ▲ buy fill ▼ sell fill</p></section>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#212529}table{border-collapse:collapse}th,td{border:1px solid #dee2e6;padding:4px 8px;text-align:left}th{background:#f8f9fa;font-weight:600}canvas{border:1px solid #e9ecef;max-width:100%}h3{margin:12px 0 4px;font-size:14px}.legend span{margin-right:12px}</style>
</head><body data-charts-drawn="0">
<h1>${title}</h1>
<table>${table}</table>
${parity}
${charts}
<script type="application/json" id="bt-data">${scriptJson({ markets })}</script>
<script>${PLOTTER}</script>
</body></html>
`;
}

function paritySection(p: ParityReport, notes: Readonly<Record<string, number | string>>): string {
  const cell = (v: unknown): string => `<td>${escapeHtml(String(v))}</td>`;
  const rows: [string, string][] = [
    ["Live fills / shares", `${p.live.fills} / ${p.live.shares}`],
    ["Backtest fills / shares", `${p.sim.fills} / ${p.sim.shares}`],
    ["Matched shares (fraction of live)", `${p.matched.shares} (${(p.matched.fractionOfLive * 100).toFixed(1)} %)`],
    ["Mean lag backtest − live (ms)", String(p.matched.meanLagMs)],
    ["Match window (ms)", String(p.windowMs)],
    ...Object.entries(p.byCause).map(([k, v]): [string, string] => [`Unmatched by ${k} (shares)`, String(v)]),
    ["… while the live / backtest executor was not RUNNING", `${p.whileNotRunning.live} / ${p.whileNotRunning.backtest}`],
    ...Object.entries(notes).map(([k, v]): [string, string] => [k, String(v)]),
  ];
  const div = p.divergences
    .map(
      (d) =>
        `<tr>${cell(new Date(d.time).toISOString().slice(11, 23))}${cell(d.cause)}${cell(d.side)}${cell(d.price / 10_000)}${cell(d.size / 1e6)}${cell(d.tokenId.slice(0, 12))}</tr>`,
    )
    .join("");
  return `<section id="parity"><h2>Parity with the live session</h2>
<table>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join("")}</table>
<h3>Divergences (first ${p.divergences.length})</h3>
<table><tr><th>time (UTC)</th><th>cause</th><th>side</th><th>price</th><th>shares</th><th>token</th><th>not RUNNING</th></tr>${div}</table></section>`;
}

/** The inline plotter (plain ES2015, no dependencies). */
const PLOTTER = `
(function(){
  "use strict";
  var data = JSON.parse(document.getElementById("bt-data").textContent);
  var drawn = 0;
  function fmtTime(ms){ var d = new Date(ms); return d.toISOString().slice(11,19); }
  function plot(id, t, lines, marks, opts){
    var c = document.getElementById(id); if (!c) return;
    var g = c.getContext("2d"); if (!g) return;
    var W = c.width, H = c.height, L = 64, R = 12, T = 10, B = 28;
    var lo = Infinity, hi = -Infinity, n = 0, i, j;
    for (j = 0; j < lines.length; j++) for (i = 0; i < lines[j].v.length; i++) { var v = lines[j].v[i]; if (v === null || !isFinite(v)) continue; if (v < lo) lo = v; if (v > hi) hi = v; }
    for (j = 0; j < marks.length; j++) for (i = 0; i < marks[j].p.length; i++) { var y0 = marks[j].p[i][1]; if (y0 < lo) lo = y0; if (y0 > hi) hi = y0; }
    if (!isFinite(lo)) { lo = 0; hi = 1; }
    if (hi === lo) { hi += 1; lo -= 1; }
    var t0 = t.length ? t[0] : 0, t1 = t.length ? t[t.length-1] : 1; if (t1 === t0) t1 = t0 + 1;
    function X(x){ return L + (x - t0) / (t1 - t0) * (W - L - R); }
    function Y(y){ return T + (hi - y) / (hi - lo) * (H - T - B); }
    g.fillStyle = "#fff"; g.fillRect(0,0,W,H);
    g.strokeStyle = "#e9ecef"; g.fillStyle = "#495057"; g.font = "11px sans-serif"; g.lineWidth = 1;
    for (i = 0; i <= 4; i++) { var yv = lo + (hi - lo) * i / 4, yy = Y(yv); g.beginPath(); g.moveTo(L, yy); g.lineTo(W-R, yy); g.stroke(); g.fillText((opts.fmt ? opts.fmt(yv) : yv.toFixed(2)), 4, yy + 4); }
    for (i = 0; i <= 5; i++) { var tv = t0 + (t1 - t0) * i / 5; g.fillText(fmtTime(tv), X(tv) - 24, H - 8); }
    if (opts.zero && lo < 0 && hi > 0) { g.strokeStyle = "#adb5bd"; g.beginPath(); g.moveTo(L, Y(0)); g.lineTo(W-R, Y(0)); g.stroke(); }
    for (j = 0; j < lines.length; j++) {
      var ln = lines[j]; g.strokeStyle = ln.color; g.lineWidth = ln.width || 1.5; g.beginPath(); var pen = false;
      for (i = 0; i < ln.v.length; i++) { var val = ln.v[i]; if (val === null || !isFinite(val)) { pen = false; continue; }
        var px = X(t[i]), py = Y(val); if (pen) g.lineTo(px, py); else g.moveTo(px, py); pen = true; n++; }
      g.stroke();
    }
    for (j = 0; j < marks.length; j++) { var mk = marks[j]; g.fillStyle = mk.color;
      for (i = 0; i < mk.p.length; i++) { var mx = X(mk.p[i][0]), my = Y(mk.p[i][1]); g.beginPath();
        if (mk.up) { g.moveTo(mx, my - 5); g.lineTo(mx - 4, my + 3); g.lineTo(mx + 4, my + 3); } else { g.moveTo(mx, my + 5); g.lineTo(mx - 4, my - 3); g.lineTo(mx + 4, my - 3); }
        g.fill(); n++; } }
    c.setAttribute("data-points", String(n));
    if (n > 0) drawn++;
  }
  var price = function(v){ return (v / 10000).toFixed(3); };
  data.markets.forEach(function(m, k){
    plot("pnl-" + k, m.t, [{ v: m.pnl, color: "#5f3dc4", width: 2 }], [], { zero: true });
    plot("inv-" + k, m.t, [{ v: m.exposure, color: "#e8590c", width: 2 }], [], { zero: true });
    plot("quotes-" + k, m.t, [
      { v: m.bookBid, color: "#adb5bd" }, { v: m.bookAsk, color: "#868e96" },
      { v: m.quoteBid, color: "#2b8a3e" }, { v: m.quoteAsk, color: "#c92a2a" },
      { v: m.fair, color: "#1971c2", width: 2 }
    ], [{ p: m.buys, color: "#2b8a3e", up: true }, { p: m.sells, color: "#c92a2a", up: false }], { fmt: price });
  });
  document.body.setAttribute("data-charts-drawn", String(drawn));
})();
`;
