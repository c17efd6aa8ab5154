/**
 * Live-vs-backtest parity: replay a bot journal's intents (the executor's `intent` entries) through
 * the executor, gateway and venue model over the market tape of the same period, and compare the
 * fills with the journal's own (`user` fill entries). Live fills are matched to simulated ones in
 * YES space (market, direction, YES price; or literally by token, side and price) within a time
 * window, nearest pairs first; what is left is explained by cause:
 *
 * - `settlement`: the settlement outcomes of a matched pair differ, or the live trade FAILED;
 * - `queue`: the simulation had an order resting at that key at the time, but the queue model did
 *   not reach it (or reached it outside the window);
 * - `latency`: the simulation had no order there at that time (it arrived later or left earlier:
 *   order-entry / cancel / market-data timing, or a reject);
 * - simulated fills with no live counterpart: `sim_only` (the model filled where live did not).
 *
 * Divergence while either executor was not RUNNING is marked (`whileNotRunning`).
 */
import { type JournalEntry, type JournalSink, MemoryJournal } from "@mm/executor";
import { type DesiredQuoteSet, type MarketInfo, PRICE_SCALE, type Side, type TokenId, type TradeStatus } from "@mm/types";
import { type BacktestConfig, type BacktestResult, runBacktest, type TimedIntent } from "./run.js";
import type { FillRecord } from "./summary.js";
import type { Tape } from "./tape.js";
import type { VenueTrade } from "./venue-model.js";

export interface JournalFill {
  /** Match time, or first sighting when the journal's match times are whole seconds (see `journalInputs`), epoch ms. */
  readonly time: number;
  readonly tradeId: string;
  readonly tokenId: TokenId;
  readonly side: Side;
  readonly price: number;
  readonly size: number;
  readonly status: TradeStatus;
}

/**
 * The intents and our fills (latest status per trade leg) recorded in an executor journal.
 *
 * A fill's time is its match time, unless the journal's match times are all whole seconds (the
 * venue's user channel sends unix seconds): then it is when the journal first saw the fill, which is
 * a user-feed latency after the match but a thousand times finer.
 */
export function journalInputs(entries: readonly JournalEntry[]): { readonly intents: TimedIntent[]; readonly fills: JournalFill[] } {
  const intents: TimedIntent[] = [];
  const fills = new Map<string, JournalFill & { seenAt: number }>();
  let coarse = true;
  for (const e of entries) {
    if (e.type === "intent") intents.push({ at: e.at, intent: e.intent as DesiredQuoteSet });
    else if (e.type === "user" && e.event.kind === "fill") {
      const f = e.event;
      if (f.matchTime % 1_000 !== 0) coarse = false;
      const key = `${f.tradeId}:${f.orderId}`;
      const prev = fills.get(key);
      if (prev === undefined || prev.status !== "FAILED")
        fills.set(key, {
          time: f.matchTime,
          seenAt: prev?.seenAt ?? e.at,
          tradeId: f.tradeId,
          tokenId: f.tokenId,
          side: f.side,
          price: f.price,
          size: f.size,
          status: f.status,
        });
    }
  }
  const out: JournalFill[] = [...fills.values()].map(({ seenAt, ...f }) => (coarse ? { ...f, time: seenAt } : f));
  return { intents, fills: out.sort((a, b) => a.time - b.time || a.tradeId.localeCompare(b.tradeId)) };
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
  /** Which executor was not RUNNING (STOP / COOLDOWN / RESYNC) at the time, if one was. */
  readonly notRunning?: "live" | "backtest";
}

export interface ParityReport {
  readonly windowMs: number;
  readonly live: { readonly fills: number; readonly shares: number };
  readonly sim: { readonly fills: number; readonly shares: number };
  readonly matched: { readonly shares: number; readonly fractionOfLive: number; readonly meanLagMs: number };
  /** Unmatched shares by cause. */
  readonly byCause: Readonly<Record<DivergenceCause, number>>;
  /**
   * Divergent shares (any cause) that happened while the live or the backtest executor was not
   * RUNNING: a venue reject or resync on one side only put it in COOLDOWN / RESYNC / STOP.
   */
  readonly whileNotRunning: { readonly live: number; readonly backtest: number };
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

/** Options of `compareFills`. */
export interface CompareOptions {
  /** Max |Δt| between a live fill and the simulated fill it is matched with, ms (default 5000). */
  readonly windowMs?: number;
  /**
   * Match in YES space (market, direction, YES price) instead of by token, side and price: BUY YES at
   * p and SELL NO at 1 − p are the same exposure at the same price; which one the executor sends is
   * its complement routing of the moment (reduce-first from inventory). Needs the markets.
   */
  readonly markets?: readonly MarketInfo[];
  /** Periods [from, to) in which each executor was not RUNNING (from the journals' mode entries). */
  readonly notRunning?: {
    readonly live: readonly (readonly [number, number])[];
    readonly backtest: readonly (readonly [number, number])[];
  };
}

/** Periods [from, to) a journal's executor spent outside RUNNING (open at the end: to = +∞). */
export function notRunningPeriods(entries: readonly JournalEntry[]): [number, number][] {
  const out: [number, number][] = [];
  let from: number | undefined;
  for (const e of entries) {
    if (e.type !== "mode") continue;
    if (e.to !== "RUNNING" && from === undefined) from = e.at;
    else if (e.to === "RUNNING" && from !== undefined) {
      out.push([from, e.at]);
      from = undefined;
    }
  }
  if (from !== undefined) out.push([from, Number.POSITIVE_INFINITY]);
  return out;
}

/** A function giving the comparison key of (token, side, price): YES-space with markets, else literal. */
function keyFn(markets: readonly MarketInfo[] | undefined): (tokenId: string, side: Side, price: number) => string {
  if (markets === undefined) return (t, s, p) => `${t}|${s}|${p}`;
  const tokens = new Map<string, { market: number; yes: boolean }>();
  markets.forEach((m, i) => {
    tokens.set(m.yes.tokenId, { market: i, yes: true });
    tokens.set(m.no.tokenId, { market: i, yes: false });
  });
  return (t, s, p) => {
    const loc = tokens.get(t);
    if (loc === undefined) return `${t}|${s}|${p}`;
    const up = loc.yes === (s === "BUY");
    return `m${loc.market}|${up ? "+" : "-"}|${loc.yes ? p : PRICE_SCALE - p}`;
  };
}

/**
 * Size matching of live to simulated fills (same key, |Δt| ≤ window, nearest pairs first), then
 * causes. A matched pair whose settlement differs (one side FAILED, the other not) is divergence by
 * `settlement`, not a match; an unmatched live fill is `settlement` if it FAILED (it was void), else
 * `queue` when the simulation had an order resting at its key then, else `latency`. Simulated fills
 * left over (not FAILED) are `sim_only`. matched + settlement + queue + latency = live shares.
 */
export function compareFills(
  live: readonly JournalFill[],
  sim: readonly (FillRecord & { readonly tokenId: string })[],
  simOrders: readonly OrderSpan[],
  options: number | CompareOptions = {},
): ParityReport {
  const o: CompareOptions = typeof options === "number" ? { windowMs: options } : options;
  const windowMs = o.windowMs ?? 5_000;
  const key = keyFn(o.markets);
  const simLeft = sim.map((f) => ({ f, k: key(f.tokenId, f.side, f.price), left: f.size }));
  const spans = simOrders.map((s) => ({ s, k: key(s.tokenId, s.side, s.price) }));
  const divergences: Divergence[] = [];
  const byCause: Record<DivergenceCause, number> = { settlement: 0, queue: 0, latency: 0, sim_only: 0 };
  const within = (ps: readonly (readonly [number, number])[] | undefined, t: number): boolean =>
    ps?.some(([a, b]) => a <= t && t < b) ?? false;
  const whileNotRunning = { live: 0, backtest: 0 };
  const push = (d: Divergence): void => {
    const side = within(o.notRunning?.live, d.time) ? "live" : within(o.notRunning?.backtest, d.time) ? "backtest" : undefined;
    if (side !== undefined) whileNotRunning[side] += d.size;
    divergences.push(side === undefined ? d : { ...d, notRunning: side });
  };
  let matchedShares = 0;
  let lagWeighted = 0;
  let liveShares = 0;
  // All live × simulated pairs with the same key within the window, nearest first (ties: live then
  // simulated order), sizes assigned greedily: no live fill takes a simulated fill that is nearer to
  // another live fill.
  const liveKeys = live.map((l) => key(l.tokenId, l.side, l.price));
  const pairs: [number, number, number][] = [];
  live.forEach((l, i) => {
    simLeft.forEach((s, j) => {
      const dt = Math.abs(s.f.time - l.time);
      if (s.k === liveKeys[i] && dt <= windowMs) pairs.push([dt, i, j]);
    });
  });
  pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
  const need = live.map((l) => l.size);
  const settlementDiff = live.map(() => 0);
  for (const [, i, j] of pairs) {
    const l = live[i] as JournalFill;
    const s = simLeft[j] as (typeof simLeft)[number];
    const take = Math.min(need[i] as number, s.left);
    if (take <= 0) continue;
    s.left -= take;
    need[i] = (need[i] as number) - take;
    if ((s.f.status === "FAILED") !== (l.status === "FAILED")) settlementDiff[i] = (settlementDiff[i] as number) + take;
    else {
      matchedShares += take;
      lagWeighted += take * (s.f.time - l.time);
    }
  }
  live.forEach((l, i) => {
    liveShares += l.size;
    const at = { time: l.time, tokenId: l.tokenId, side: l.side, price: l.price };
    const sd = settlementDiff[i] as number;
    if (sd > 0) {
      byCause.settlement += sd;
      push({ cause: "settlement", ...at, size: sd });
    }
    const left = need[i] as number;
    if (left > 0) {
      const resting = spans.some(({ s, k: sk }) => sk === liveKeys[i] && s.from <= l.time && l.time <= s.to);
      const cause: DivergenceCause = l.status === "FAILED" ? "settlement" : resting ? "queue" : "latency";
      byCause[cause] += left;
      push({ cause, ...at, size: left });
    }
  });
  for (const s of simLeft) {
    if (s.left <= 0 || s.f.status === "FAILED") continue;
    byCause.sim_only += s.left;
    push({ cause: "sim_only", time: s.f.time, tokenId: s.f.tokenId, side: s.f.side, price: s.f.price, size: s.left });
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
    whileNotRunning: { live: whileNotRunning.live / 1e6, backtest: whileNotRunning.backtest / 1e6 },
    divergences: divergences.slice(0, 100),
  };
}

export interface ParityOptions {
  /** Matching window, ms (default 5000). */
  readonly windowMs?: number;
  /** Match in YES space (see `CompareOptions.markets`); default true. */
  readonly yesSpace?: boolean;
  /**
   * Give simulated trades the live session's settlement outcomes (default true): a simulated trade
   * takes the outcome (FAILED or not) of the live fill with the same YES-space key within the window,
   * of the same size if there is one, nearest in time; one without a live counterpart draws from the model. Settlement outcomes come from the chain, not from our orders, so a parity
   * replay takes them as inputs; false draws every outcome from `failProbability`.
   */
  readonly replaySettlement?: boolean;
}

/** Replays a journal's intents over `tape` with `config` (its strategy is not used) and compares fills. */
export function runParity(
  tape: Tape,
  journal: readonly JournalEntry[],
  config: Omit<BacktestConfig, "intents" | "strategy">,
  options: number | ParityOptions = {},
): { readonly result: BacktestResult; readonly report: ParityReport } {
  const o: ParityOptions = typeof options === "number" ? { windowMs: options } : options;
  const windowMs = o.windowMs ?? 5_000;
  const { intents, fills } = journalInputs(journal);
  const unused = {
    name: "journal",
    quote: () => {
      throw new Error("journal replay does not run a strategy");
    },
  };
  const yesKey = keyFn(tape.markets);
  // Each simulated trade takes the settlement outcome of the nearest live fill of the same YES-space
  // key within the window (each live fill lends its outcome once); without one the model draws.
  const liveByKey = new Map<string, { f: JournalFill; used: boolean }[]>();
  for (const f of fills) {
    const k = yesKey(f.tokenId, f.side, f.price);
    const list = liveByKey.get(k);
    if (list === undefined) liveByKey.set(k, [{ f, used: false }]);
    else list.push({ f, used: false });
  }
  const settlementOutcome =
    o.replaySettlement === false
      ? undefined
      : (t: VenueTrade): boolean | undefined => {
          // Same size first (our fills are usually whole orders), then nearest in time.
          let best: { f: JournalFill; used: boolean } | undefined;
          const score = (x: { f: JournalFill }): number => (x.f.size === t.size ? 0 : windowMs + 1) + Math.abs(x.f.time - t.matchTime);
          for (const x of liveByKey.get(yesKey(t.tokenId, t.side, t.price)) ?? []) {
            if (!x.used && Math.abs(x.f.time - t.matchTime) <= windowMs && (best === undefined || score(x) < score(best))) best = x;
          }
          if (best === undefined) return undefined;
          best.used = true;
          return best.f.status === "FAILED";
        };
  const simJournal = new MemoryJournal();
  const journals: JournalSink[] = [simJournal, ...(config.journal !== undefined ? [config.journal] : [])];
  const result = runBacktest(tape, {
    ...config,
    journal: {
      append: (e) => {
        for (const j of journals) j.append(e);
      },
    },
    intents,
    recordOrderSpans: true,
    strategy: { kind: "custom", make: () => unused },
    ...(settlementOutcome !== undefined ? { settlementOutcome } : {}),
  });
  const tokenOf = (f: FillRecord): string => {
    const m = tape.markets[f.market];
    return m === undefined ? "" : f.outcome === "YES" ? m.yes.tokenId : m.no.tokenId;
  };
  const sim = result.fills.map((f) => ({ ...f, tokenId: tokenOf(f) }));
  return {
    result,
    report: compareFills(fills, sim, result.orderSpans, {
      windowMs,
      ...(o.yesSpace === false ? {} : { markets: tape.markets }),
      notRunning: {
        live: notRunningPeriods(journal),
        backtest: notRunningPeriods(simJournal.entries.filter((e) => e.type === "mode")),
      },
    }),
  };
}

/** The report as a plain-text table (logs, CLI output, test failure messages). */
export function formatParity(p: ParityReport): string {
  const lines = [
    `live ${p.live.fills} fills / ${p.live.shares} sh · backtest ${p.sim.fills} fills / ${p.sim.shares} sh · window ${p.windowMs} ms`,
    `matched ${p.matched.shares} sh = ${(p.matched.fractionOfLive * 100).toFixed(1)} % of live · mean lag ${p.matched.meanLagMs} ms`,
    `unmatched by cause (sh): ${Object.entries(p.byCause)
      .map(([k, v]) => `${k} ${v}`)
      .join(" · ")} · of which while not RUNNING: live ${p.whileNotRunning.live}, backtest ${p.whileNotRunning.backtest}`,
    "time                     cause       side  price   shares  token",
    ...p.divergences.map(
      (d) =>
        `${new Date(d.time).toISOString()} ${d.cause.padEnd(11)} ${d.side.padEnd(5)} ${(d.price / 10_000).toFixed(4)} ${(d.size / 1e6).toFixed(2).padStart(8)}  ${d.tokenId.slice(0, 12)}${d.notRunning ? `  (${d.notRunning} not RUNNING)` : ""}`,
    ),
  ];
  return lines.join("\n");
}
