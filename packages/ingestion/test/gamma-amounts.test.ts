/**
 * Gamma liquidity / volume on the normalized market: recorded payloads, then malformed values
 * (the market is kept, the amount is left undefined and the problem is listed in `issues`).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { WireGammaMarketSchema } from "@mm/protocol";
import { describe, expect, it } from "vitest";
import { type GammaMarket, normalizeGammaMarket } from "../src/index.js";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "../../../../shared/protocol/fixtures/nautilus_rust");
const raw = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(FIXTURES, name), "utf8")) as Record<string, unknown>;

function normalize(payload: unknown): GammaMarket {
  const wire = WireGammaMarketSchema.parse(payload);
  const r = normalizeGammaMarket(wire);
  if (!r.ok) throw new Error(`refused: ${r.error}`);
  return r.value;
}

describe("GammaMarket liquidity and volume", () => {
  it("reads liquidityNum / volumeNum from recorded Gamma markets", () => {
    const legacy = normalize(raw("gamma_market_closed_nonbinary_legacy.json"));
    expect(legacy.liquidity).toBe(4.6); // liquidityNum wins over the "4.601742" text
    expect(legacy.volume).toBe(46944.58);
    expect(legacy.issues).toBeUndefined();

    const zero = normalize(raw("gamma_market_closed_zero_zero_legacy.json"));
    expect(zero.liquidity).toBe(0); // zero is a known amount, not "unknown"
    expect(zero.volume).toBe(32257.45);

    const noLiquidity = normalize(raw("gamma_market_closed_binary_accepting_true.json"));
    expect(noLiquidity.liquidity).toBeUndefined(); // the recorded payload has no liquidity field
    expect(noLiquidity).not.toHaveProperty("liquidity");
    expect(noLiquidity.volume).toBe(192817.4904490008);
    expect(noLiquidity.issues).toBeUndefined();
  });

  it("falls back to the decimal text when the …Num field is absent or null", () => {
    const base = raw("gamma_market_closed_nonbinary_legacy.json");
    const m = normalize({ ...base, liquidityNum: null, volumeNum: undefined, liquidity: "4.601742", volume: 12.5 });
    expect(m.liquidity).toBe(4.601742);
    expect(m.volume).toBe(12.5);
    expect(m.issues).toBeUndefined();
  });

  it("keeps a market with malformed amounts, leaves them undefined and says why", () => {
    const base = raw("gamma_market_closed_nonbinary_legacy.json");
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ liquidityNum: null, liquidity: "abc" }, 'liquidity "abc" is not a non-negative decimal'],
      [{ liquidityNum: null, liquidity: "NaN" }, 'liquidity "NaN" is not a non-negative decimal'],
      [{ liquidityNum: null, liquidity: "-5" }, 'liquidity "-5" is not a non-negative decimal'],
      [{ liquidityNum: null, liquidity: "" }, 'liquidity "" is not a non-negative decimal'],
      [{ liquidityNum: null, liquidity: "1e3" }, 'liquidity "1e3" is not a non-negative decimal'],
      [{ liquidityNum: null, liquidity: " 12" }, 'liquidity " 12" is not a non-negative decimal'],
      [{ liquidityNum: null, liquidity: "Infinity" }, 'liquidity "Infinity" is not a non-negative decimal'],
      [{ liquidityNum: -1 }, "liquidityNum -1 is not a non-negative finite number"],
      [{ liquidityNum: null, liquidity: -3 }, "liquidity -3 is not a non-negative decimal"],
    ];
    for (const [over, reason] of cases) {
      const m = normalize({ ...base, ...over });
      expect(m.conditionId).toBe(base.conditionId);
      expect(m.liquidity).toBeUndefined();
      expect(m.issues).toEqual([reason]);
      expect(m.volume).toBe(46944.58); // the other amount is unaffected
    }
    const both = normalize({ ...base, liquidityNum: -1, volumeNum: null, volume: "1,000" });
    expect(both.liquidity).toBeUndefined();
    expect(both.volume).toBeUndefined();
    expect(both.issues).toEqual(["liquidityNum -1 is not a non-negative finite number", 'volume "1,000" is not a non-negative decimal']);
  });

  it("a non-number liquidityNum is refused by the wire schema, like any mistyped field", () => {
    const base = raw("gamma_market_closed_nonbinary_legacy.json");
    expect(WireGammaMarketSchema.safeParse({ ...base, liquidityNum: "4.6" }).success).toBe(false);
  });
});

describe("GammaMarket fee schedule", () => {
  it("reads the charged schedule from recorded markets; feesEnabled false is fee-free", () => {
    expect(normalize(raw("gamma_market_sports_market_money_line.json")).feeSchedule).toEqual({ rateBps: 300, exponent: 1 });
    expect(normalize(raw("gamma_market_closed_binary_accepting_true.json")).feeSchedule).toEqual({ rateBps: 0, exponent: 1 });
  });

  it("an absent schedule is unknown; a malformed one is unknown and listed in issues (the market is kept)", () => {
    const base = raw("gamma_market_sports_market_money_line.json");
    const { feeSchedule: _drop, ...noSchedule } = base;
    expect(normalize(noSchedule)).not.toHaveProperty("feeSchedule");
    const bad = normalize({ ...base, feeSchedule: { rate: "lots" } });
    expect(bad).not.toHaveProperty("feeSchedule");
    expect(bad.issues?.some((i) => i.startsWith("feeSchedule:"))).toBe(true);
  });
});
