import { price, size } from "@mm/types";
import { afterEach, describe, expect, it } from "vitest";
import { fetchRecentTrades, filterFreshTrades, type PublicTrade, TradeFetcher } from "../src/index.js";
import { DAY, matchYesTrade, NOW, startTestVenue, type TestVenue } from "./sim.js";

let venue: TestVenue | undefined;
afterEach(async () => {
  await venue?.stop();
  venue = undefined;
});

describe("TradeFetcher against the venue simulator (G1)", () => {
  it("filters out a 60-day-old trade and keeps a 10-second-old one", async () => {
    venue = await startTestVenue({ startAt: NOW - 60 * DAY });
    const m = venue.markets[0]!;
    matchYesTrade(venue.sim, m, price("0.95"), size("10")); // 60 days ago, at 95¢
    venue.clock.advanceTo(NOW - 10_000);
    matchYesTrade(venue.sim, m, price("0.05"), size("20")); // 10 s ago, at 5¢
    venue.clock.advanceTo(NOW);

    const client = venue.client();
    const all = await client.getTrades({ markets: [m.info.conditionId] });
    expect(all.items.map((t) => t.price).sort()).toEqual([price("0.05"), price("0.95")]); // the venue really serves both

    const fetcher = new TradeFetcher({ source: client, clock: venue.clock });
    const result = await fetcher.fetchTrades([m.info.conditionId]);
    expect(result.stale).toBe(1);
    expect(result.trades).toHaveLength(1);
    expect(result.trades[0]).toMatchObject({
      price: price("0.05"),
      size: size("20"),
      timestamp: NOW - 10_000,
      tokenId: m.info.yes.tokenId,
    });
    expect(await fetcher.fetchRecentTrades(m.info.conditionId)).toEqual(result.trades);
    expect(await fetchRecentTrades(client, m.info.conditionId, { clock: venue.clock })).toEqual(result.trades);
  });

  it("returns nothing when every trade is stale", async () => {
    venue = await startTestVenue({ startAt: NOW - 60 * DAY });
    const m = venue.markets[0]!;
    matchYesTrade(venue.sim, m, price("0.95"), size("10"));
    venue.clock.advanceTo(NOW - 301_000);
    matchYesTrade(venue.sim, m, price("0.9"), size("5")); // 301 s old: just outside the default 300 s
    venue.clock.advanceTo(NOW);
    const fetcher = new TradeFetcher({ source: venue.client(), clock: venue.clock });
    const r = await fetcher.fetchTrades([m.info.conditionId]);
    expect(r.trades).toEqual([]);
    expect(r.stale).toBe(2);
    expect(await fetcher.fetchRecentTrades(m.info.conditionId)).toEqual([]);
    expect(await fetcher.fetchTradeSizeAtPrice(m.info.conditionId, m.info.yes.tokenId, price("0.95"))).toBeUndefined();
  });

  it("finds the size of a recent print near a price (G3) and only for that token", async () => {
    venue = await startTestVenue({ startAt: NOW - 30_000 });
    const m = venue.markets[0]!;
    matchYesTrade(venue.sim, m, price("0.42"), size("12.5"));
    venue.clock.advance(5_000);
    matchYesTrade(venue.sim, m, price("0.44"), size("7"));
    venue.clock.advanceTo(NOW);
    const fetcher = new TradeFetcher({ source: venue.client(), clock: venue.clock });
    const exact = await fetcher.fetchTradeSizeAtPrice(m.info.conditionId, m.info.yes.tokenId, price("0.42"));
    expect(exact?.size).toBe(size("12.5"));
    const near = await fetcher.fetchTradeSizeAtPrice(m.info.conditionId, m.info.yes.tokenId, price("0.43"), { tolerance: 100 });
    expect(near?.size).toBe(size("7")); // the newest print within 1¢
    expect(await fetcher.fetchTradeSizeAtPrice(m.info.conditionId, m.info.yes.tokenId, price("0.43"))).toBeUndefined();
    expect(await fetcher.fetchTradeSizeAtPrice(m.info.conditionId, m.info.no.tokenId, price("0.42"))).toBeUndefined();
  });
});

describe("TradeFetcher request sharing", () => {
  it("serves a burst of concurrent lookups of one market with one Data-API request; an aborted waiter does not cancel the others", async () => {
    venue = await startTestVenue({ startAt: NOW - 30_000 });
    const m = venue.markets[0]!;
    matchYesTrade(venue.sim, m, price("0.42"), size("12.5"));
    venue.clock.advanceTo(NOW);
    const fetcher = new TradeFetcher({ source: venue.client(), clock: venue.clock });
    const dataRequests = () => venue!.sim.venue.data.requestCounts.get("GET /trades") ?? 0;
    const controller = new AbortController();
    const aborted = fetcher.fetchTradeSizeAtPrice(m.info.conditionId, m.info.yes.tokenId, price("0.42"), { signal: controller.signal });
    const lookups = Array.from({ length: 10 }, () => fetcher.fetchTradeSizeAtPrice(m.info.conditionId, m.info.yes.tokenId, price("0.42")));
    expect(fetcher.inflightRequests).toBe(1);
    controller.abort("caller gave up");
    await expect(aborted).rejects.toBe("caller gave up");
    const sizes = await Promise.all(lookups);
    expect(sizes.map((r) => r?.size)).toEqual(Array.from({ length: 10 }, () => size("12.5")));
    expect(dataRequests()).toBe(1);
    expect(fetcher.inflightRequests).toBe(0);
    await fetcher.fetchRecentTrades(m.info.conditionId); // a later call makes a new request
    expect(dataRequests()).toBe(2);
  });
});

describe("filterFreshTrades", () => {
  const t = (ts: number): PublicTrade =>
    ({ key: String(ts), timestamp: ts, price: price("0.5"), size: size("1") }) as unknown as PublicTrade;
  it("keeps the window inclusive, drops stale and far-future prints, newest first", () => {
    const now = 1_000_000_000;
    const r = filterFreshTrades(
      [t(now - 300_000), t(now - 300_001), t(now - 5), t(now + 30_000), t(now + 61_000), t(Number.NaN)],
      now,
      300,
    );
    expect(r.trades.map((x) => x.timestamp)).toEqual([now + 30_000, now - 5, now - 300_000]);
    expect(r.stale).toBe(2);
    expect(r.future).toBe(1);
  });
});
