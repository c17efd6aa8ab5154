/**
 * Long simulated run (behind `pnpm test:soak`): two hours of virtual time with flow on, a market
 * subscriber, rolling windows and engine pruning. Checks that nothing throws, windows keep rolling,
 * the engine's retained state stays bounded and every market frame validates.
 */
import { ManualClock } from "@mm/types";
import { afterEach, describe, expect, it } from "vitest";
import { Collector, T0, expectMarketValid, settle, startSim, stopAll } from "./helpers.js";

afterEach(stopAll);

describe.skipIf(process.env.SOAK !== "1")("soak", () => {
  it("two virtual hours of flow stay bounded and well-formed", async () => {
    const clock = new ManualClock(T0);
    const { sim } = await startSim({
      seed: 21,
      clock,
      flow: true,
      markets: 3,
      windowMs: 5 * 60_000,
      reference: { intervalMs: 100 },
      marketWs: { idleTimeoutMs: 0 },
    });
    const c = await Collector.open(`${sim.urls.ws}/market`);
    c.send({ assets_ids: [], type: "market", custom_feature_enabled: true });
    let maxTrades = 0;
    for (let minute = 0; minute < 120; minute++) {
      for (let i = 0; i < 240; i++) clock.advance(250);
      await settle(5);
      const live = sim.venue.allMarkets().reduce((n, m) => n + sim.venue.engine.marketTrades(m.info.conditionId).length, 0);
      maxTrades = Math.max(maxTrades, live);
    }
    const stats = sim.flow!.stats;
    expect(stats.resolved).toBeGreaterThanOrEqual(20);
    expect(stats.rolled).toBe(stats.resolved);
    expect(stats.prunedOrders).toBeGreaterThan(0);
    // retained trades stay around 15 minutes' worth, not two hours'
    const total = stats.takerOrders;
    expect(maxTrades).toBeLessThan(total);
    await c.until(() => c.of("market_resolved").length >= 20, 20_000);
    expectMarketValid(c);
  }, 600_000);
});
