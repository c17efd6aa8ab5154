/**
 * Live-vs-backtest parity: replay a bot journal's intents (the executor's `intent` entries) through
 * the executor, gateway and venue model over the market tape of the same period, and compare the
 * fills with the journal's own (`user` fill entries). Live fills are matched to simulated ones by
 * token, side and price within a time window; what is left is explained by cause:
 *
 * - `settlement`: the live trade FAILED (void; the model drew its own failures);
 * - `queue`: the simulation had an order resting at that token, side and price at the time, but the
 *   queue model did not reach it (or reached it outside the window);
 * - `latency`: the simulation had no order there at that time (it arrived later or left earlier:
 *   order-entry / cancel / market-data timing, or a reject);
 * - simulated fills with no live counterpart: `sim_only` (the model filled where live did not).
 */
import type { JournalEntry } from "@mm/executor";
import type { DesiredQuoteSet, Side, TokenId, TradeStatus } from "@mm/types";
import { type BacktestConfig, type BacktestResult, runBacktest, type TimedIntent } from "./run.js";
import type { FillRecord } from "./summary.js";
import type { Tape } from "./tape.js";

export interface JournalFill {
  readonly time: number;
  readonly tradeId: string;
  readonly tokenId: TokenId;
  readonly side: Side;
  readonly price: number;
  readonly size: number;
  readonly status: TradeStatus;
}

/** The intents and our fills (latest status per trade leg) recorded in an executor journal. */
export function journalInputs(entries: readonly JournalEntry[]): { readonly intents: TimedIntent[]; readonly fills: JournalFill[] } {
  const intents: TimedIntent[] = [];
  const fills = new Map<string, JournalFill>();
  for (const e of entries) {
    if (e.type === "intent") intents.push({ at: e.at, intent: e.intent as DesiredQuoteSet });
    else if (e.type === "user" && e.event.kind === "fill") {
      const f = e.event;
      const key = `${f.tradeId}:${f.orderId}`;
      const prev = fills.get(key);
      if (prev === undefined || prev.status !== "FAILED")
        fills.set(key, {
          time: f.matchTime,
          tradeId: f.tradeId,
          tokenId: f.tokenId,
          side: f.side,
          price: f.price,
          size: f.size,
          status: f.status,
        });
    }
  }
  return { intents, fills: [...fills.values()].sort((a, b) => a.time - b.time || a.tradeId.localeCompare(b.tradeId)) };
}

export type DivergenceCause = "settlement" | "queue" | "latency" | "sim_only";

export interface Divergence {
  readonly cause: DivergenceCause;
  readonly time: number;
  readonly tokenId: string;
  readonly side: Side;
  readonly price: number;
  /** micro-shares not matched */
  readonly size: number;
}

export interface ParityReport {
  readonly windowMs: number;
  readonly live: { readonly fills: number; readonly shares: number };
  readonly sim: { readonly fills: number; readonly shares: number };
  readonly matched: { readonly shares: number; readonly fractionOfLive: number; readonly meanLagMs: number };
  /** Unmatched shares by cause. */
  readonly byCause: Readonly<Record<DivergenceCause, number>>;
  /** The first divergences, time-ordered (at most 100). */
  readonly divergences: readonly Divergence[];
}

export interface OrderSpan {
  readonly tokenId: string;
  readonly side: Side;
  readonly price: number;
  readonly from: number;
  readonly to: number;
}

/** Greedy size matching of live to simulated fills (same token, side, price; |Δt| ≤ window), then causes. */
export function compareFills(
  live: readonly JournalFill[],
  sim: readonly (FillRecord & { readonly tokenId: string })[],
  simOrders: readonly OrderSpan[],
  windowMs = 5_000,
): ParityReport {
  const simLeft = sim.filter((f) => f.status !== "FAILED").map((f) => ({ f, left: f.size }));
  const divergences: Divergence[] = [];
  const byCause: Record<DivergenceCause, number> = { settlement: 0, queue: 0, latency: 0, sim_only: 0 };
  let matchedShares = 0;
  let lagWeighted = 0;
  let liveShares = 0;
  for (const l of live) {
    liveShares += l.size;
    if (l.status === "FAILED") {
      byCause.settlement += l.size;
      divergences.push({ cause: "settlement", time: l.time, tokenId: l.tokenId, side: l.side, price: l.price, size: l.size });
      continue;
    }
    let need = l.size;
    for (const s of simLeft) {
      if (need <= 0) break;
      if (s.left <= 0 || s.f.tokenId !== l.tokenId || s.f.side !== l.side || s.f.price !== l.price) continue;
      if (Math.abs(s.f.time - l.time) > windowMs) continue;
      const take = Math.min(need, s.left);
      s.left -= take;
      need -= take;
      matchedShares += take;
      lagWeighted += take * (s.f.time - l.time);
    }
    if (need > 0) {
      const resting = simOrders.some(
        (o) => o.tokenId === l.tokenId && o.side === l.side && o.price === l.price && o.from <= l.time && l.time <= o.to,
      );
      const cause: DivergenceCause = resting ? "queue" : "latency";
      byCause[cause] += need;
      divergences.push({ cause, time: l.time, tokenId: l.tokenId, side: l.side, price: l.price, size: need });
    }
  }
  for (const s of simLeft) {
    if (s.left <= 0) continue;
    byCause.sim_only += s.left;
    divergences.push({ cause: "sim_only", time: s.f.time, tokenId: s.f.tokenId, side: s.f.side, price: s.f.price, size: s.left });
  }
  divergences.sort((a, b) => a.time - b.time);
  const simLive = sim.filter((f) => f.status !== "FAILED");
  return {
    windowMs,
    live: { fills: live.length, shares: liveShares / 1e6 },
    sim: { fills: simLive.length, shares: simLive.reduce((a, f) => a + f.size, 0) / 1e6 },
    matched: {
      shares: matchedShares / 1e6,
      fractionOfLive: liveShares > 0 ? Math.round((matchedShares / liveShares) * 1e6) / 1e6 : 1,
      meanLagMs: matchedShares > 0 ? Math.round(lagWeighted / matchedShares) : 0,
    },
    byCause: {
      settlement: byCause.settlement / 1e6,
      queue: byCause.queue / 1e6,
      latency: byCause.latency / 1e6,
      sim_only: byCause.sim_only / 1e6,
    },
    divergences: divergences.slice(0, 100),
  };
}

/** Replays a journal's intents over `tape` with `config` (its strategy is not used) and compares fills. */
export function runParity(
  tape: Tape,
  journal: readonly JournalEntry[],
  config: Omit<BacktestConfig, "intents" | "strategy">,
  windowMs = 5_000,
): { readonly result: BacktestResult; readonly report: ParityReport } {
  const { intents, fills } = journalInputs(journal);
  const unused = {
    name: "journal",
    quote: () => {
      throw new Error("journal replay does not run a strategy");
    },
  };
  const result = runBacktest(tape, { ...config, intents, recordOrderSpans: true, strategy: { kind: "custom", make: () => unused } });
  const tokenOf = (f: FillRecord): string => {
    const m = tape.markets[f.market];
    return m === undefined ? "" : f.outcome === "YES" ? m.yes.tokenId : m.no.tokenId;
  };
  const sim = result.fills.map((f) => ({ ...f, tokenId: tokenOf(f) }));
  return { result, report: compareFills(fills, sim, result.orderSpans, windowMs) };
}
