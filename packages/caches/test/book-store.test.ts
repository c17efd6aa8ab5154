import { conditionId, type MarketInfo, price, size, tokenId } from "@mm/types";
import { describe, expect, it } from "vitest";
import { BookStore, type TokenLevelChange } from "../src/index.js";

const YES = tokenId("1111");
const NO = tokenId("2222");
const OTHER = tokenId("3333");
const CID = conditionId(`0x${"ab".repeat(32)}`);

const market: MarketInfo = {
  conditionId: CID,
  question: "BTC up?",
  slug: "btc-up",
  yes: { tokenId: YES, label: "Up" },
  no: { tokenId: NO, label: "Down" },
  tickSize: 100,
  minOrderSize: size("5"),
  negRisk: false,
  active: true,
  closed: false,
};

const lv = (p: string, s: string) => ({ price: price(p), size: size(s) });
const ch = (assetId: typeof YES, side: "BID" | "ASK", p: string, s: string): TokenLevelChange => ({
  assetId,
  side,
  price: price(p),
  size: size(s),
});

function seeded(): BookStore {
  const store = new BookStore();
  store.registerMarket(market);
  store.applySnapshot(YES, [lv("0.48", "10")], [lv("0.52", "10")], 100, 1_000);
  store.applySnapshot(NO, [lv("0.48", "10")], [lv("0.52", "10")], 100, 1_000);
  store.drainDirty();
  return store;
}

describe("BookStore", () => {
  it("maps market ↔ tokens and pairs YES/NO", () => {
    const store = new BookStore();
    store.registerMarket(market);
    expect(store.marketOf(YES)).toBe(CID);
    expect(store.outcomeOf(NO)).toBe("NO");
    expect(store.complementOf(YES)).toBe(NO);
    expect(store.complementOf(NO)).toBe(YES);
    expect(store.complementOf(OTHER)).toBeUndefined();
    const pair = store.pair(CID);
    expect(pair?.yes?.tokenId).toBe(YES);
    expect(pair?.no?.tokenId).toBe(NO);
    expect(pair?.yes?.conditionId).toBe(CID);
    // registered books exist but are empty and untrusted until their snapshot
    expect(store.book(YES)?.trusted).toBe(false);
    expect(store.book(YES)?.bestBid()).toBeUndefined();
    expect(store.book(YES)?.tickSize).toBe(100);
    expect(store.removeMarket(CID)).toBe(true);
    expect(store.has(YES)).toBe(false);
    expect(store.marketOf(YES)).toBeUndefined();
  });

  it("applies a multi-token frame atomically: one bad entry anywhere refuses all of it", () => {
    const store = seeded();
    const frame = [ch(YES, "BID", "0.49", "5"), ch(NO, "ASK", "0.51", "5"), ch(NO, "BID", "0.475", "1")];
    const r = store.applyPriceChanges(frame, 200, 2_000);
    expect(r).toMatchObject({ kind: "levels", reason: "off_grid", tokenId: NO, index: 2, price: 4750, size: 1_000_000 });
    expect(store.book(YES)?.bestBid()).toBe(price("0.48"));
    expect(store.book(NO)?.bestAsk()).toBe(price("0.52"));
    expect(store.book(YES)?.updateCount).toBe(1);
    expect(store.stats.rejectedFrames).toBe(1);
    expect(store.stats.rejected.off_grid).toBe(1);
    expect(store.stats.lastRejection).toBe(r);
    expect(store.drainDirty()).toEqual([]);

    expect(store.applyPriceChanges(frame.slice(0, 2), 300, 2_000)).toBeUndefined();
    expect(store.book(YES)?.bestBid()).toBe(price("0.49"));
    expect(store.book(NO)?.bestAsk()).toBe(price("0.51"));
    expect(store.book(YES)?.lastUpdateAt).toBe(300);
    expect(store.book(NO)?.updateCount).toBe(2);
    expect(store.stats.levelFrames).toBe(1);
    expect(store.stats.levelChanges).toBe(2);
    expect(store.drainDirty()).toEqual([YES, NO]);
  });

  it("ignores (and counts) changes for tokens it has no book for, applying the rest", () => {
    const store = seeded();
    expect(store.applyPriceChanges([ch(OTHER, "BID", "0.3", "1"), ch(YES, "BID", "0.47", "1")], 200)).toBeUndefined();
    expect(store.stats.ignoredChanges).toBe(1);
    expect(store.book(YES)?.sizeAt("BID", price("0.47"))).toBe(size("1"));
    expect(store.applyLevels(OTHER, [{ side: "BID", price: price("0.3"), size: 1 }], 200)).toBeUndefined();
    expect(store.stats.ignoredChanges).toBe(2);
    expect(store.has(OTHER)).toBe(false);
  });

  it("refuses out-of-order frames per book (duplicated / reordered delivery)", () => {
    const store = seeded();
    expect(store.applyPriceChanges([ch(YES, "BID", "0.49", "1")], 200, 3_000)).toBeUndefined();
    // an older frame replayed after a newer one
    expect(store.applyPriceChanges([ch(YES, "BID", "0.49", "0")], 201, 2_500)?.reason).toBe("out_of_order");
    expect(store.book(YES)?.bestBid()).toBe(price("0.49"));
    // an older snapshot
    expect(store.applySnapshot(YES, [], [], 202, 2_999)?.reason).toBe("out_of_order");
    expect(store.stats.rejected.out_of_order).toBe(2);
    const lax = new BookStore({ checkOrdering: false });
    lax.registerMarket(market);
    expect(lax.applySnapshot(YES, [lv("0.4", "1")], [], 1, 5_000)).toBeUndefined();
    expect(lax.applySnapshot(YES, [lv("0.41", "1")], [], 2, 4_000)).toBeUndefined();
    expect(lax.book(YES)?.bestBid()).toBe(price("0.41"));
  });

  it("snapshots of unknown tokens need a tick size; a refused snapshot creates nothing", () => {
    const store = new BookStore();
    expect(store.applySnapshot(OTHER, [lv("0.5", "1")], [], 1)?.reason).toBe("unknown_token");
    expect(store.applySnapshot(OTHER, [lv("0.505", "1")], [], 1, 0, 100)?.reason).toBe("off_grid");
    expect(store.has(OTHER)).toBe(false);
    expect(store.applySnapshot(OTHER, [lv("0.505", "1")], [], 1, 0, 10)).toBeUndefined();
    expect(store.book(OTHER)?.tickSize).toBe(10);
    const withDefault = new BookStore({ defaultTickSize: 100 });
    expect(withDefault.applySnapshot(OTHER, [lv("0.5", "1")], [], 1)).toBeUndefined();
    expect(withDefault.book(OTHER)?.trusted).toBe(true);
    expect(withDefault.applyTickSize(YES, 10, 2)?.reason).toBe("unknown_token");
  });

  it("untrusted after a reconnect until a fresh snapshot; tick change untrusts too", () => {
    const store = seeded();
    expect(store.markUntrusted([YES, NO, OTHER])).toBe(2);
    expect(store.untrustedTokens()).toEqual([YES, NO]);
    expect(store.book(YES)?.bestBid()).toBe(price("0.48")); // still readable, just flagged
    expect(store.drainDirty()).toEqual([YES, NO]);
    store.applySnapshot(YES, [lv("0.47", "1")], [lv("0.53", "1")], 500, 5_000);
    expect(store.book(YES)?.trusted).toBe(true);
    expect(store.book(YES)?.epoch).toBe(2);
    expect(store.untrustedTokens()).toEqual([NO]);

    expect(store.applyTickSize(YES, 10, 600, 6_000)).toBeUndefined();
    expect(store.book(YES)?.trusted).toBe(false);
    expect(store.book(YES)?.epoch).toBe(3);
    expect(store.stats.tickChanges).toBe(1);
    store.applySnapshot(NO, [], [], 700);
    expect(store.markAllUntrusted()).toBe(2);
  });

  it("notifies through a dirty set without ever blocking or failing the writer", () => {
    const store = seeded();
    let signals = 0;
    store.onDirty(() => {
      signals++;
    });
    store.applyLevels(YES, [{ side: "BID", price: price("0.4"), size: 1 }], 1);
    store.applyLevels(YES, [{ side: "BID", price: price("0.41"), size: 1 }], 2);
    store.applyLevels(NO, [{ side: "BID", price: price("0.41"), size: 1 }], 2);
    expect(signals).toBe(1); // once per empty → non-empty
    expect(store.dirtyCount).toBe(2);
    expect(store.drainDirty()).toEqual([YES, NO]);
    store.applyLevels(NO, [{ side: "BID", price: price("0.42"), size: 1 }], 3);
    expect(signals).toBe(2);
    store.drainDirty();
    store.onDirty(() => {
      throw new Error("consumer bug");
    });
    expect(store.applyLevels(NO, [{ side: "BID", price: price("0.43"), size: 1 }], 4)).toBeUndefined();
    expect(store.signalErrors).toBe(1);
    expect(store.book(NO)?.bestBid()).toBe(price("0.48"));
    expect(store.book(NO)?.sizeAt("BID", price("0.43"))).toBe(1);
  });

  it("reports staleness, BBO and crossed entries", () => {
    const store = seeded();
    expect(store.bbo(YES)).toEqual({ tokenId: YES, bid: price("0.48"), ask: price("0.52"), trusted: true, epoch: 1, lastUpdateAt: 100 });
    store.applyLevels(YES, [{ side: "BID", price: price("0.5"), size: 1 }], 5_000);
    expect(store.staleTokens(5_100, 1_000)).toEqual([NO]);
    expect(store.book(NO)?.ageMs(5_100)).toBe(5_000);
    store.applyLevels(YES, [{ side: "BID", price: price("0.53"), size: 1 }], 5_001);
    store.applyLevels(YES, [{ side: "BID", price: price("0.54"), size: 1 }], 5_002);
    expect(store.book(YES)?.isCrossedOrLocked()).toBe(true);
    expect(store.stats.crossedOrLockedEntered).toBe(1);
    expect(store.bytes()).toBeGreaterThan(0);
  });
});
