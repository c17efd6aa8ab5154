import type { GammaMarket, GammaMarketsQuery } from "@mm/ingestion";
import type { ConditionId, TokenId } from "@mm/types";
import { describe, expect, it } from "vitest";
import { hash32, instanceShardOf, parseShard, rendezvousBucket, workerShardOf } from "../src/hash.js";
import { LifecycleController } from "../src/lifecycle.js";
import { AssetRegistry } from "../src/registry.js";

function market(i: number, over: Partial<GammaMarket> = {}): GammaMarket {
  return {
    id: String(i),
    conditionId: `0x${String(i).padStart(64, "0")}` as ConditionId,
    question: `q${i}`,
    slug: `m-${i}`,
    outcomes: ["Yes", "No"],
    tokenIds: [`${i}1`, `${i}2`] as TokenId[],
    outcomePrices: undefined,
    active: true,
    closed: false,
    archived: false,
    enableOrderBook: true,
    tickSize: 100,
    minOrderSize: undefined,
    negRisk: false,
    startTime: undefined,
    endTime: undefined,
    ...over,
  };
}

/** A hand-written Gamma stub: filters like the venue, records the queries, can fail. */
class StubGamma {
  markets: GammaMarket[] = [];
  tags = new Map<string, number>();
  queries: GammaMarketsQuery[] = [];
  fail = false;
  async *gammaMarketPages(q: GammaMarketsQuery = {}) {
    this.queries.push(q);
    if (this.fail) throw new Error("gamma down");
    let ms = this.markets;
    if (q.slug !== undefined) ms = ms.filter((m) => m.slug === q.slug);
    if (q.tagId !== undefined) ms = ms.filter((m) => this.tags.get(m.slug) === q.tagId);
    if (q.conditionIds !== undefined) ms = ms.filter((m) => q.conditionIds!.includes(m.conditionId));
    if (q.closed !== undefined) ms = ms.filter((m) => m.closed === q.closed);
    for (let i = 0; i < ms.length; i += 2) yield { items: ms.slice(i, i + 2), rejected: [] };
  }
}

function setup(opts: Partial<ConstructorParameters<typeof LifecycleController>[0]> = {}) {
  const gamma = new StubGamma();
  const registry = new AssetRegistry();
  const added: string[] = [];
  const expired: string[] = [];
  const removed: string[] = [];
  let now = 1_000;
  const life = new LifecycleController({
    client: gamma as never,
    registry,
    onAdded: (a) => added.push(...a),
    onExpired: (a) => expired.push(...a),
    onRemoved: (a) => removed.push(...a),
    cleanupDelayMs: 500,
    now: () => now,
    ...opts,
  });
  return { gamma, registry, life, added, expired, removed, advance: (ms: number) => (now += ms) };
}

describe("LifecycleController", () => {
  it("adds active order-book markets once, skips closed or book-less ones", async () => {
    const t = setup();
    t.gamma.markets = [
      market(1),
      market(2),
      market(3, { closed: true }),
      market(4, { enableOrderBook: false }),
      market(5, { tokenIds: [] }),
    ];
    await t.life.discover();
    expect(t.added).toEqual(["11", "12", "21", "22"]);
    expect(t.gamma.queries[0]).toEqual({ active: true, closed: false });
    expect(t.life.stats.skippedNoBook).toBe(2);
    await t.life.discover();
    expect(t.added.length).toBe(4);
    expect(t.registry.asset("11")?.tick).toBe(100);
  });

  it("expires only markets Gamma reports closed, and removes them after the delay", async () => {
    const t = setup();
    t.gamma.markets = [market(1), market(2)];
    await t.life.discover();
    t.gamma.markets = [market(1, { closed: true }), market(2)];
    await t.life.discover();
    expect(t.expired).toEqual(["11", "12"]);
    expect(t.life.stats.expiredByGamma).toBe(1);
    t.life.cleanup();
    expect(t.removed).toEqual([]);
    t.advance(500);
    t.life.cleanup();
    expect(t.removed).toEqual(["11", "12"]);
    expect(t.registry.market(market(1).conditionId)).toBeUndefined();
  });

  it("a failed or partial pass never expires anything", async () => {
    const t = setup();
    t.gamma.markets = [market(1), market(2)];
    await t.life.discover();
    t.gamma.fail = true;
    await t.life.discover();
    expect(t.life.stats.failures).toBe(1);
    expect(t.life.stats.lastError).toBe("gamma down");
    t.gamma.fail = false;
    t.gamma.markets = [market(2)]; // market 1 vanished from the listing but is not reported closed
    await t.life.discover();
    expect(t.expired).toEqual([]);
  });

  it("filters by slug and by tag, and keeps only this instance's shard of assets", async () => {
    const slugs = setup({ filter: { slugs: ["m-2"] } });
    slugs.gamma.markets = [market(1), market(2), market(3)];
    await slugs.life.discover();
    expect(slugs.added).toEqual(["21", "22"]);
    expect(slugs.gamma.queries[0]).toMatchObject({ slug: "m-2" });

    const tags = setup({ filter: { tagIds: [7] } });
    tags.gamma.markets = [market(1), market(2)];
    tags.gamma.tags.set("m-1", 7);
    await tags.life.discover();
    expect(tags.added).toEqual(["11", "12"]);
    tags.life.onNewMarket({ market: "0xnew", assetIds: ["a", "b"], slug: "x", tickSize: 100 }); // tag unknown from the event
    expect(tags.added).toEqual(["11", "12"]);

    const shard = setup({ acceptAsset: (a) => instanceShardOf(a, 2) === 0 });
    shard.gamma.markets = Array.from({ length: 50 }, (_, i) => market(i + 1));
    await shard.life.discover();
    expect(shard.added.length).toBeGreaterThan(20);
    expect(shard.added.length).toBeLessThan(80);
    expect(shard.added.every((a) => instanceShardOf(a, 2) === 0)).toBe(true);
  });

  it("minLiquidity skips new markets below the minimum or with unknown liquidity, never drops recorded ones", async () => {
    const t = setup({ filter: { minLiquidity: 1000 } });
    t.gamma.markets = [
      market(1, { liquidity: 1000 }), // exactly the minimum: kept
      market(2, { liquidity: 999.99 }),
      market(3), // Gamma sent no liquidity
      market(4, { issues: ['liquidity "abc" is not a non-negative decimal'] }), // invalid ⇒ undefined
      market(5, { liquidity: 0 }),
      market(6, { liquidity: 25_000 }),
    ];
    await t.life.discover();
    expect(t.added).toEqual(["11", "12", "61", "62"]);
    expect(t.life.stats).toMatchObject({ discovered: 2, skippedLowLiquidity: 2, skippedUnknownLiquidity: 2 });
    expect(t.gamma.queries[0]).toEqual({ active: true, closed: false }); // filtered locally, not by query

    // Market 2 gains liquidity: picked up by the next pass. Market 6 dries up: still recorded, and
    // not looked up by id either (it was listed as active).
    t.gamma.markets = [market(1, { liquidity: 1000 }), market(2, { liquidity: 5000 }), market(3), market(6, { liquidity: 1 })];
    await t.life.discover();
    expect(t.added).toEqual(["11", "12", "61", "62", "21", "22"]);
    expect(t.expired).toEqual([]);
    expect(t.gamma.queries.filter((q) => q.conditionIds !== undefined)).toEqual([]);
    expect(t.life.stats).toMatchObject({ discovered: 3, skippedLowLiquidity: 2, skippedUnknownLiquidity: 3 });

    // new_market events carry no liquidity: with a minimum set, the Gamma pass decides.
    t.life.onNewMarket({ market: "0xnew", assetIds: ["a", "b"], slug: "x", tickSize: 100 });
    expect(t.added).not.toContain("a");

    // Without a minimum, unknown or zero liquidity does not matter.
    const all = setup();
    all.gamma.markets = [market(3), market(5, { liquidity: 0 })];
    await all.life.discover();
    expect(all.added).toEqual(["31", "32", "51", "52"]);
    expect(all.life.stats).toMatchObject({ skippedLowLiquidity: 0, skippedUnknownLiquidity: 0 });

    expect(() => setup({ filter: { minLiquidity: Number.NaN } })).toThrow(RangeError);
    expect(() => setup({ filter: { minLiquidity: -1 } })).toThrow(RangeError);
  });

  it("new_market and market_resolved events add and expire without a pass", () => {
    const t = setup();
    t.life.onNewMarket({ market: "0xabc", assetIds: ["y", "n"], slug: "s", tickSize: 10 });
    t.life.onNewMarket({ market: "0xabc", assetIds: ["y", "n"], slug: "s", tickSize: 10 });
    expect(t.added).toEqual(["y", "n"]);
    expect(t.life.stats.fromEvents).toBe(1);
    t.life.onResolved("0xabc");
    t.life.onResolved("0xabc");
    expect(t.expired).toEqual(["y", "n"]);
    expect(t.registry.stats()).toMatchObject({ expired: 2, activeMarkets: 0 });
    const off = setup({ newMarketEvents: false });
    off.life.onNewMarket({ market: "0xabc", assetIds: ["y", "n"], slug: "s", tickSize: 10 });
    expect(off.added).toEqual([]);
  });
});

describe("consistent hashing", () => {
  it("is deterministic, balanced, and moves ~1/(n+1) of the keys when a bucket is added", () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `${i * 7919}${i}`);
    const counts = [0, 0, 0, 0];
    for (const k of keys) counts[rendezvousBucket(k, 4)]!++;
    for (const c of counts) expect(Math.abs(c - 5000)).toBeLessThan(400);
    let moved = 0;
    for (const k of keys) {
      const a = rendezvousBucket(k, 4);
      const b = rendezvousBucket(k, 5);
      if (a !== b) {
        moved++;
        expect(b).toBe(4); // keys only move to the new bucket
      }
    }
    expect(moved / keys.length).toBeGreaterThan(0.17);
    expect(moved / keys.length).toBeLessThan(0.23);
    // Pinned: instances of different versions must agree on the split, so the hash may never change.
    expect(hash32("abc")).toBe(482950588);
    expect(rendezvousBucket("71321887344136", 8)).toBe(6);
    expect(rendezvousBucket("71321887344136", 8, "instance:")).toBe(2);
    // instance and worker splits are independent
    const same = keys.filter((k) => instanceShardOf(k, 2) === workerShardOf(k, 2)).length / keys.length;
    expect(Math.abs(same - 0.5)).toBeLessThan(0.03);
  });

  it("parses k/N", () => {
    expect(parseShard("1/3")).toEqual({ index: 1, count: 3 });
    expect(parseShard("3/3")).toHaveProperty("error");
    expect(parseShard("a/b")).toHaveProperty("error");
    expect(parseShard("0/0")).toHaveProperty("error");
  });
});
