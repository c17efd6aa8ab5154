import { price, size, usdc } from "@mm/types";
import { describe, expect, it } from "vitest";
import { limitOrderAmounts, marketOrderAmounts } from "../src/index.js";

describe("limit order amounts (POLYMARKET.md §6 worked examples)", () => {
  const cases = [
    { side: "BUY", size: "10", price: "0.55", tick: 100, maker: 5_500_000n, taker: 10_000_000n },
    { side: "SELL", size: "10", price: "0.55", tick: 100, maker: 10_000_000n, taker: 5_500_000n },
    { side: "BUY", size: "12.345", price: "0.333", tick: 10, maker: 4_109_220n, taker: 12_340_000n },
    { side: "SELL", size: "7.777", price: "0.4567", tick: 1, maker: 7_770_000n, taker: 3_548_559n },
  ] as const;
  for (const c of cases) {
    it(`${c.side} ${c.size} @ ${c.price} (tick ${c.tick / 10_000})`, () => {
      const r = limitOrderAmounts(c.side, price(c.price), size(c.size), c.tick);
      expect(r.ok && r.value.makerAmount).toBe(c.maker);
      expect(r.ok && r.value.takerAmount).toBe(c.taker);
    });
  }

  it("rounds the price half-up to the tick's decimals, then requires the grid", () => {
    const r = limitOrderAmounts("BUY", price("0.555"), size("10"), 100);
    expect(r.ok && r.value.price).toBe(price("0.56"));
    const off = limitOrderAmounts("BUY", price("0.5075"), size("10"), 50);
    expect(off.ok).toBe(false);
    expect(!off.ok && off.error.reason).toBe("price_off_grid");
  });

  it("rejects prices outside [tick, 1 - tick] and sizes below one cent of a share", () => {
    expect(limitOrderAmounts("BUY", price("0.999"), size("10"), 100).ok).toBe(false);
    expect(limitOrderAmounts("BUY", price("0"), size("10"), 100).ok).toBe(false);
    const tiny = limitOrderAmounts("SELL", price("0.5"), size("0.009"), 100);
    expect(!tiny.ok && tiny.error.reason).toBe("size_too_small");
  });
});

describe("market order amounts", () => {
  it("BUY spends USDC rounded down to cents and receives shares rounded up-then-down", () => {
    const r = marketOrderAmounts("BUY", usdc("10.009"), price("0.3"), 100);
    expect(r.ok && r.value.makerAmount).toBe(10_000_000n);
    // 10 / 0.3 = 33.3333… → 4 decimals for tick 0.01
    expect(r.ok && r.value.takerAmount).toBe(33_333_300n);
  });
  it("SELL gives shares and receives shares × price", () => {
    const r = marketOrderAmounts("SELL", size("12.349"), price("0.42"), 100);
    expect(r.ok && r.value.makerAmount).toBe(12_340_000n);
    expect(r.ok && r.value.takerAmount).toBe(5_182_800n);
  });
});
