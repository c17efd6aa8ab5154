/**
 * Golden tapes: tiny hand-built sessions whose right answer is known by hand, replayed through the
 * real driver + executor + simulated venue.
 */
import { MemoryJournal } from "@mm/executor";
import { type PlaceAction, type Price, type Size, takerFee } from "@mm/types";
import { describe, expect, it } from "vitest";
import { EventKind, runBacktest, SIDE_ASK, SIDE_BID, TAKER_SELL, type LatencyConfig, ZERO_LATENCY } from "../src/index.js";
import { fixedQuotes, goldenConfig, MARKET, SH, T0, tapeOf } from "./support/tapes.js";

/** Book 0.48 × 100 / 0.52 × 100; sells of `sizes` print at 0.48 one second apart. */
const queueTape = (sizes: readonly number[]) =>
  tapeOf((b) => {
    b.snapshot(T0, 0, [{ price: 4800, size: 100 * SH }], [{ price: 5200, size: 100 * SH }]);
    let level = 100 * SH;
    sizes.forEach((s, k) => {
      const t = T0 + 1_000 * (k + 1);
      b.push(t, EventKind.TRADE, 0, TAKER_SELL, 4800, s * SH);
      level = Math.max(0, level - s * SH);
      b.push(t, EventKind.LEVEL, 0, SIDE_BID, 4800, level);
    });
    b.push(T0 + 10_000, EventKind.LEVEL, 0, SIDE_ASK, 5200, 100 * SH);
  });

describe("queue position", () => {
  it("a resting bid fills only after the queue ahead is consumed", () => {
    const seen: { i: number; fills: number; ahead: number | undefined }[] = [];
    const r = runBacktest(queueTape([60, 30, 30]), goldenConfig(fixedQuotes([4800, 10])), {
      afterEvent: (i, { venue }) => seen.push({ i, fills: venue.allTrades().length, ahead: venue.queueAhead("mm-1") }),
    });
    // 100 ahead: the 60 print leaves 40 ahead, the first 30 leaves 10, the second 30 fills us (10 of it after the queue).
    const trades = r.fills;
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ side: "BUY", outcome: "YES", price: 4800, size: 10 * SH, role: "MAKER", time: T0 + 3_000 });
    // Events: snapshot (0, its two levels skipped), then trade/level pairs at 3/4, 5/6, 7/8.
    const afterTrade = seen.filter((s) => s.i === 3 || s.i === 5 || s.i === 7);
    expect(afterTrade.map((s) => s.ahead)).toEqual([40 * SH, 10 * SH, undefined]);
    expect(afterTrade.map((s) => s.fills)).toEqual([0, 0, 1]);
    expect(r.summary.fills.count).toBe(1);
    expect(r.summary.inventory.final).toEqual([{ market: 0, outcome: "YES", shares: 10 }]);
  });

  it("partial fill when the print is smaller than our remaining size", () => {
    const r = runBacktest(queueTape([104]), goldenConfig(fixedQuotes([4800, 10])));
    expect(r.fills.map((f) => f.size)).toEqual([4 * SH]);
  });

  it("a print through our price fills us first, at our price", () => {
    const tape = tapeOf((b) => {
      b.snapshot(T0, 0, [{ price: 4700, size: 100 * SH }], [{ price: 5200, size: 100 * SH }]);
      // We bid 0.48 alone at the top; a seller prints at 0.47: we were better priced.
      b.push(T0 + 1_000, EventKind.TRADE, 0, TAKER_SELL, 4700, 30 * SH);
      b.push(T0 + 1_000, EventKind.LEVEL, 0, SIDE_BID, 4700, 70 * SH);
    });
    const r = runBacktest(tape, goldenConfig(fixedQuotes([4800, 10])));
    expect(r.fills).toHaveLength(1);
    expect(r.fills[0]).toMatchObject({ price: 4800, size: 10 * SH });
  });

  it("cancel allocation: risk-averse keeps our place, proportional moves us up by our share", () => {
    const tape = tapeOf((b) => {
      b.snapshot(T0, 0, [{ price: 4800, size: 60 * SH }], [{ price: 5200, size: 100 * SH }]);
      b.push(T0 + 1_000, EventKind.LEVEL, 0, SIDE_BID, 4800, 100 * SH); // 40 join behind us
      b.push(T0 + 2_000, EventKind.LEVEL, 0, SIDE_BID, 4800, 80 * SH); // 20 cancelled, no trade
      b.push(T0 + 3_000, EventKind.LEVEL, 0, SIDE_ASK, 5200, 90 * SH);
    });
    const ahead = (model: "risk_averse" | "proportional") => {
      let a: number | undefined;
      runBacktest(tape, goldenConfig(fixedQuotes([4800, 10]), { venue: { cancelModel: model } }), {
        afterEvent: (i, { venue }) => {
          if (i === 5) a = venue.queueAhead("mm-1");
        },
      });
      return a;
    };
    expect(ahead("risk_averse")).toBe(60 * SH);
    expect(ahead("proportional")).toBe(48 * SH); // 60 − 20 × 60/100
  });

  it("liquidity arriving through our resting bid hits us (complement crossing of a NO bid shows as a YES ask)", () => {
    const tape = tapeOf((b) => {
      b.snapshot(T0, 0, [{ price: 4700, size: 100 * SH }], [{ price: 5200, size: 100 * SH }]);
      b.push(T0 + 1_000, EventKind.LEVEL, 0, SIDE_ASK, 4800, 6 * SH);
    });
    const r = runBacktest(tape, goldenConfig(fixedQuotes([4800, 10])));
    expect(r.fills.map((f) => [f.price, f.size])).toEqual([[4800, 6 * SH]]);
  });
});

describe("latency", () => {
  const slow: LatencyConfig = { ...ZERO_LATENCY, orderEntry: { kind: "constant", ms: 1_500 } };
  // Empty bid level; sellers print at 0.48 at +1 s and +2 s.
  const tape = tapeOf((b) => {
    b.snapshot(T0, 0, [{ price: 4700, size: 100 * SH }], [{ price: 5200, size: 100 * SH }]);
    b.push(T0 + 1_000, EventKind.TRADE, 0, TAKER_SELL, 4800, 20 * SH);
    b.push(T0 + 2_000, EventKind.TRADE, 0, TAKER_SELL, 4800, 20 * SH);
  });

  it("order-entry latency delays fills: the order is not at the venue for the first print", () => {
    const fast = runBacktest(tape, goldenConfig(fixedQuotes([4800, 10])));
    const delayed = runBacktest(tape, goldenConfig(fixedQuotes([4800, 10]), {}, slow));
    expect(fast.fills[0]?.time).toBe(T0 + 1_000);
    expect(delayed.fills[0]?.time).toBe(T0 + 2_000);
    expect(delayed.fills).toHaveLength(1);
  });

  it("market-data latency delays when the strategy first sees the book", () => {
    const md: LatencyConfig = { ...ZERO_LATENCY, marketData: { kind: "constant", ms: 2_500 } };
    const r = runBacktest(tape, goldenConfig(fixedQuotes([4800, 10]), {}, md));
    expect(r.fills).toHaveLength(0);
  });
});

describe("settlement", () => {
  const tape = tapeOf((b) => {
    b.snapshot(T0, 0, [{ price: 4700, size: 100 * SH }], [{ price: 5200, size: 100 * SH }]);
    b.push(T0 + 1_000, EventKind.TRADE, 0, TAKER_SELL, 4800, 10 * SH);
    b.push(T0 + 20_000, EventKind.LEVEL, 0, SIDE_ASK, 5200, 90 * SH);
  });

  it("a FAILED trade reverses inventory in the executor and in the PnL", () => {
    const pending: number[] = [];
    const r = runBacktest(tape, goldenConfig(fixedQuotes([4800, 10]), { venue: { failProbability: 1, retryDelayMs: 500 } }), {
      afterEvent: (i, { executor }) => {
        if (i >= 3) pending.push(executor.inventoryOf(MARKET.yes.tokenId).pending);
      },
    });
    expect(r.fills).toHaveLength(1);
    expect(r.fills[0]?.status).toBe("FAILED");
    expect(r.summary.fills).toMatchObject({ count: 0, failed: 1 });
    expect(r.summary.inventory.final).toEqual([]);
    expect(r.summary.pnl.total).toBe(0);
    expect(r.executorStats.failedReversals).toBe(1);
    // After the failure (t + 1 s) nothing is pending any more.
    expect(pending.at(-1)).toBe(0);
  });

  it("a SELL cannot use pending inventory: the ask routes to BUY NO until the YES fill is MINED", () => {
    const journal = new MemoryJournal();
    runBacktest(
      tapeOf((b) => {
        b.snapshot(T0, 0, [{ price: 4700, size: 100 * SH }], [{ price: 5300, size: 100 * SH }]);
        b.push(T0 + 1_000, EventKind.TRADE, 0, TAKER_SELL, 4800, 10 * SH);
        b.push(T0 + 2_000, EventKind.LEVEL, 0, SIDE_ASK, 5300, 95 * SH);
        b.push(T0 + 12_000, EventKind.LEVEL, 0, SIDE_ASK, 5300, 90 * SH);
      }),
      goldenConfig(fixedQuotes([4800, 10], [5200, 10]), { journal, venue: { minedDelayMs: 5_000, confirmedDelayMs: 1_000 } }),
    );
    const places = journal.entries
      .filter((e): e is typeof e & { type: "action"; action: PlaceAction } => e.type === "action" && e.action.kind === "PLACE")
      .map((e) => ({ at: e.at - T0, token: e.action.order.tokenId === MARKET.yes.tokenId ? "YES" : "NO", side: e.action.order.side }));
    // Before the fill settles (MATCHED at +1 s, MINED at +6 s) the ask can only be BUY NO.
    const asksBefore = places.filter((p) => p.at < 6_000 && !(p.token === "YES" && p.side === "BUY"));
    expect(asksBefore.length).toBeGreaterThan(0);
    expect(asksBefore.every((p) => p.token === "NO" && p.side === "BUY")).toBe(true);
    // Once MINED, reduce-first sells the settled YES.
    expect(places.some((p) => p.at >= 6_000 && p.token === "YES" && p.side === "SELL")).toBe(true);
  });
});

describe("resolution", () => {
  const tape = (winner: 0 | 1) =>
    tapeOf((b) => {
      b.snapshot(T0, 0, [{ price: 4700, size: 100 * SH }], [{ price: 5200, size: 100 * SH }]);
      b.push(T0 + 1_000, EventKind.TRADE, 0, TAKER_SELL, 4800, 10 * SH);
      b.push(T0 + 5_000, EventKind.RESOLVE, 0, winner, 0, 0);
    });

  it("pays 1 per winning share", () => {
    const r = runBacktest(tape(0), goldenConfig(fixedQuotes([4800, 10])));
    expect(r.summary.pnl.atResolution).toBeCloseTo(10 * (1 - 0.48), 6);
    expect(r.summary.pnl.resolvedMarkets).toBe(1);
  });

  it("pays 0 per losing share", () => {
    const r = runBacktest(tape(1), goldenConfig(fixedQuotes([4800, 10])));
    expect(r.summary.pnl.atResolution).toBeCloseTo(-10 * 0.48, 6);
  });

  it("resolution cancels our resting orders and the executor stops quoting the market", () => {
    const r = runBacktest(tape(0), goldenConfig(fixedQuotes([4800, 10]), { tailMs: 5_000 }));
    expect(r.executorStats.openOrders).toBe(0);
  });
});

describe("taking and fees", () => {
  it("a marketable order (not post-only) takes the book at its prices and pays the p(1 − p) fee", () => {
    const tape = tapeOf((b) => {
      b.snapshot(
        T0,
        0,
        [{ price: 4700, size: 100 * SH }],
        [
          { price: 5000, size: 4 * SH },
          { price: 5100, size: 100 * SH },
        ],
      );
      b.push(T0 + 5_000, EventKind.LEVEL, 0, SIDE_BID, 4700, 90 * SH);
    });
    const r = runBacktest(tape, goldenConfig(fixedQuotes([5200, 10]), { executor: { postOnly: false }, venue: { takerFeeRate: 0.1 } }));
    const takes = r.fills.filter((f) => f.role === "TAKER").map((f) => [f.price, f.size]);
    // The first order sweeps 0.50 then 0.51 (price improvement below our 0.52 limit); the fixed
    // strategy re-bids after each fill and keeps taking the 0.51 level until it is used up.
    expect(takes.slice(0, 2)).toEqual([
      [5000, 4 * SH],
      [5100, 6 * SH],
    ]);
    expect(takes.reduce((a, [, s]) => a + (s as number), 0)).toBeLessThanOrEqual(104 * SH);
    // The venue's fee: 0.1 × shares × p(1 − p), floored to 1e-5 USDC per fill, withheld in shares
    // from a BUY (@mm/types `takerFee`, the rounding @mm/venue-sim uses).
    let fee = 0;
    let feeShares = 0;
    for (const [p, s] of takes) {
      fee += 0.1 * ((s as number) / SH) * ((p as number) / 1e4) * (1 - (p as number) / 1e4);
      const tf = takerFee("BUY", s as Size, p as Price, 1_000);
      feeShares += tf.sharesWithheld;
      expect(tf.feeUsdc % 10).toBe(0);
    }
    expect(r.summary.pnl.fees).toBeCloseTo(fee, 4);
    expect(feeShares).toBeGreaterThan(0);
    const mined = r.fills.filter((f) => f.role === "TAKER" && (f.status === "MINED" || f.status === "CONFIRMED"));
    expect(mined.length).toBe(takes.length);
    // the wallet got the shares net of the fee: YES inventory = bought − withheld
    expect((r.summary.rejects as Record<string, number>).balance ?? 0).toBe(0); // the executor booked the same net shares
    expect(r.summary.inventory.final[0]?.shares).toBeCloseTo((takes.reduce((a, [, s]) => a + (s as number), 0) - feeShares) / SH, 6);
  });
});

describe("tick size and markouts", () => {
  it("a tick-size change reaches the caches, the executor and the venue: quotes re-grid onto the finer tick", () => {
    const journal = new MemoryJournal();
    const tape = tapeOf((b) => {
      b.snapshot(T0, 0, [{ price: 4700, size: 100 * SH }], [{ price: 5300, size: 100 * SH }]);
      b.push(T0 + 1_000, EventKind.TICK_SIZE, 0, 0, 10, 0);
      b.push(T0 + 1_000, EventKind.LEVEL, 0, SIDE_BID, 4700, 90 * SH);
      b.push(T0 + 2_000, EventKind.LEVEL, 0, SIDE_ASK, 5300, 90 * SH);
    });
    const r = runBacktest(tape, goldenConfig(fixedQuotes([4850, 10]), { journal }));
    const bids = journal.entries
      .filter((e): e is typeof e & { type: "action"; action: PlaceAction } => e.type === "action" && e.action.kind === "PLACE")
      .map((e) => [e.at - T0, e.action.order.price, e.action.order.tickSize]);
    // On the 0.01 grid the 0.485 bid rounds down to 0.48; after the change it is placed at 0.485.
    expect(bids[0]).toEqual([0, 4800, 100]);
    expect(bids.some(([at, p, tick]) => (at as number) >= 1_000 && p === 4850 && tick === 10)).toBe(true);
    expect(r.summary.rejects).toEqual({});
  });

  it("markouts: YES-space mid move after the fill, per share", () => {
    const tape = tapeOf((b) => {
      b.snapshot(T0, 0, [{ price: 4700, size: 100 * SH }], [{ price: 5100, size: 100 * SH }]);
      b.push(T0 + 1_000, EventKind.TRADE, 0, TAKER_SELL, 4800, 10 * SH); // we buy 10 at 0.48 (mid 0.49)
      b.push(T0 + 1_500, EventKind.LEVEL, 0, SIDE_ASK, 5300, 100 * SH);
      b.push(T0 + 1_500, EventKind.LEVEL, 0, SIDE_ASK, 5100, 0); // mid → 0.50
      b.push(T0 + 5_000, EventKind.LEVEL, 0, SIDE_BID, 4500, 100 * SH);
      b.push(T0 + 5_000, EventKind.LEVEL, 0, SIDE_BID, 4700, 0); // mid → 0.49 (bid 0.45 / ask 0.53)
    });
    const r = runBacktest(tape, goldenConfig(fixedQuotes([4800, 10]), { markoutHorizonsMs: [1_000, 10_000], tailMs: 15_000 }));
    expect(r.fills).toHaveLength(1);
    expect(r.fills[0]?.markouts).toEqual([200, 100]);
    expect(r.summary.markouts.map((m) => [m.horizonMs, m.meanPerShare, m.total])).toEqual([
      [1_000, 200, 0.2],
      [10_000, 100, 0.1],
    ]);
  });
});
