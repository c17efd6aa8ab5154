/**
 * The strategy recomputes on every book change and mostly arrives at the same ladder under a new seq.
 * Such an intent is promoted without a Planner/Reconciler pass (quiet-pass.property.test.ts shows a
 * pass with nothing new decides nothing) — except when something the pass depends on changed anyway:
 * the venue's rejects for the previous intent (cleared by a new seq) or time re-allowing placing.
 */
import type { Clock, DesiredQuoteSet, GatewayAction, OrderGateway, TimerHandle } from "@mm/types";
import { describe, expect, it } from "vitest";
import { ExecutorActor, MemoryJournal } from "../src/index.js";
import { CID, market, NO, YES } from "./fixtures.js";

const SH = 1_000_000;

/** A clock whose timers never fire by themselves (time passes without the actor hearing of it). */
class SilentClock implements Clock {
  t = 1_700_000_000_000;
  now(): number {
    return this.t;
  }
  setTimer(): TimerHandle {
    return { id: 0 };
  }
  clearTimer(): void {}
}

class Recorder implements OrderGateway {
  readonly actions: GatewayAction[] = [];
  submit(a: GatewayAction): void {
    this.actions.push(a);
  }
}

function rig() {
  const clock = new SilentClock();
  const gw = new Recorder();
  const journal = new MemoryJournal();
  const actor = new ExecutorActor({
    clock,
    gateway: gw,
    markets: [market()],
    initial: { collateral: (1_000 * SH) as never, tokens: { [YES]: 0 as never, [NO]: 0 as never } },
    config: { cooldownMs: 5_000 },
    journal,
  });
  const intent = (seq: number, bidPrice: number, size: number, fairValue?: number): DesiredQuoteSet => ({
    conditionId: CID,
    bids: [{ price: bidPrice as never, size: size as never }],
    asks: [],
    seq,
    createdAt: clock.now(),
    reason: { code: "quoting" },
    ...(fairValue !== undefined ? { fairValue } : {}),
  });
  const ack = (a: GatewayAction) => {
    if (a.kind !== "PLACE") throw new Error(`expected a PLACE, got ${a.kind}`);
    actor.results.post({
      kind: "PLACE_ACK",
      actionId: a.actionId,
      clientOrderId: a.order.clientOrderId,
      orderId: `0x${String(a.actionId).padStart(64, "0")}` as never,
      venueStatus: "live",
      at: clock.now(),
    });
  };
  const reject = (a: GatewayAction, reason: "post_only_cross" | "rate_limited") => {
    if (a.kind !== "PLACE") throw new Error(`expected a PLACE, got ${a.kind}`);
    actor.results.post({
      kind: "PLACE_REJECT",
      actionId: a.actionId,
      clientOrderId: a.order.clientOrderId,
      reason,
      message: reason,
      at: clock.now(),
    });
  };
  return { clock, gw, journal, actor, intent, ack, reject };
}

describe("ExecutorActor: intents with unchanged levels", () => {
  it("are applied (seq, fair value, journal) without a pass; new levels get one", () => {
    const r = rig();
    r.actor.intents.post(r.intent(1, 5000, 10 * SH, 5100));
    expect(r.gw.actions.map((a) => a.kind)).toEqual(["PLACE"]);
    r.ack(r.gw.actions[0]!);
    const plans = r.actor.stats().plans;
    const journaled = r.journal.entries.length;
    for (let seq = 2; seq <= 5; seq++) r.actor.intents.post(r.intent(seq, 5000, 10 * SH, 5100 + seq));
    expect(r.gw.actions.length).toBe(1);
    expect(r.actor.stats().plans).toBe(plans);
    expect(r.actor.stats().intentChanges).toBe(5);
    // Every intent is still journaled (the backtester's parity replays them).
    const intents = r.journal.entries.slice(journaled).filter((e) => e.type === "intent");
    expect(intents.map((e) => (e.type === "intent" ? e.intent.seq : -1))).toEqual([2, 3, 4, 5]);
    // A stale seq is still refused against the promoted one.
    r.actor.intents.post(r.intent(4, 4000, 10 * SH));
    expect(r.actor.stats().plans).toBe(plans);
    // New levels: a pass (cancel the old BUY, place the new one).
    r.actor.intents.post(r.intent(6, 4900, 10 * SH));
    expect(r.actor.stats().plans).toBe(plans + 1);
    expect(r.gw.actions.slice(1).map((a) => a.kind)).toEqual(["CANCEL", "PLACE"]);
    expect(r.actor.audit()).toEqual([]);
  });

  it("retry an order the venue rejected for the previous intent", () => {
    const r = rig();
    r.actor.intents.post(r.intent(1, 5000, 10 * SH));
    r.reject(r.gw.actions[0]!, "post_only_cross");
    // The reject's own replan keeps the key blocked for this intent.
    expect(r.gw.actions.length).toBe(1);
    r.actor.intents.post(r.intent(2, 5000, 10 * SH));
    expect(r.gw.actions.map((a) => a.kind)).toEqual(["PLACE", "PLACE"]);
    expect(r.actor.audit()).toEqual([]);
  });

  it("place once time alone has ended a cooldown, before its timer message arrives", () => {
    const r = rig();
    r.actor.intents.post(r.intent(1, 5000, 10 * SH));
    r.reject(r.gw.actions[0]!, "rate_limited");
    expect(r.actor.mode()).toBe("COOLDOWN");
    // New levels during the cooldown: planned, nothing placed.
    r.actor.intents.post(r.intent(2, 4900, 10 * SH));
    expect(r.gw.actions.length).toBe(1);
    r.clock.t += 5_001;
    expect(r.actor.mode()).toBe("RUNNING");
    r.actor.intents.post(r.intent(3, 4900, 10 * SH));
    expect(r.gw.actions.map((a) => a.kind)).toEqual(["PLACE", "PLACE"]);
    expect(r.actor.audit()).toEqual([]);
  });
});
