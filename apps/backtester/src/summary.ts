/**
 * The run's JSON summary and the fills hash. Every number is rounded to a fixed precision and every
 * object is built with a fixed key order, so the same inputs and seed give a byte-identical
 * `JSON.stringify(summary)`.
 */
import { createHash } from "node:crypto";
import type { ExecutorStats } from "@mm/executor";
import type { Outcome, Side, TradeStatus } from "@mm/types";
import type { Ledger } from "./ledger.js";
import type { BacktestConfig } from "./run.js";
import type { Tape } from "./tape.js";
import type { SimVenue, VenueTrade } from "./venue-model.js";

export interface FillRecord {
  readonly time: number;
  readonly tradeId: string;
  readonly clientOrderId: string;
  readonly market: number;
  readonly outcome: Outcome;
  readonly side: Side;
  readonly price: number;
  readonly size: number;
  readonly yesDirection: 1 | -1;
  readonly yesPrice: number;
  readonly role: "MAKER" | "TAKER";
  readonly fee: number;
  status: TradeStatus;
  /** YES-space markout per share at each horizon, price units (null when no mid). */
  readonly markouts: (number | null)[];
}

/** A fill record from a venue trade, with `markouts` to be filled per horizon. */
export function fillRecordOf(t: VenueTrade, markouts: (number | null)[]): FillRecord {
  return {
    time: t.matchTime,
    tradeId: t.tradeId,
    clientOrderId: t.clientOrderId,
    market: t.market,
    outcome: t.outcome,
    side: t.side,
    price: t.price,
    size: t.size,
    yesDirection: t.yesDirection,
    yesPrice: t.yesPrice,
    role: t.role,
    fee: t.fee,
    status: t.status,
    markouts,
  };
}

export interface SeriesPoint {
  readonly t: number;
  readonly market: number;
  /** USDC */
  readonly pnl: number;
  /** YES-space exposure, shares */
  readonly exposure: number;
  readonly bookBid: number | null;
  readonly bookAsk: number | null;
  readonly quoteBid: number | null;
  readonly quoteAsk: number | null;
  readonly fair: number | null;
}

export interface MarkoutSummary {
  readonly horizonMs: number;
  readonly fills: number;
  /** Size-weighted mean, price units per share (positive = the fill was good). */
  readonly meanPerShare: number;
  /** USDC */
  readonly total: number;
}

export interface BacktestSummary {
  readonly version: 1;
  readonly source: string;
  readonly seed: number;
  readonly events: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly pnl: {
    readonly total: number;
    readonly realized: number;
    readonly unrealized: number;
    /** Cash plus winning shares at 1 (losing at 0) for resolved markets, the rest marked at mid. */
    readonly atResolution: number;
    readonly fees: number;
    readonly resolvedMarkets: number;
  };
  readonly inventory: {
    readonly final: readonly { readonly market: number; readonly outcome: Outcome; readonly shares: number }[];
    readonly maxAbsExposure: number;
    /** [t, market, YES-space exposure shares], downsampled to at most 500 points per market. */
    readonly path: readonly (readonly [number, number, number])[];
  };
  readonly fills: {
    readonly count: number;
    readonly maker: number;
    readonly taker: number;
    readonly failed: number;
    readonly boughtShares: number;
    readonly soldShares: number;
    readonly volumeUsdc: number;
  };
  /** Filled shares ÷ shares of accepted placements. */
  readonly fillRatio: number;
  readonly markouts: readonly MarkoutSummary[];
  readonly churn: {
    readonly places: number;
    readonly cancels: number;
    readonly cancelAlls: number;
    readonly intentChanges: number;
    readonly actionsPerIntentChange: number;
  };
  readonly rejects: Readonly<Record<string, number>>;
  readonly modeTimeMs: Readonly<Record<string, number>>;
  readonly venue: Readonly<Record<string, number>>;
  readonly fillsHash: string;
}

const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;
const sorted = (o: Readonly<Record<string, number>>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k] as number;
  return out;
};

/** SHA-256 over the canonical fill lines (time, trade, order, token, side, price, size, role, final status). */
export function fillsHash(fills: readonly FillRecord[]): string {
  const h = createHash("sha256");
  for (const f of fills)
    h.update(
      `${f.time}|${f.tradeId}|${f.clientOrderId}|${f.market}|${f.outcome}|${f.side}|${f.price}|${f.size}|${f.role}|${f.status}|${f.fee}\n`,
    );
  return h.digest("hex");
}

export function buildSummary(input: {
  readonly tape: Tape;
  readonly config: BacktestConfig;
  readonly horizons: readonly number[];
  readonly fills: readonly FillRecord[];
  readonly series: readonly SeriesPoint[];
  readonly ledger: Ledger;
  readonly venue: SimVenue;
  readonly executorStats: ExecutorStats;
  readonly end: number;
}): BacktestSummary {
  const { tape, fills, ledger, venue, executorStats: s } = input;
  const nm = tape.markets.length;
  const mark = (m: number) => venue.mid(m) ?? lastMid(input.series, m);
  const payoff = (m: number): 0 | 1 | undefined => {
    const w = venue.winner(m);
    return w === undefined ? undefined : w === "YES" ? 1 : 0;
  };
  const v = ledger.valuation(mark);
  const atRes = ledger.valuation(mark, payoff);
  let resolved = 0;
  for (let m = 0; m < nm; m++) if (venue.winner(m) !== undefined) resolved++;

  const live = fills.filter((f) => f.status !== "FAILED");
  let bought = 0;
  let sold = 0;
  let volume = 0;
  for (const f of live) {
    if (f.side === "BUY") bought += f.size;
    else sold += f.size;
    volume += (f.price * f.size) / 10_000;
  }
  const markouts: MarkoutSummary[] = input.horizons.map((h, k) => {
    let n = 0;
    let shares = 0;
    let total = 0;
    for (const f of live) {
      const m = f.markouts[k];
      if (m === null || m === undefined) continue;
      n++;
      shares += f.size;
      total += (m * f.size) / 10_000;
    }
    return { horizonMs: h, fills: n, meanPerShare: shares > 0 ? r6((total * 10_000) / shares) : 0, total: r6(total / 1e6) };
  });

  const path: [number, number, number][] = [];
  let maxAbs = 0;
  for (let m = 0; m < nm; m++) {
    const pts = input.series.filter((p) => p.market === m);
    const step = Math.max(1, Math.ceil(pts.length / 500));
    for (let i = 0; i < pts.length; i++) {
      const p = pts[i] as SeriesPoint;
      maxAbs = Math.max(maxAbs, Math.abs(p.exposure));
      if (i % step === 0 || i === pts.length - 1) path.push([p.t, m, r6(p.exposure)]);
    }
  }
  const final = ledger
    .books()
    .filter((b) => b.position !== 0)
    .map((b) => ({ market: b.market, outcome: b.outcome, shares: r6(b.position / 1e6) }))
    .sort((a, b) => a.market - b.market || a.outcome.localeCompare(b.outcome));

  const placedShares = venue.counters.placedShares;
  const filledShares = bought + sold;
  const rejects: Record<string, number> = {};
  for (const [k, n] of Object.entries(s.rejectsByReason)) rejects[k] = n;
  const intentChanges = s.intentChanges;
  return {
    version: 1,
    source: tape.source,
    seed: input.config.seed,
    events: tape.length,
    startMs: tape.length > 0 ? (tape.time[0] as number) : 0,
    endMs: input.end,
    pnl: {
      total: r6(v.total / 1e6),
      realized: r6(v.realized / 1e6),
      unrealized: r6(v.unrealized / 1e6),
      atResolution: r6(atRes.total / 1e6),
      fees: r6(v.fees / 1e6),
      resolvedMarkets: resolved,
    },
    inventory: { final, maxAbsExposure: r6(maxAbs), path },
    fills: {
      count: live.length,
      maker: live.filter((f) => f.role === "MAKER").length,
      taker: live.filter((f) => f.role === "TAKER").length,
      failed: fills.length - live.length,
      boughtShares: r6(bought / 1e6),
      soldShares: r6(sold / 1e6),
      volumeUsdc: r6(volume / 1e6),
    },
    fillRatio: placedShares > 0 ? r6(filledShares / placedShares) : 0,
    markouts,
    churn: {
      places: s.actions.PLACE,
      cancels: s.actions.CANCEL,
      cancelAlls: s.actions.CANCEL_ALL,
      intentChanges,
      actionsPerIntentChange: intentChanges > 0 ? r6(s.actionsOnIntentChange / intentChanges) : 0,
    },
    rejects: sorted(rejects),
    modeTimeMs: { RUNNING: s.modeTimeMs.RUNNING, STOP: s.modeTimeMs.STOP, COOLDOWN: s.modeTimeMs.COOLDOWN, RESYNC: s.modeTimeMs.RESYNC },
    venue: sorted({ ...venue.counters }),
    fillsHash: fillsHash(fills),
  };
}

function lastMid(series: readonly SeriesPoint[], m: number): number | undefined {
  for (let i = series.length - 1; i >= 0; i--) {
    const p = series[i] as SeriesPoint;
    if (p.market === m && p.bookBid !== null && p.bookAsk !== null) return (p.bookBid + p.bookAsk) / 2;
  }
  return undefined;
}
