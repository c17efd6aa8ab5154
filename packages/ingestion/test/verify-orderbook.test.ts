import { type BookLevel, type Price, price, size } from "@mm/types";
import { afterEach, describe, expect, it } from "vitest";
import { verifyOrderbookPrice } from "../src/index.js";
import { restYesBid, startTestVenue, type TestVenue } from "./sim.js";

let venue: TestVenue | undefined;
afterEach(async () => {
  await venue?.stop();
  venue = undefined;
});

describe("verifyOrderbookPrice (G5) against the simulator's book", () => {
  it("rejects a 95¢ trigger against a 5¢ book and names both prices", async () => {
    venue = await startTestVenue();
    const m = venue.markets[0]!;
    restYesBid(venue.sim, m, price("0.05"), size("100"));
    restYesBid(venue.sim, m, price("0.03"), size("100"));
    const book = await venue.client().getBook(m.info.yes.tokenId);
    const r = verifyOrderbookPrice(book, price("0.95"), 500);
    expect(r.valid).toBe(false);
    expect(r.bestBid).toBe(price("0.05"));
    expect(r.reason).toContain("0.05");
    expect(r.reason).toContain("0.95");
    expect(r.reason).toBe("best bid 0.05 is 0.9 away from expected price 0.95 (max deviation 0.05)");
  });

  it("accepts a trigger within the deviation", async () => {
    venue = await startTestVenue();
    const m = venue.markets[0]!;
    restYesBid(venue.sim, m, price("0.93"), size("100"));
    const book = await venue.client().getBook(m.info.yes.tokenId);
    const r = verifyOrderbookPrice(book, price("0.95"), 500);
    expect(r).toEqual({ valid: true, bestBid: price("0.93"), reason: "best bid 0.93 is within 0.05 of expected price 0.95" });
  });

  it("rejects an empty book with its own reason", async () => {
    venue = await startTestVenue();
    const m = venue.markets[0]!;
    const book = await venue.client().getBook(m.info.yes.tokenId);
    expect(book.bids).toEqual([]);
    const r = verifyOrderbookPrice(book, price("0.95"), 500);
    expect(r).toEqual({ valid: false, bestBid: undefined, reason: "order book has no bids; cannot confirm expected price 0.95" });
  });
});

describe("verifyOrderbookPrice (unit)", () => {
  const lv = (p: string, s: string): BookLevel => ({ price: price(p), size: size(s) });
  it("finds the best bid in any level order and ignores empty levels", () => {
    const r = verifyOrderbookPrice({ bids: [lv("0.2", "1"), lv("0.6", "0"), lv("0.5", "2"), lv("0.1", "3")] }, price("0.5"), 0);
    expect(r.valid).toBe(true);
    expect(r.bestBid).toBe(price("0.5"));
  });
  it("works on a cache view and at the boundary", () => {
    const view = { bestBid: () => price("0.45") };
    expect(verifyOrderbookPrice(view, price("0.5"), 500).valid).toBe(true);
    expect(verifyOrderbookPrice(view, price("0.5"), 499).valid).toBe(false);
  });
  it("refuses an invalid expected price instead of comparing with it", () => {
    const r = verifyOrderbookPrice({ bids: [lv("0.5", "1")] }, Number.NaN as Price, 500);
    expect(r.valid).toBe(false);
    expect(r.reason).toContain("not a price");
    expect(() => verifyOrderbookPrice({ bids: [] }, price("0.5"), -1)).toThrow(RangeError);
  });
});
