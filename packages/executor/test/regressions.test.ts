/**
 * Counterexamples the model-based test found, kept as fixed regressions (shrunk by fast-check).
 */
import { describe, expect, it } from "vitest";
import { type Cmd, run, type Setup } from "./commands.js";

const cases: { name: string; setup: Setup; cmds: Cmd[] }[] = [
  {
    name: "an unknown-outcome PLACE is not matched by a RESYNC to an open order another record already owns",
    setup: { threshold: "MINED", collateral: 3_000_000, yes: 30_000_000, no: 0, maxPos: 40_000_000 },
    cmds: [
      { t: "intent", mid: 954, spread: 647, bids: [20_000_000], asks: [5_000_000], fv: false },
      { t: "intent", mid: 776, spread: 725, bids: [], asks: [3_000_000, 10_000_000], fv: false },
      { t: "failNext", reason: "rate_limited" },
      { t: "unknown", run: false },
      { t: "advance", pick: 0, choice: 0 },
    ],
  },
  {
    name: "a cancellation seen before the PLACE ack (orphan event) releases the order once acked",
    setup: { threshold: "MINED", collateral: 3_000_000, yes: 12_000_000, no: 0, maxPos: 40_000_000 },
    cmds: [
      { t: "intent", mid: 500, spread: 50, bids: [], asks: [7_500_000], fv: false },
      { t: "step" },
      { t: "heartbeat" },
      { t: "user", idx: 15, dup: false },
      { t: "advance", pick: 0, choice: 0 },
    ],
  },
  {
    name: "an unknown-outcome PLACE that did execute is adopted once, with its fills",
    setup: { threshold: "MINED", collateral: 3_000_000, yes: 30_000_000, no: 0, maxPos: 40_000_000 },
    cmds: [
      { t: "intent", mid: 500, spread: 50, bids: [], asks: [10_000_000, 7_500_000, 7_500_000], fv: false },
      { t: "step" },
      { t: "step" },
      { t: "fill", pick: 0, frac: 5000 },
      { t: "unknown", run: true },
      { t: "fill", pick: 0, frac: 1 },
      { t: "step" },
    ],
  },
];

describe("model-based regressions", () => {
  for (const c of cases) {
    it(c.name, () => {
      const h = run(c.setup, c.cmds);
      expect(h.violations).toEqual([]);
      expect(h.places).toBeGreaterThan(0);
    });
  }
});
