import { describe, expect, it } from "vitest";
import { DEFAULT_LATENCY, runBacktest } from "../src/index.js";
import { generateSyntheticSession } from "../src/synthetic.js";

const tape = generateSyntheticSession({ seed: 11, durationMs: 3 * 60_000 });
const config = (seed: number) => ({
  seed,
  strategy: { kind: "reference" as const, options: { contract: { kind: "up" as const, symbol: "BTCUSDT" } } },
  initialCollateral: 1_000_000_000,
  latency: DEFAULT_LATENCY,
  venue: { failProbability: 0.05 },
});

describe("determinism", () => {
  it("the same tape and seed give a byte-identical summary and fills hash", () => {
    const a = runBacktest(tape, config(3));
    const b = runBacktest(tape, config(3));
    expect(a.summary.fills.count + a.summary.fills.failed).toBeGreaterThan(0);
    expect(b.summaryJson).toBe(a.summaryJson);
    expect(b.summary.fillsHash).toBe(a.summary.fillsHash);
    expect(b.summary.fillsHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("a different seed draws different latencies and faults", () => {
    const a = runBacktest(tape, config(3));
    const c = runBacktest(tape, config(4));
    expect(c.summaryJson).not.toBe(a.summaryJson);
  });

  it("the same synthetic options give the same tape", () => {
    const again = generateSyntheticSession({ seed: 11, durationMs: 3 * 60_000 });
    expect(again.length).toBe(tape.length);
    expect(Buffer.from(again.price.buffer).equals(Buffer.from(tape.price.buffer))).toBe(true);
    expect(Buffer.from(again.size.buffer).equals(Buffer.from(tape.size.buffer))).toBe(true);
  });
});
