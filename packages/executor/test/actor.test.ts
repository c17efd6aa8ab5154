import { ManualClock, type GatewayAction, type OrderGateway, type TickSize } from "@mm/types";
import { describe, expect, it } from "vitest";
import { ExecutorActor, type JournalEntry } from "../src/index.js";
import { CID, market, NO, YES } from "./fixtures.js";
import { Harness } from "./harness.js";

const SH = 1_000_000;

/** Runs queued actions and delivers their results (not user events). */
function pump(h: Harness): void {
  for (let i = 0; i < 100; i++) {
    if (h.venue.step()) continue;
    if (h.deliverResult()) continue;
    return;
  }
}

/** Delivers every queued user event in order. */
function deliverAllUser(h: Harness): void {
  while (h.deliverUser(0, false));
}

const placesOf = (h: Harness, from = 0) =>
  h.venue.submitted
    .slice(from)
    .flatMap((a) =>
      a.kind === "PLACE" ? [`${a.order.side} ${a.order.tokenId === YES ? "YES" : "NO"} ${a.order.size / SH}@${a.order.price / 1e4}`] : [],
    );
const kinds = (h: Harness, from = 0) => h.venue.submitted.slice(from).map((a) => a.kind);
const position = (h: Harness, t = YES) => h.actor.snapshot().positions.find((p) => p.tokenId === t)!;
const modes = (j: readonly JournalEntry[]) => j.flatMap((e) => (e.type === "mode" ? [e.to] : []));

describe("ExecutorActor: settlement-aware inventory (law E) and reservations (law G)", () => {
  it("a fill during an in-flight cancel shrinks the reservation; the replacement SELL waits for the ACK (law H)", () => {
    const h = new Harness({ yes: 10 * SH });
    h.intent(1, [], [[6000, 10 * SH]]);
    pump(h);
    expect(placesOf(h)).toEqual(["SELL YES 10@0.6"]);
    const mark = h.venue.submitted.length;
    h.intent(2, [], [[6200, 10 * SH]]); // price moves: cancel the old SELL, no new SELL yet
    expect(kinds(h, mark)).toEqual(["CANCEL"]);
    expect(position(h).reserved).toBe(10 * SH); // law G: held until the ACK
    // A taker fills 4 before the cancel lands.
    h.venue.fill(0, 0.4);
    deliverAllUser(h);
    expect(position(h)).toMatchObject({ settled: 10 * SH, pending: -4 * SH, reserved: 6 * SH });
    expect(placesOf(h, mark)).toEqual([]); // still no replacement SELL: sellable = 10 − 4 − 6 = 0
    pump(h); // cancel executes and is ACKed → reservation released → replacement for what is left
    expect(position(h).reserved).toBe(6 * SH);
    expect(placesOf(h, mark)).toEqual(["SELL YES 6@0.62"]);
    expect(h.violations).toEqual([]);
  });

  it("MATCHED is pending, MINED settles, FAILED after MINED reverses and pulls the SELL it backed", () => {
    const h = new Harness({ collateral: 100 * SH });
    h.intent(1, [[5000, 10 * SH]], []);
    pump(h);
    h.venue.fill(0, 1);
    deliverAllUser(h);
    expect(position(h)).toMatchObject({ settled: 0, pending: 10 * SH });
    expect(h.actor.snapshot().collateral).toMatchObject({ settled: 100 * SH, pending: -5 * SH });
    // A YES ask now: MATCHED inventory cannot back a SELL → BUY NO.
    const m1 = h.venue.submitted.length;
    h.intent(2, [], [[6000, 10 * SH]]);
    expect(placesOf(h, m1)).toEqual(["BUY NO 10@0.4"]);
    pump(h);
    h.venue.advance(0, 0); // MINED
    deliverAllUser(h);
    expect(position(h)).toMatchObject({ settled: 10 * SH, pending: 0 });
    // Settled now: the ask is re-routed reduce-first to SELL YES (BUY NO cancelled).
    pump(h);
    expect(placesOf(h, m1)).toEqual(["BUY NO 10@0.4", "SELL YES 10@0.6"]);
    const m2 = h.venue.submitted.length;
    h.venue.advance(0, 3); // MINED → FAILED
    deliverAllUser(h);
    expect(position(h)).toMatchObject({ settled: 0, pending: 0 });
    expect(h.actor.stats().failedReversals).toBe(1);
    expect(kinds(h, m2)).toContain("CANCEL"); // the SELL lost its backing
    expect(h.violations).toEqual([]);
  });

  it("handles duplicated and reordered trade updates idempotently by (tradeId, orderId) and status rank", () => {
    const h = new Harness({ collateral: 100 * SH });
    h.intent(1, [[5000, 10 * SH]], []);
    pump(h);
    h.venue.fill(0, 1);
    h.venue.advance(0, 0); // MINED
    // Deliver MINED first, then the stale MATCHED, then MINED again.
    const [matched, update, mined] = h.venue.userEvents.filter(
      (e) => e.kind === "fill" || (e.kind === "order" && e.eventType === "UPDATE"),
    );
    for (const e of [mined!, matched!, mined!, update!]) {
      h.knowledge.user(e);
      h.actor.userEvents.post(e);
    }
    expect(position(h)).toMatchObject({ settled: 10 * SH, pending: 0 });
    expect(h.actor.snapshot().collateral.settled).toBe(95 * SH);
    expect(h.actor.stats().duplicateFills).toBe(2);
    h.check("after reorder");
    expect(h.violations).toEqual([]);
  });

  it("CONFIRMED threshold: MINED stays pending until CONFIRMED", () => {
    const h = new Harness({ threshold: "CONFIRMED" });
    h.intent(1, [[5000, 10 * SH]], []);
    pump(h);
    h.venue.fill(0, 1);
    h.venue.advance(0, 0);
    deliverAllUser(h);
    expect(position(h)).toMatchObject({ settled: 0, pending: 10 * SH });
    h.venue.advance(0, 0);
    deliverAllUser(h);
    expect(position(h)).toMatchObject({ settled: 10 * SH, pending: 0 });
  });
});

describe("ExecutorActor: modes", () => {
  it("user-feed disconnect ⇒ STOP (cancel-all) ⇒ RESYNC ⇒ RUNNING, rebuilt from the venue", () => {
    const h = new Harness({ yes: 20 * SH, journal: true });
    h.intent(1, [[4000, 10 * SH]], [[6000, 10 * SH]]);
    pump(h);
    h.venue.fill(0, 0.5); // a fill whose events will be lost in the disconnect
    const mark = h.venue.submitted.length;
    h.actor.control({ type: "stop", reason: "user feed disconnected", resumeOnResync: true });
    expect(h.actor.mode()).toBe("STOP");
    expect(kinds(h, mark)).toEqual(["CANCEL_ALL"]);
    h.intent(2, [[4100, 10 * SH]], []);
    expect(placesOf(h, mark)).toEqual([]); // no PLACE while stopped
    h.venue.userEvents = []; // lost
    h.actor.userEvents.post({ kind: "resync_needed", reason: "reconnected", timestamp: h.clock.now() });
    pump(h);
    expect(kinds(h, mark).slice(0, 2)).toEqual(["CANCEL_ALL", "SYNC"]);
    expect(h.actor.mode()).toBe("RUNNING");
    expect(modes(h.journal.entries)).toEqual(["STOP", "RESYNC", "RUNNING"]);
    // The lost fill came back through the SYNC (5 BUY YES matched, pending).
    expect(position(h).pending).toBe(5 * SH);
    expect(placesOf(h, mark)).toEqual(["BUY YES 10@0.41"]);
  });

  it("kill switch: cancel-all + STOP latched; intents do not place; resume goes through RESYNC", () => {
    const h = new Harness({ journal: true });
    h.intent(1, [[4000, 10 * SH]], []);
    pump(h);
    const mark = h.venue.submitted.length;
    h.kill();
    pump(h);
    h.intent(2, [[4100, 10 * SH]], []);
    pump(h);
    expect(kinds(h, mark)).toEqual(["CANCEL_ALL"]);
    expect(h.actor.snapshot().stopReason).toBe("kill_switch: test");
    expect(h.actor.snapshot().reservations).toEqual([]); // released on the cancel-all ACK
    h.resume();
    expect(h.actor.mode()).toBe("RESYNC");
    pump(h);
    expect(h.actor.mode()).toBe("RUNNING");
    expect(placesOf(h, mark)).toEqual(["BUY YES 10@0.41"]);
    expect(h.violations).toEqual([]);
  });

  it("risk breach (max position) ⇒ cancel-all + STOP with a reason", () => {
    const h = new Harness({ yes: 30 * SH, journal: true, config: { limits: { maxPositionPerToken: (20 * SH) as never } } });
    h.intent(1, [[4000, 10 * SH]], []);
    expect(h.actor.mode()).toBe("STOP");
    expect(h.actor.snapshot().stopReason).toBe("risk:max_position");
    expect(h.journal.entries.some((e) => e.type === "risk" && e.limit === "max_position" && e.value === 30 * SH)).toBe(true);
    expect(h.actor.stats().riskBreaches).toEqual({ max_position: 1 });
  });

  it("max loss: positions marked at the strategy's fair value", () => {
    const h = new Harness({ collateral: 100 * SH, config: { limits: { maxLoss: (5 * SH) as never } } });
    h.intent(1, [[5000, 20 * SH]], [], 5000);
    pump(h);
    h.venue.fill(0, 1);
    deliverAllUser(h); // −10 USDC pending, +20 YES marked at 0.50 → PnL 0
    expect(h.actor.mode()).toBe("RUNNING");
    h.intent(2, [[1000, 5 * SH]], [], 1000); // fair value 0.10: −10 + 2 = −8 < −5
    expect(h.actor.mode()).toBe("STOP");
    expect(h.actor.snapshot().stopReason).toBe("risk:max_loss");
  });

  it("max loss: a new fair value alone (same levels, nothing else changed) is risk-checked", () => {
    const h = new Harness({ collateral: 100 * SH, config: { limits: { maxLoss: (5 * SH) as never } } });
    h.intent(1, [[5000, 20 * SH]], [], 5000);
    pump(h);
    h.venue.fill(0, 1);
    deliverAllUser(h);
    pump(h);
    h.intent(2, [[5000, 20 * SH]], [], 5000); // same levels, same mark: nothing to check
    expect(h.actor.mode()).toBe("RUNNING");
    h.intent(3, [[5000, 20 * SH]], [], 1000); // same levels, the mark drops to 0.10: −8 < −5
    expect(h.actor.mode()).toBe("STOP");
    expect(h.actor.snapshot().stopReason).toBe("risk:max_loss");
  });

  it("balance reject ⇒ COOLDOWN (no PLACE) and a resync; cooldown ends on the injected clock", () => {
    const h = new Harness({ collateral: 100 * SH });
    h.venue.collateral = 1 * SH; // the venue knows less than we think
    h.intent(1, [[5000, 10 * SH]], []);
    pump(h);
    expect(h.actor.stats().rejectsByReason).toEqual({ balance: 1 });
    expect(h.actor.snapshot().collateral.settled).toBe(1 * SH); // corrected by the resync's balances
    expect(h.actor.mode()).toBe("COOLDOWN");
    const mark = h.venue.submitted.length;
    h.intent(2, [[5000, 5 * SH]], []);
    expect(placesOf(h, mark)).toEqual([]);
    h.clock.advance(1_000);
    expect(h.actor.mode()).toBe("RUNNING");
    h.intent(3, [[1000, 10 * SH]], []);
    expect(placesOf(h, mark)).toEqual(["BUY YES 10@0.1"]);
  });

  it("tick_size reject ⇒ market suspended + refresh hook; the tick update replans on the new grid", () => {
    const clock = new ManualClock(0);
    const sent: GatewayAction[] = [];
    const refresh: string[] = [];
    const gateway: OrderGateway = { submit: (a) => void sent.push(a) };
    const actor = new ExecutorActor({
      clock,
      gateway,
      markets: [market()],
      initial: { collateral: (100 * SH) as never },
      hooks: { onMarketRefreshNeeded: (cid, reason) => void refresh.push(`${cid === CID}:${reason}`) },
    });
    actor.intents.post({
      conditionId: CID,
      bids: [{ price: 4567 as never, size: (10 * SH) as never }],
      asks: [],
      seq: 1,
      createdAt: 0,
      reason: { code: "quoting" },
    });
    const place = sent[0]!;
    expect(place.kind === "PLACE" && place.order.price).toBe(4500);
    actor.results.post({
      kind: "PLACE_REJECT",
      actionId: place.actionId,
      clientOrderId: place.kind === "PLACE" ? place.order.clientOrderId : "",
      reason: "tick_size",
      message: "breaks minimum tick size rule",
      at: 0,
    });
    expect(refresh).toEqual(["true:tick_size"]);
    expect(sent).toHaveLength(1); // suspended, no retry loop
    actor.control({ type: "tick_size", conditionId: CID, tickSize: 10 as TickSize });
    const next = sent[1]!;
    expect(next.kind === "PLACE" && next.order.price).toBe(4560);
    expect(next.kind === "PLACE" && next.order.tickSize).toBe(10);
  });

  it("cancel_only ⇒ stop placing for the back-off", () => {
    const h = new Harness();
    h.intent(1, [[5000, 10 * SH]], []);
    const a = h.venue.queue.shift()!;
    if (a.kind !== "PLACE") throw new Error("expected PLACE");
    h.actor.results.post({
      kind: "PLACE_REJECT",
      actionId: a.actionId,
      clientOrderId: a.order.clientOrderId,
      reason: "cancel_only",
      message: "cancel-only",
      at: 0,
    });
    expect(h.actor.mode()).toBe("COOLDOWN");
    h.clock.advance(29_000);
    expect(h.actor.mode()).toBe("COOLDOWN");
    h.clock.advance(1_000);
    expect(h.actor.mode()).toBe("RUNNING");
  });

  it("OUTCOME_UNKNOWN on a PLACE ⇒ RESYNC finds the order and tracks it once", () => {
    const h = new Harness();
    h.venue.unknownNext = { executeAnyway: true };
    h.intent(1, [[5000, 10 * SH]], []);
    pump(h);
    const open = h.actor.snapshot().orders.filter((o) => o.state === "LIVE");
    expect(open).toHaveLength(1);
    expect(open[0]!.orderId).toBe(h.venue.openOrders()[0]!.orderId);
    expect(h.actor.snapshot().reservations).toHaveLength(1);
    expect(h.actor.mode()).toBe("RUNNING");
  });
});

describe("ExecutorActor: latest intent wins (law I), churn, journal", () => {
  it("intents posted while the actor is busy overwrite one slot; only the latest is applied", () => {
    const clock = new ManualClock(0);
    const sent: GatewayAction[] = [];
    let actor: ExecutorActor | undefined;
    const gateway: OrderGateway = {
      submit: (a) => {
        sent.push(a);
        // A strategy publishing three intents while the executor is still processing.
        if (sent.length === 1)
          for (const seq of [2, 3, 4])
            actor!.intents.post({
              conditionId: CID,
              bids: [{ price: (4000 + seq * 100) as never, size: (10 * SH) as never }],
              asks: [],
              seq,
              createdAt: 0,
              reason: { code: "quoting" },
            });
      },
    };
    actor = new ExecutorActor({ clock, gateway, markets: [market()], initial: { collateral: (100 * SH) as never } });
    actor.intents.post({
      conditionId: CID,
      bids: [{ price: 4000 as never, size: (10 * SH) as never }],
      asks: [],
      seq: 1,
      createdAt: 0,
      reason: { code: "quoting" },
    });
    const prices = sent.flatMap((a) => (a.kind === "PLACE" ? [a.order.price] : []));
    expect(prices).toEqual([4000, 4400]); // 4100 and 4200 never reached the venue
    expect(actor.stats().intentsSuperseded).toBe(2);
    expect(actor.stats().intentChanges).toBe(2);
  });

  it("churn: repeating an intent costs nothing; size jitter within tolerance costs nothing; a one-tick move costs 2 actions a side", () => {
    const h = new Harness({ collateral: 1_000 * SH });
    const ladder = (seq: number, top: number, size: number) =>
      h.intent(
        seq,
        [0, 1, 2, 3, 4].map((i) => [top - i * 100, size] as [number, number]),
        [0, 1, 2, 3, 4].map((i) => [top + 200 + i * 100, size] as [number, number]),
      );
    const delta = (f: () => void) => {
      const before = h.actor.stats();
      f();
      pump(h);
      const after = h.actor.stats();
      return { actions: after.actionsOnIntentChange - before.actionsOnIntentChange, changes: after.intentChanges - before.intentChanges };
    };
    ladder(1, 4500, 10 * SH);
    pump(h);
    expect(delta(() => ladder(2, 4500, 10 * SH))).toEqual({ actions: 0, changes: 1 }); // same quotes, new seq
    expect(delta(() => ladder(3, 4500, 9.5 * SH))).toEqual({ actions: 0, changes: 1 }); // −5 %: 10 ≤ 9.5 × 1.1, kept
    expect(delta(() => ladder(4, 4500, 11 * SH))).toEqual({ actions: 0, changes: 1 }); // +10 %: short 1 (< min size), kept
    expect(delta(() => ladder(5, 4500, 8 * SH))).toEqual({ actions: 20, changes: 1 }); // −20 %: every order too big → replace
    // One tick up on both sides: per side the far level is cancelled and a new best level placed.
    expect(delta(() => ladder(6, 4600, 8 * SH))).toEqual({ actions: 4, changes: 1 });
    expect(h.violations).toEqual([]);
  });

  it("journals every input and decision as plain JSON", () => {
    const h = new Harness({ yes: 10 * SH, journal: true });
    h.intent(1, [[4000, 10 * SH]], [[6000, 10 * SH]]);
    pump(h);
    h.venue.fill(0, 0.5);
    deliverAllUser(h);
    const entries = h.journal.entries;
    expect(JSON.parse(JSON.stringify(entries))).toEqual(entries);
    const types = new Set(entries.map((e) => e.type));
    for (const t of ["intent", "action", "plan", "gateway", "user"]) expect(types.has(t as never)).toBe(true);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    const stats = h.actor.stats();
    // BUY 10 + SELL 10, then the half-filled BUY is topped up by 5 (shortfall 50 % > tolerance).
    expect(stats.actions.PLACE).toBe(3);
    expect(stats.modeTimeMs.RUNNING).toBeGreaterThanOrEqual(0);
    expect(stats.inventory.find((p) => p.tokenId === NO)).toBeDefined();
  });

  it("rejects malformed user events without crashing or coercing", () => {
    const h = new Harness({ journal: true });
    h.actor.userEvents.post({
      kind: "fill",
      tradeId: "t" as never,
      orderId: "0x1" as never,
      conditionId: CID,
      tokenId: YES,
      side: "BUY",
      price: Number.NaN as never,
      size: 5 as never,
      status: "MATCHED",
      role: "MAKER",
      feeRateBps: 0,
      matchTime: 0,
      timestamp: 0,
    });
    h.actor.userEvents.post({
      kind: "order",
      eventType: "UPDATE",
      orderId: "0x2" as never,
      conditionId: CID,
      tokenId: YES,
      side: "BUY",
      price: 100 as never,
      originalSize: -1 as never,
      sizeMatched: 0 as never,
      status: "LIVE",
      timestamp: 0,
    });
    expect(h.actor.stats().invalidEvents).toBe(2);
    expect(h.actor.mode()).toBe("RUNNING");
    expect(position(h).settled).toBe(0);
  });
});

describe("ExecutorActor: venue failure paths", () => {
  it("heartbeat lapse ⇒ RESYNC: the venue cancelled everything, reservations released, quotes restored", () => {
    const h = new Harness({ yes: 10 * SH });
    h.intent(1, [[4000, 10 * SH]], [[6000, 10 * SH]]);
    pump(h);
    expect(h.venue.openOrders()).toHaveLength(2);
    h.venue.heartbeatLapse();
    h.venue.userEvents = []; // say the cancellations are not seen: the sync must tell
    const mark = h.venue.submitted.length;
    h.deliverResult(); // HEARTBEAT_LAPSED
    expect(h.actor.mode()).toBe("RESYNC");
    pump(h);
    expect(kinds(h, mark)).toEqual(["SYNC", "PLACE", "PLACE"]);
    expect(h.actor.mode()).toBe("RUNNING");
    expect(h.venue.openOrders()).toHaveLength(2);
    h.check("after heartbeat lapse");
    expect(h.violations).toEqual([]);
  });

  it("a cancel that fails definitively leaves the order LIVE and is retried on the next plan", () => {
    const h = new Harness();
    h.intent(1, [[4000, 10 * SH]], []);
    pump(h);
    h.venue.failNext = "server_error";
    h.intent(2, [[4100, 10 * SH]], []);
    const cancel = h.venue.submitted.findLast((a) => a.kind === "CANCEL")!;
    h.venue.step(); // fails
    h.deliverResult();
    const again = h.venue.submitted.findLast((a) => a.kind === "CANCEL")!;
    expect(again.actionId).not.toBe(cancel.actionId);
    pump(h);
    expect(h.venue.openOrders().map((o) => o.price)).toEqual([4100]);
    expect(h.violations).toEqual([]);
  });

  it("'already matched' cancel: the reservation stays until a RESYNC shows the fill", () => {
    const h = new Harness({ yes: 10 * SH });
    h.intent(1, [], [[6000, 10 * SH]]);
    pump(h);
    h.intent(2, [], [[6100, 10 * SH]]); // CANCEL queued
    h.venue.fill(0, 1); // …but a taker takes it all first
    h.venue.userEvents = []; // and the trade events are slow (not delivered)
    h.venue.step(); // cancel runs: "already canceled or matched"
    h.deliverResult();
    expect(position(h).reserved).toBe(10 * SH); // never released on a failed cancel
    expect(h.actor.mode()).toBe("RESYNC");
    pump(h);
    expect(position(h)).toMatchObject({ settled: 10 * SH, pending: -10 * SH, reserved: 0 });
    expect(h.actor.mode()).toBe("RUNNING");
    expect(h.violations).toEqual([]);
  });

  it("a fill that arrives before the PLACE ack counts at once; the order's reservation stays conservative until the ack", () => {
    const h = new Harness({ yes: 20 * SH });
    h.intent(1, [], [[6000, 10 * SH]]);
    h.venue.step();
    h.venue.fill(0, 0.5);
    const fill = h.venue.userEvents.find((e) => e.kind === "fill")!;
    h.knowledge.user(fill);
    h.actor.userEvents.post(fill);
    expect(position(h)).toMatchObject({ settled: 20 * SH, pending: -5 * SH, reserved: 10 * SH });
    h.deliverResult(); // the ack books the fill on the order (and the 5 missing shares are topped up)
    const reserved = Object.fromEntries(h.actor.snapshot().orders.map((o) => [o.clientOrderId, o.reserved / SH]));
    expect(reserved).toEqual({ "mm-1": 5, "mm-2": 5 });
    expect(h.violations).toEqual([]);
  });

  it("two markets share one collateral pool: the second market only gets what the first left", () => {
    const clock = new ManualClock(0);
    const sent: GatewayAction[] = [];
    const m2 = market({
      conditionId: `0x${"ef".repeat(32)}` as never,
      yes: { tokenId: "3333" as never, label: "Yes" },
      no: { tokenId: "4444" as never, label: "No" },
    });
    const actor = new ExecutorActor({
      clock,
      gateway: { submit: (a) => void sent.push(a) },
      markets: [market(), m2],
      initial: { collateral: (6 * SH) as never },
    });
    const bid = (cid: typeof CID, seq: number) =>
      actor.intents.post({
        conditionId: cid,
        bids: [{ price: 5000 as never, size: (10 * SH) as never }],
        asks: [],
        seq,
        createdAt: 0,
        reason: { code: "quoting" },
      });
    bid(CID, 1);
    bid(m2.conditionId, 1);
    const sizes = sent.flatMap((a) => (a.kind === "PLACE" ? [[a.order.conditionId === CID ? "m1" : "m2", a.order.size / SH]] : []));
    // 10 @ 0.50 = 5 USDC for market 1; 1 USDC left → 2 shares < 5 → nothing for market 2.
    expect(sizes).toEqual([["m1", 10]]);
    expect(actor.snapshot().collateral.reserved).toBe(5 * SH);
  });
});

describe("ExecutorActor: bounded memory", () => {
  it("forgets old terminal fills without losing inventory, and a later RESYNC does not re-apply them", () => {
    const h = new Harness({ collateral: 1_000 * SH, config: { maxRetainedFills: 3, resyncLookbackMs: 1_000 } });
    for (let round = 0; round < 6; round++) {
      h.intent(round + 1, [[4000 + round * 100, 10 * SH]], []);
      pump(h);
      h.venue.fill(h.venue.openOrders().length - 1, 1);
      h.venue.advance(0, 0); // MINED
      h.venue.advance(0, 0); // CONFIRMED
      deliverAllUser(h);
      h.clock.advance(120_000); // older than any RESYNC window from now on
      h.check(`round ${round}`);
    }
    expect(position(h).settled).toBe(60 * SH);
    expect(h.actor.stats().retainedFills).toBeLessThanOrEqual(4);
    h.actor.control({ type: "resync", reason: "test" });
    pump(h);
    deliverAllUser(h);
    h.check("after resync");
    expect(position(h).settled).toBe(60 * SH);
    expect(h.violations).toEqual([]);
  });
});

describe("ExecutorActor: bounded work per fill", () => {
  it("fills that stay in flight are kept (never pruned), and pruning resumes once they are terminal", () => {
    const h = new Harness({ collateral: 1_000 * SH, config: { maxRetainedFills: 3, resyncLookbackMs: 1_000 } });
    const round = (k: number, confirm: boolean) => {
      h.intent(k, [[3000 + k * 100, 10 * SH]], []);
      pump(h);
      h.venue.fill(h.venue.openOrders().length - 1, 1);
      deliverAllUser(h);
      // MINED only (CONFIRMED never comes yet), or all the way.
      const live = h.venue.trades.filter((t) => t.status !== "CONFIRMED" && t.status !== "FAILED").length;
      h.venue.advance(live - 1, 0);
      if (confirm) h.venue.advance(live - 1, 0);
      deliverAllUser(h);
      h.clock.advance(120_000);
      h.check(`round ${k}`);
    };
    for (let k = 1; k <= 6; k++) round(k, false);
    // Six fills in flight: above the limit, none may be forgotten.
    expect(h.actor.stats().retainedFills).toBe(6);
    expect(position(h).settled).toBe(60 * SH);
    // They all confirm; later fills prune them again.
    while (h.venue.advance(0, 0));
    deliverAllUser(h);
    h.clock.advance(120_000);
    for (let k = 7; k <= 10; k++) round(k, true);
    expect(h.actor.stats().retainedFills).toBeLessThanOrEqual(4);
    expect(position(h).settled).toBe(100 * SH);
    expect(h.violations).toEqual([]);
  });
});

describe("ExecutorActor: market metadata", () => {
  it("a market that closes is pulled: its orders are cancelled whatever the last intent said", () => {
    const h = new Harness();
    h.intent(1, [[4000, 10 * SH]], []);
    pump(h);
    expect(h.venue.openOrders()).toHaveLength(1);
    h.actor.control({ type: "market", market: market({ closed: true }) });
    pump(h);
    expect(h.venue.openOrders()).toHaveLength(0);
    const mark = h.venue.submitted.length;
    h.intent(2, [[4100, 10 * SH]], []);
    expect(placesOf(h, mark)).toEqual([]);
    expect(h.violations).toEqual([]);
  });
});

describe("ExecutorActor: robustness", () => {
  it("a journal sink that throws is counted and never stops trading", () => {
    const clock = new ManualClock(0);
    const sent: GatewayAction[] = [];
    const actor = new ExecutorActor({
      clock,
      gateway: { submit: (a) => void sent.push(a) },
      markets: [market()],
      initial: { collateral: (100 * SH) as never },
      journal: {
        append: () => {
          throw new Error("disk full");
        },
      },
    });
    actor.intents.post({
      conditionId: CID,
      bids: [{ price: 4000 as never, size: (10 * SH) as never }],
      asks: [],
      seq: 1,
      createdAt: 0,
      reason: { code: "quoting" },
    });
    expect(sent.map((a) => a.kind)).toEqual(["PLACE"]);
    expect(actor.mode()).toBe("RUNNING");
    expect(actor.stats().journalErrors).toBeGreaterThan(0);
  });
});

describe("ExecutorActor: ended orders kept for late events", () => {
  it("forgets ended orders oldest-ended first beyond the bound; open orders and recent ones stay known", () => {
    const h = new Harness({ collateral: 10_000 * SH });
    // Each intent moves the bid: the old BUY is cancelled (ended on its ACK) and a new one placed.
    for (let i = 1; i <= 1_500; i++) {
      h.intent(i, [[i % 2 === 0 ? 5000 : 4900, 10 * SH]], []);
      pump(h);
    }
    const orders = h.actor.snapshot().orders;
    const open = orders.filter((o) => o.state === "LIVE" || o.state === "PENDING_NEW" || o.state === "PENDING_CANCEL");
    expect(open).toHaveLength(1);
    // Bounded: at most the retained ended orders plus one compaction batch, and the open one.
    expect(orders.length).toBeLessThanOrEqual(1_024 + 64 + 1);
    expect(orders.length).toBeGreaterThanOrEqual(1_024);
    // The most recently ended orders are the ones kept (ids are mm-<seq>).
    const seqs = orders.map((o) => Number(o.clientOrderId.split("-").pop())).sort((a, b) => a - b);
    const newest = seqs[seqs.length - 1]!;
    expect(seqs[0]).toBeGreaterThan(newest - 1_200);
    expect(seqs).toContain(newest - 1);
    expect(h.actor.audit()).toEqual([]);
    expect(h.violations).toEqual([]);
  });
});
