import { ManualClock, type Price, price, type Size, size, type TickSize, usdc } from "@mm/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { costCeil, deriveFromAmounts, limitOrderAmounts, marketOrderAmounts, VenueEngine } from "../src/engine/index.js";
import { marketInfo } from "./engine-fixtures.js";

// POLYMARKET.md §6 worked examples.
const EXAMPLES: readonly { side: "BUY" | "SELL"; size: string; price: string; tick: TickSize; maker: number; taker: number }[] = [
  { side: "BUY", size: "10", price: "0.55", tick: 100, maker: 5_500_000, taker: 10_000_000 },
  { side: "SELL", size: "10", price: "0.55", tick: 100, maker: 10_000_000, taker: 5_500_000 },
  { side: "BUY", size: "12.345", price: "0.333", tick: 10, maker: 4_109_220, taker: 12_340_000 },
  { side: "SELL", size: "7.777", price: "0.4567", tick: 1, maker: 7_770_000, taker: 3_548_559 },
];

describe("order amounts (POLYMARKET.md §6)", () => {
  for (const ex of EXAMPLES) {
    it(`${ex.side} ${ex.size} @ ${ex.price} → maker ${ex.maker}, taker ${ex.taker}`, () => {
      const a = limitOrderAmounts(ex.side, price(ex.price), size(ex.size));
      expect(a).toEqual({ makerAmount: ex.maker, takerAmount: ex.taker });
      const d = deriveFromAmounts(ex.side, ex.maker, ex.taker);
      expect(d?.exact).toBe(true);
      expect(d?.price).toBe(price(ex.price));
      // size is the 2-decimal truncation of the requested size
      expect(d?.size).toBe(Math.floor(size(ex.size) / 10_000) * 10_000);
    });

    it(`the engine derives ${ex.side} ${ex.price} from the signed amounts of the example`, () => {
      const clock = new ManualClock(1_000_000);
      const engine = new VenueEngine({ clock, config: { seed: 1 } });
      const info = marketInfo(1, ex.tick);
      engine.addMarket(info);
      engine.deposit("u", usdc("100"));
      engine.split("u", info.conditionId, size("50"));
      const r = engine.placeOrder({
        owner: "u",
        tokenId: info.yes.tokenId,
        side: ex.side,
        orderType: "GTC",
        makerAmount: ex.maker,
        takerAmount: ex.taker,
      });
      expect(r.ok).toBe(true);
      const o = engine.order(r.orderId);
      expect(o?.price).toBe(price(ex.price));
      expect(o?.originalSize).toBe(ex.side === "BUY" ? ex.taker : ex.maker);
      expect(o?.makerAmount).toBe(ex.maker);
      expect(o?.takerAmount).toBe(ex.taker);
      // the reservation is exactly what the order can spend
      const asset = ex.side === "BUY" ? engine.balance("u", "COLLATERAL") : engine.balance("u", info.yes.tokenId);
      expect(asset.reservedOpen).toBe(ex.side === "BUY" ? ex.maker : ex.maker);
    });
  }

  it("market BUY amounts: $5 at 0.55 buys 9.0909 shares (up at 8 dp, then down to 4 dp)", () => {
    expect(marketOrderAmounts("BUY", 5_000_000, price("0.55"), 100)).toEqual({ makerAmount: 5_000_000, takerAmount: 9_090_900 });
    // the USDC amount is truncated to cents first
    expect(marketOrderAmounts("BUY", 5_009_999, price("0.5"), 100)).toEqual({ makerAmount: 5_000_000, takerAmount: 10_000_000 });
    expect(marketOrderAmounts("SELL", size("7.777"), price("0.4567"), 1)).toEqual({ makerAmount: 7_770_000, takerAmount: 3_548_559 });
  });

  it("a market BUY's inexact ratio rounds to the nearest tick and never spends more than makerAmount", () => {
    const d = deriveFromAmounts("BUY", 5_000_000, 9_090_900);
    expect(d?.exact).toBe(false);
    expect(Math.abs((d?.price ?? 0) - 5500.0055)).toBeLessThan(1e-6);

    const clock = new ManualClock(1_000_000);
    const engine = new VenueEngine({ clock, config: { seed: 1 } });
    const info = marketInfo(1, 100);
    engine.addMarket(info);
    engine.deposit("maker", usdc("100"));
    engine.split("maker", info.conditionId, size("20"));
    engine.deposit("taker", usdc("5"));
    expect(
      engine.placeOrder({
        owner: "maker",
        tokenId: info.yes.tokenId,
        side: "SELL",
        price: price("0.55"),
        size: size("20"),
        orderType: "GTC",
      }).ok,
    ).toBe(true);
    const r = engine.placeOrder({
      owner: "taker",
      tokenId: info.yes.tokenId,
      side: "BUY",
      orderType: "FOK",
      makerAmount: 5_000_000,
      takerAmount: 9_090_900,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(engine.order(r.orderId)?.price).toBe(price("0.55"));
    // 9.09 shares (whole 0.01 lots) at 0.55 = 4.9995 USDC ≤ 5 USDC; the 0.0009 share dust is not filled
    expect(r.takingAmount).toBe(9_090_000);
    expect(r.makingAmount).toBe(4_999_500);
    expect(engine.balance("taker", "COLLATERAL").reservedOpen).toBe(0);
  });

  it("rejects non-positive or unsafe amounts", () => {
    expect(deriveFromAmounts("BUY", 0, 10)).toBeUndefined();
    expect(deriveFromAmounts("BUY", 10, -1)).toBeUndefined();
    expect(deriveFromAmounts("SELL", 1.5, 10)).toBeUndefined();
    expect(deriveFromAmounts("SELL", Number.MAX_SAFE_INTEGER + 2, 10)).toBeUndefined();
  });

  it("property: limit amounts of an on-grid price and a 2-decimal size derive back exactly", () => {
    const ticks: TickSize[] = [1000, 100, 10, 1, 50, 25];
    fc.assert(
      fc.property(
        fc.constantFrom(...ticks),
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 1, max: 100_000_000 }),
        fc.constantFrom<"BUY" | "SELL">("BUY", "SELL"),
        (tick, k, lots, side) => {
          const p = (Math.floor(k / tick) * tick) as Price;
          if (p < tick || p > 10_000 - tick) return;
          const s = (lots * 10_000) as Size;
          const a = limitOrderAmounts(side, p, s);
          const d = deriveFromAmounts(side, a.makerAmount, a.takerAmount);
          expect(d?.exact).toBe(true);
          expect(d?.price).toBe(p);
          expect(d?.size).toBe(s);
        },
      ),
    );
  });

  it("property: costCeil is the exact ceiling of price × size", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 1e12 }), (p, s) => {
        const exact = (BigInt(p) * BigInt(s) + 9999n) / 10_000n;
        expect(costCeil(p, s)).toBe(Number(exact));
      }),
    );
  });
});
