/**
 * Command language and interpreter of the model-based tests (shared by the property test and the
 * scenario tests).
 */
import type { TickSize } from "@mm/types";
import fc from "fast-check";
import { Harness } from "./harness.js";

const _SOAK = process.env.MM_SOAK === "1";

export type Cmd =
  | { t: "intent"; mid: number; spread: number; bids: number[]; asks: number[]; fv: boolean }
  /** The strategy recomputing to the same levels: the last intent again with a new seq (fair value toggled). */
  | { t: "repeat" }
  | { t: "step" }
  | { t: "result" }
  | { t: "user"; idx: number; dup: boolean }
  | { t: "fill"; pick: number; frac: number }
  | { t: "advance"; pick: number; choice: number }
  | { t: "disconnect" }
  | { t: "unknown"; run: boolean }
  | { t: "failNext"; reason: "rate_limited" | "server_error" | "not_found" | "cancel_only" }
  | { t: "tick"; tick: TickSize }
  | { t: "tickNotify" }
  | { t: "time"; ms: number }
  | { t: "kill" }
  | { t: "resume" }
  | { t: "heartbeat" };

export const SIZES = [3_000_000, 5_000_000, 7_500_000, 10_000_000, 20_000_000];
const sizeArb = fc.constantFrom(...SIZES);

export const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant("intent" as const),
      mid: fc.integer({ min: 500, max: 9_500 }),
      spread: fc.integer({ min: 50, max: 800 }),
      bids: fc.array(sizeArb, { maxLength: 3 }),
      asks: fc.array(sizeArb, { maxLength: 3 }),
      fv: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ t: "repeat" as const }) },
  { weight: 6, arbitrary: fc.constant({ t: "step" as const }) },
  { weight: 6, arbitrary: fc.constant({ t: "result" as const }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant("user" as const), idx: fc.nat(20), dup: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant("fill" as const), pick: fc.nat(10), frac: fc.integer({ min: 1, max: 10_000 }) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant("advance" as const), pick: fc.nat(10), choice: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.constant({ t: "disconnect" as const }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("unknown" as const), run: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant("failNext" as const),
      reason: fc.constantFrom("rate_limited" as const, "server_error" as const, "not_found" as const, "cancel_only" as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("tick" as const), tick: fc.constantFrom<TickSize>(100, 10, 1000, 50) }) },
  { weight: 1, arbitrary: fc.constant({ t: "tickNotify" as const }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("time" as const), ms: fc.integer({ min: 1, max: 3_000 }) }) },
  { weight: 1, arbitrary: fc.constant({ t: "kill" as const }) },
  { weight: 1, arbitrary: fc.constant({ t: "resume" as const }) },
  { weight: 1, arbitrary: fc.constant({ t: "heartbeat" as const }) },
);

export interface Setup {
  readonly threshold: "MINED" | "CONFIRMED";
  readonly collateral: number;
  readonly yes: number;
  readonly no: number;
  readonly maxPos: number;
}

export const setupArb: fc.Arbitrary<Setup> = fc.record({
  threshold: fc.constantFrom("MINED" as const, "CONFIRMED" as const),
  collateral: fc.constantFrom(3_000_000, 20_000_000, 100_000_000),
  yes: fc.constantFrom(0, 4_000_000, 12_000_000, 30_000_000),
  no: fc.constantFrom(0, 6_000_000, 25_000_000),
  maxPos: fc.constantFrom(40_000_000, 1_000_000_000),
});

export function run(setup: Setup, cmds: readonly Cmd[], journal = false, afterStep?: (h: Harness, step: string) => void): Harness {
  const h = new Harness({
    threshold: setup.threshold,
    collateral: setup.collateral,
    yes: setup.yes,
    no: setup.no,
    config: { limits: { maxPositionPerToken: setup.maxPos as never } },
    journal,
  });
  let seq = 0;
  let last: Extract<Cmd, { t: "intent" }> | undefined;
  const post = (c: Extract<Cmd, { t: "intent" }>) =>
    h.intent(
      ++seq,
      c.bids.map((s, k) => [Math.max(1, c.mid - c.spread - k * 100), s]),
      c.asks.map((s, k) => [Math.min(9_999, c.mid + c.spread + k * 100), s]),
      c.fv ? c.mid : undefined,
    );
  for (const [i, c] of cmds.entries()) {
    switch (c.t) {
      case "intent":
        post(c);
        last = c;
        break;
      case "repeat":
        if (last) {
          last = { ...last, fv: !last.fv };
          post(last);
        }
        break;
      case "step":
        h.venue.step();
        break;
      case "result":
        h.deliverResult();
        break;
      case "user":
        h.deliverUser(c.idx, c.dup);
        break;
      case "fill":
        h.venue.fill(c.pick, c.frac / 10_000);
        break;
      case "advance":
        h.venue.advance(c.pick, c.choice);
        break;
      case "disconnect":
        h.disconnect();
        break;
      case "unknown":
        h.venue.unknownNext = { executeAnyway: c.run };
        break;
      case "failNext":
        h.venue.failNext = c.reason;
        break;
      case "tick":
        h.tickChange(c.tick);
        break;
      case "tickNotify":
        h.tickNotify();
        break;
      case "time":
        h.clock.advance(c.ms);
        break;
      case "kill":
        h.kill();
        break;
      case "resume":
        h.resume();
        break;
      case "heartbeat":
        h.venue.heartbeatLapse();
        break;
    }
    h.check(`step ${i} ${c.t}`);
    afterStep?.(h, `step ${i} ${c.t}`);
    if (h.violations.length > 0) return h;
  }
  h.tickNotify();
  h.checkFinal();
  return h;
}
