/** The charged taker fee schedule of a Gamma market (`feesEnabled` + `feeSchedule`; base fees are caps). */
import { describe, expect, it } from "vitest";
import { marketInfoFromGamma } from "../src/index.js";
import { readFixture } from "./fixtures.js";

const base = JSON.parse(readFixture("nautilus_rust/gamma_market_sports_market_money_line.json")) as Record<string, unknown>;
const withFees = (patch: Record<string, unknown>) => {
  const m: Record<string, unknown> = { ...base, ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete m[k];
  const r = marketInfoFromGamma(m);
  if (!r.ok) throw new Error(r.error.detail);
  return r.value.feeSchedule;
};

describe("marketInfoFromGamma fee schedule", () => {
  it("reads rate and exponent of an enabled schedule (crypto 0.072, exponent 2 as a string)", () => {
    expect(withFees({ feesEnabled: true, feeSchedule: { rate: 0.072, exponent: 1, takerOnly: true } })).toEqual({
      rateBps: 720,
      exponent: 1,
    });
    expect(withFees({ feesEnabled: true, feeSchedule: { rate: "0.25", exponent: "2" } })).toEqual({ rateBps: 2500, exponent: 2 });
  });

  it("feesEnabled false means free, whatever the caps say", () => {
    expect(withFees({ feesEnabled: false, feeSchedule: undefined, takerBaseFee: 1000 })).toEqual({ rateBps: 0, exponent: 1 });
  });

  it("an absent or malformed schedule is unknown (never guessed from the base-fee caps)", () => {
    expect(withFees({ feesEnabled: true, feeSchedule: undefined, takerBaseFee: 1000 })).toBeUndefined();
    expect(withFees({ feesEnabled: undefined, feeSchedule: undefined })).toBeUndefined();
    expect(withFees({ feesEnabled: true, feeSchedule: { rate: -1 } })).toBeUndefined();
    expect(withFees({ feesEnabled: true, feeSchedule: { rate: Number.NaN } })).toBeUndefined();
    expect(withFees({ feesEnabled: true, feeSchedule: { rate: 0.03, exponent: 1.5 } })).toBeUndefined();
    expect(withFees({ feesEnabled: true, feeSchedule: "0.03" })).toBeUndefined();
  });
});
