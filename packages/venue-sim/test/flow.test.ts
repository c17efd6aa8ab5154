import { ManualClock } from "@mm/types";
import { afterEach, describe, expect, it } from "vitest";
import { upProbability } from "../src/index.js";
import { Collector, T0, expectMarketValid, startSim, stopAll } from "./helpers.js";

afterEach(stopAll);

async function runFlow(seed: number, ms: number, windowMs = 60_000) {
  const clock = new ManualClock(T0);
  const { sim } = await startSim({ seed, clock, flow: true, markets: 2, windowMs, reference: { intervalMs: 100 } });
  for (let t = 0; t < ms; t += 250) clock.advance(250);
  const markets = sim.venue.allMarkets();
  const trades = markets
    .flatMap((m) => sim.venue.engine.marketTrades(m.info.conditionId))
    .map((t) => [t.id, t.taker.tokenId, t.taker.side, t.taker.price, t.taker.size, t.status]);
  const books = markets.map((m) => sim.venue.engine.book(m.info.yes.tokenId));
  return { sim, clock, trades, books, markets };
}

describe("simulated order flow", () => {
  it("same seed ⇒ same books and trade sequence; another seed differs", async () => {
    const a = await runFlow(5, 20_000);
    const b = await runFlow(5, 20_000);
    const c = await runFlow(6, 20_000);
    expect(a.trades.length).toBeGreaterThan(5);
    expect(a.trades).toEqual(b.trades);
    expect(a.books).toEqual(b.books);
    expect(c.trades).not.toEqual(a.trades);
  });

  it("prunes terminal orders and settled trades in long runs", async () => {
    const clock = new ManualClock(T0);
    const { sim } = await startSim({
      seed: 8,
      clock,
      flow: { pruneAfterMs: 30_000 },
      markets: 1,
      windowMs: 600_000,
      reference: { intervalMs: 100 },
    });
    while (clock.now() < T0 + 150_000) clock.advance(250);
    expect(sim.flow!.stats.prunedOrders).toBeGreaterThan(0);
    const m = sim.venue.allMarkets()[0]!;
    for (const t of sim.venue.engine.marketTrades(m.info.conditionId)) {
      expect(t.status === "CONFIRMED" || t.status === "FAILED" ? t.lastUpdate >= clock.now() - 90_000 : true).toBe(true);
    }
  });

  it("quotes around P(S_T > S_0), resolves windows on the path and rolls new markets", async () => {
    const { sim, clock } = await startSim({
      seed: 3,
      flow: true,
      markets: 1,
      windowMs: 180_000,
      reference: { intervalMs: 100 },
      marketWs: { idleTimeoutMs: 0 },
    });
    const m = sim.venue.allMarkets()[0]!;
    const ws = await Collector.open(`${sim.urls.ws}/market`);
    ws.send({ assets_ids: [m.info.yes.tokenId], type: "market", custom_feature_enabled: true });
    await ws.until(() => ws.of("book").length === 1);
    while (clock.now() < m.endTime - 90_000) clock.advance(250);
    const path = sim.venue.reference.paths.get("BTCUSDT")!;
    const fair = upProbability(path.last.mid, m.strike!, path.sigma, m.endTime - clock.now());
    const best = sim.venue.engine.bestPrices(m.info.yes.tokenId)!;
    expect(best.bestBid).toBeDefined();
    expect(best.bestAsk).toBeDefined();
    expect(best.bestBid! / 10_000).toBeLessThanOrEqual(fair + 0.04);
    expect(best.bestAsk! / 10_000).toBeGreaterThanOrEqual(fair - 0.04);
    while (clock.now() < m.endTime + 1_000) clock.advance(250);
    const view = sim.venue.engine.market(m.info.conditionId)!;
    expect(view.status).toBe("resolved");
    expect(view.winner).toBe(path.last.mid > m.strike! ? "YES" : "NO");
    expect(sim.venue.allMarkets().length).toBe(2);
    expect(sim.flow!.stats.resolved).toBe(1);
    // long runs stay bounded: old terminal orders are pruned once a minute
    expect(sim.flow!.stats.prunedOrders).toBe(0);
    await ws.until(() => ws.of("market_resolved").length === 1 && ws.of("new_market").length === 1);
    expect(ws.of("last_trade_price").length).toBeGreaterThan(0);
    expectMarketValid(ws);
  });
});
