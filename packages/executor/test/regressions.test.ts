/**
 * Counterexamples the model-based test found, kept as fixed regressions (shrunk by fast-check).
 */
import { describe, expect, it } from "vitest";
import { type Cmd, run, type Setup } from "./commands.js";
import { YES } from "./fixtures.js";
import { Harness } from "./harness.js";

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
  {
    name: "a re-priced SELL waits for the cancel ACK of a fully matched SELL (law H), whatever the plan cache says",
    setup: { threshold: "MINED", collateral: 3_000_000, yes: 0, no: 25_000_000, maxPos: 40_000_000 },
    cmds: [
      { t: "intent", mid: 500, spread: 50, bids: [5_000_000], asks: [], fv: false },
      { t: "step" },
      { t: "fill", pick: 0, frac: 10000 },
      { t: "result" },
      { t: "intent", mid: 500, spread: 101, bids: [5_000_000], asks: [], fv: false },
      { t: "user", idx: 1, dup: false },
      { t: "advance", pick: 0, choice: 0 },
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

describe("model-based regressions (hand-built)", () => {
  it("a FAILED-after-MINED reversal drives the wallet negative: a RESYNC with that (invalid) balance keeps both books equal", () => {
    const h = new Harness({ collateral: 10_000_000 });
    const SH = 1_000_000;
    const pumpAll = () => {
      while (h.venue.step() || h.deliverResult() || h.deliverUser(0, false));
    };
    h.intent(1, [[5000, 10 * SH]], []); // BUY YES 10 @ 0.50
    pumpAll();
    h.venue.fill(0, 1);
    h.venue.advance(0, 0); // MINED: +10 YES in the wallet
    pumpAll();
    h.intent(2, [], [[6000, 10 * SH]]); // SELL YES 10 @ 0.60 out of settled inventory
    pumpAll();
    h.venue.fill(0, 1);
    const sellTrade = h.venue.trades.length - 1;
    h.venue.advance(sellTrade, 0); // MINED: −10 YES
    h.venue.advance(0, 3); // the BUY: MINED → FAILED: −10 YES more → the wallet says −10
    pumpAll();
    expect(h.venue.tokens.get(YES)).toBe(-10 * SH);
    h.actor.control({ type: "resync", reason: "test" });
    pumpAll();
    h.check("after resync with a negative balance");
    expect(h.violations).toEqual([]);
    expect(h.actor.stats().anomalies).toBeGreaterThan(0);
  });
});
