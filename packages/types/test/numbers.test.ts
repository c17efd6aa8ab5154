import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatPrice,
  formatSize,
  isOnTickGrid,
  isValidOrderPrice,
  notional,
  parsePrice,
  parsePriceUnits,
  parseSize,
  parseTickSize,
  price,
  roundToTick,
  size,
  TICK_SIZES,
  type TickSize,
} from "../src/index.js";

const tickArb = fc.constantFrom<TickSize>(...TICK_SIZES);

describe("Price parsing", () => {
  it.each([
    ["0.48", 4800],
    [".48", 4800],
    ["1", 10000],
    ["0", 0],
    ["0.5000", 5000],
    ["0.50000000", 5000],
    ["0.0001", 1],
    ["0.513", 5130],
    ["1.0", 10000],
  ])("accepts %s as %d units", (input, units) => {
    expect(parsePrice(input)).toEqual({ ok: true, value: units });
  });

  it.each([
    ["", "empty string"],
    ["NaN", "not a plain non-negative decimal"],
    ["1e-5", "not a plain non-negative decimal"],
    ["-0.1", "not a plain non-negative decimal"],
    ["+0.1", "not a plain non-negative decimal"],
    [" 0.5", "not a plain non-negative decimal"],
    [".", "not a plain non-negative decimal"],
    ["1.", "not a plain non-negative decimal"],
    ["0.5.1", "not a plain non-negative decimal"],
    ["1.00001", "more decimals than the unit allows"],
    ["0.00005", "more decimals than the unit allows"],
    ["1.0001", "out of range"],
    ["2", "out of range"],
    ["99999999999999999999999", "out of range"],
  ])("rejects %j with reason %j", (input, reason) => {
    const r = parsePrice(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toEqual({ kind: "Price", input, reason });
  });

  it("rejects non-strings without throwing", () => {
    expect(parsePriceUnits(0.5)).toBeLessThan(0);
    expect(parsePriceUnits(undefined)).toBeLessThan(0);
    expect(parsePriceUnits(null)).toBeLessThan(0);
  });

  it("round-trips every grid price exactly, on every tick size", () => {
    fc.assert(
      fc.property(tickArb, fc.integer({ min: 0, max: 10_000 }), (tick, k) => {
        const p = Math.min(10_000, Math.floor(k / tick) * tick);
        const text = formatPrice(p);
        expect(parsePrice(text)).toEqual({ ok: true, value: p });
        // canonical: no trailing zeros or dot
        expect(text).not.toMatch(/\.\d*0$|\.$/);
      }),
    );
  });

  it("agrees with float parsing of the same decimal, for any 4-decimal string", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 4 }), (units, pad) => {
        const text = (units / 10_000).toFixed(4) + "0".repeat(pad);
        expect(parsePriceUnits(text)).toBe(Math.round(Number.parseFloat(text) * 10_000));
      }),
    );
  });
});

describe("Size parsing", () => {
  it.each([
    ["21574.08", 21_574_080_000],
    ["219.217767", 219_217_767],
    ["5", 5_000_000],
    [".5", 500_000],
    ["0", 0],
    ["10500100", 10_500_100_000_000],
  ])("accepts %s", (input, units) => {
    expect(parseSize(input)).toEqual({ ok: true, value: units });
  });

  it.each(["", "NaN", "-1", "1e6", "0.0000001", "Infinity", "12345678901234567890"])("rejects %j", (input) => {
    expect(parseSize(input).ok).toBe(false);
  });

  it("round-trips any micro-share amount", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (units) => {
        expect(parseSize(formatSize(units))).toEqual({ ok: true, value: units });
      }),
    );
  });
});

describe("tick sizes and the grid", () => {
  it("parses every supported tick from strings and REST numbers", () => {
    expect(parseTickSize("0.1")).toEqual({ ok: true, value: 1000 });
    expect(parseTickSize("0.01")).toEqual({ ok: true, value: 100 });
    expect(parseTickSize(0.001)).toEqual({ ok: true, value: 10 });
    expect(parseTickSize("0.0001")).toEqual({ ok: true, value: 1 });
    expect(parseTickSize("0.005")).toEqual({ ok: true, value: 50 });
    expect(parseTickSize(0.0025)).toEqual({ ok: true, value: 25 });
    expect(parseTickSize("0.02").ok).toBe(false);
    expect(parseTickSize(Number.NaN).ok).toBe(false);
  });

  it("checks the grid with a modulo, not a decimal count (0.005 grid)", () => {
    expect(isOnTickGrid(price("0.505"), 50)).toBe(true);
    expect(isOnTickGrid(price("0.503"), 50)).toBe(false); // 3 decimals, yet off the 0.005 grid
    expect(isValidOrderPrice(price("0.01"), 100)).toBe(true);
    expect(isValidOrderPrice(price("0.99"), 100)).toBe(true);
    expect(isValidOrderPrice(price("1"), 100)).toBe(false);
    expect(isValidOrderPrice(price("0"), 100)).toBe(false);
  });

  it("rounds onto the grid in the requested direction, always landing on the grid", () => {
    fc.assert(
      fc.property(tickArb, fc.double({ min: 0, max: 10_000, noNaN: true }), (tick, p) => {
        const down = roundToTick(p, tick, "down");
        const up = roundToTick(p, tick, "up");
        const near = roundToTick(p, tick, "nearest");
        for (const r of [down, up, near]) expect(isOnTickGrid(r, tick)).toBe(true);
        expect(down).toBeLessThanOrEqual(p + 1e-6);
        expect(up).toBeGreaterThanOrEqual(p - 1e-6);
        expect(up - down).toBeLessThanOrEqual(tick);
        expect(Math.abs(near - p)).toBeLessThanOrEqual(tick / 2 + 1e-6);
      }),
    );
  });

  it("computes notional in micro-USDC", () => {
    expect(notional(price("0.55"), size("10"))).toBe(5_500_000);
    expect(notional(price("0.333"), size("12.34"))).toBeCloseTo(4_109_220, 6);
  });
});
