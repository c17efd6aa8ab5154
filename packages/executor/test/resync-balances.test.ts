/**
 * RESYNC balance correction under the SYNC read race: the gateway reads trades, then balances, in
 * separate calls, so a fill can be mined between them (the balance counts it, the trades read said
 * MATCHED), and its MINED user event can reach the executor before or after the SYNC_RESULT.
 */
import {
  type ActionId,
  type GatewayAction,
  ManualClock,
  type OrderGateway,
  orderId,
  type Size,
  type SyncAction,
  type TradeStatus,
  tradeId,
  type Usdc,
  type UserFillEvent,
} from "@mm/types";
import { describe, expect, it } from "vitest";
import { ExecutorActor, MemoryJournal } from "../src/index.js";
import { CID, intent, market, NO, YES } from "./fixtures.js";

const SH = 1_000_000;
const OID = orderId(`0x${"0c".repeat(32)}`);
const START_CASH = 100 * SH;

class Rig {
  readonly clock = new ManualClock(1_000_000);
  readonly submitted: GatewayAction[] = [];
  readonly journal = new MemoryJournal();
  readonly actor: ExecutorActor;

  constructor(settlement: "MINED" | "CONFIRMED" = "MINED", syncRetryMs = 2_000) {
    const gateway: OrderGateway = { submit: (a) => this.submitted.push(a) };
    this.actor = new ExecutorActor({
      clock: this.clock,
      gateway,
      markets: [market()],
      initial: { collateral: START_CASH as Usdc, tokens: { [YES]: 0 as Size, [NO]: 0 as Size } },
      config: { settlement, syncRetryMs },
      journal: this.journal,
    });
  }

  /** Places a BUY YES 10 @ 0.50, ACKs it as order "o1", and the venue matches it entirely (MATCHED). */
  buyFilled(): UserFillEvent {
    this.actor.intents.post(intent([["0.5", "10"]], []));
    const place = this.submitted.find((a) => a.kind === "PLACE");
    if (place?.kind !== "PLACE") throw new Error("no PLACE");
    this.actor.results.post({
      kind: "PLACE_ACK",
      actionId: place.actionId,
      clientOrderId: place.order.clientOrderId,
      orderId: OID,
      venueStatus: "live",
      at: this.clock.now(),
    });
    // Quote no more: the strategy's intent is now empty (no replacement BUY after the fill).
    this.actor.intents.post(intent([], [], 2));
    const f = fill("MATCHED");
    this.actor.userEvents.post(f);
    return f;
  }

  resync(): SyncAction {
    const from = this.submitted.length;
    this.actor.control({ type: "resync", reason: "test" });
    const sync = this.submitted.slice(from).find((a) => a.kind === "SYNC");
    if (sync?.kind !== "SYNC") throw new Error("no SYNC submitted");
    return sync;
  }

  syncResult(actionId: ActionId, fills: UserFillEvent[], balances: { cash: number; yes: number }): void {
    this.actor.results.post({
      kind: "SYNC_RESULT",
      actionId,
      openOrders: [],
      fills,
      balances: { collateral: balances.cash as Usdc, tokens: { [YES]: balances.yes as Size, [NO]: 0 as Size } },
      at: this.clock.now(),
    });
  }

  yes() {
    return this.actor.inventoryOf(YES);
  }
  cash() {
    return this.actor.snapshot().collateral;
  }
  corrections(): string[] {
    return this.journal.entries.flatMap((e) => (e.type === "anomaly" && e.code.endsWith("_corrected") ? [e.code] : []));
  }
}

function fill(status: TradeStatus, size = 10 * SH, id = "t1"): UserFillEvent {
  return {
    kind: "fill",
    tradeId: tradeId(`0x${id.padStart(64, "0")}`),
    orderId: OID,
    conditionId: CID,
    tokenId: YES,
    side: "BUY",
    price: 5000 as UserFillEvent["price"],
    size: size as Size,
    status,
    role: "MAKER",
    feeRateBps: 0,
    matchTime: 1_000_000,
    timestamp: 1_000_000,
  };
}

const VENUE_AFTER = { cash: START_CASH - 5 * SH, yes: 10 * SH }; // wallet once the BUY 10 @ 0.50 is mined
const VENUE_BEFORE = { cash: START_CASH, yes: 0 };

describe("RESYNC balance correction is race-safe (trades read, then balances read)", () => {
  it("regression: balance already counts a fill the same SYNC lists as MATCHED, MINED event arrives after the SYNC_RESULT", () => {
    const r = new Rig();
    r.buyFilled();
    expect(r.yes()).toMatchObject({ settled: 0, pending: 10 * SH });
    const sync = r.resync();
    r.syncResult(sync.actionId, [fill("MATCHED")], VENUE_AFTER);
    // Not overwritten: the difference is exactly the MATCHED fill, whose MINED event is still to come.
    expect(r.yes()).toMatchObject({ settled: 0, pending: 10 * SH });
    expect(r.corrections()).toEqual([]);
    r.actor.userEvents.post(fill("MINED"));
    // Before the fix: settled 20 shares and 90 USDC (the fill counted in the balance and again at MINED).
    expect(r.yes()).toMatchObject({ settled: VENUE_AFTER.yes, pending: 0 });
    expect(r.cash()).toMatchObject({ settled: VENUE_AFTER.cash, pending: 0 });
    expect(r.actor.audit()).toEqual([]);
  });

  // Every feasible interleaving of: the fill's mining (m) vs the SYNC's send (S), trades read (T) and
  // balances read (B); and the delivery of its MINED user event vs S and the SYNC_RESULT (R).
  // S < T < B < R on the clock; the fill is reported MINED iff mined before T, counted by the
  // balance iff mined before B; its MINED event cannot be delivered before it is mined.
  const mined = ["before S", "S..T", "T..B", "B..R", "after R"] as const;
  const delivered = ["before S", "S..R", "after R"] as const;
  const cases = mined.flatMap((m) =>
    delivered.filter((e) => (e !== "before S" || m === "before S") && (e !== "S..R" || m !== "after R")).map((e) => [m, e] as const),
  );
  for (const settlement of ["MINED", "CONFIRMED"] as const) {
    it.each(cases)(
      `${settlement} threshold: mined %s, MINED event delivered %s ⇒ inventory and collateral end equal to the venue's`,
      (m, e) => {
        const r = new Rig(settlement);
        r.buyFilled();
        const statusEvent = (s: TradeStatus) => r.actor.userEvents.post(fill(s));
        if (e === "before S") statusEvent("MINED");
        r.clock.advance(10);
        const sync = r.resync();
        r.clock.advance(10);
        if (e === "S..R") statusEvent("MINED");
        const reported = m === "before S" || m === "S..T" ? "MINED" : "MATCHED";
        const balances = m === "B..R" || m === "after R" ? VENUE_BEFORE : VENUE_AFTER;
        r.syncResult(sync.actionId, [fill(reported)], balances);
        if (e === "after R") statusEvent("MINED");
        statusEvent("CONFIRMED");
        r.clock.advance(60_000); // any re-check SYNC would be submitted here (none expected: the view was right)
        expect(r.yes()).toMatchObject({ settled: VENUE_AFTER.yes, pending: 0 });
        expect(r.cash()).toMatchObject({ settled: VENUE_AFTER.cash, pending: 0 });
        expect(r.corrections()).toEqual([]);
        expect(r.submitted.filter((a) => a.kind === "SYNC")).toHaveLength(1);
        expect(r.actor.audit()).toEqual([]);
      },
    );
  }

  it("a genuinely wrong wallet view with no unsettled fill is corrected at once, without a re-check", () => {
    const r = new Rig();
    r.buyFilled();
    r.actor.userEvents.post(fill("MINED"));
    // The venue also knows a 5-share BUY at 0.40 we never heard of (older than the SYNC watermark).
    const sync = r.resync();
    r.syncResult(sync.actionId, [fill("MINED")], { cash: VENUE_AFTER.cash - 2 * SH, yes: VENUE_AFTER.yes + 5 * SH });
    expect(r.yes()).toMatchObject({ settled: 15 * SH, pending: 0 });
    expect(r.cash()).toMatchObject({ settled: VENUE_AFTER.cash - 2 * SH, pending: 0 });
    expect(r.corrections()).toEqual(["balance_corrected", "collateral_corrected"]);
    r.clock.advance(60_000);
    expect(r.submitted.filter((a) => a.kind === "SYNC")).toHaveLength(1);
  });

  it("a genuinely wrong view while a fill is ambiguous is corrected, then re-checked by a later SYNC once it settled", () => {
    const r = new Rig("MINED", 2_000);
    r.buyFilled();
    const sync = r.resync();
    // The fill was mined between the trades read and the balance read, AND 5 shares / 2 USDC are missing.
    r.syncResult(sync.actionId, [fill("MATCHED")], { cash: VENUE_AFTER.cash - 2 * SH, yes: VENUE_AFTER.yes + 5 * SH });
    expect(r.corrections()).toEqual(["balance_corrected", "collateral_corrected"]);
    r.actor.userEvents.post(fill("MINED"));
    // Best guess counted the balance as excluding the (then pending) fill: one fill too many for now.
    expect(r.yes().settled).toBe(25 * SH);
    const before = r.submitted.length;
    r.clock.advance(2_000);
    const recheck = r.submitted.slice(before).find((a) => a.kind === "SYNC");
    expect(recheck?.kind).toBe("SYNC");
    // Fired by the executor's own timer (journaled as a timer, so a journal replay re-fires it itself).
    expect(r.journal.entries.some((e) => e.type === "timer" && e.timer === "balance_recheck")).toBe(true);
    if (recheck?.kind !== "SYNC") return;
    r.syncResult(recheck.actionId, [fill("MINED")], { cash: VENUE_AFTER.cash - 2 * SH, yes: VENUE_AFTER.yes + 5 * SH });
    expect(r.yes()).toMatchObject({ settled: 15 * SH, pending: 0 });
    expect(r.cash()).toMatchObject({ settled: VENUE_AFTER.cash - 2 * SH, pending: 0 });
    // Consistent now: no further re-check.
    const after = r.submitted.length;
    r.clock.advance(60_000);
    expect(r.submitted.slice(after).filter((a) => a.kind === "SYNC")).toHaveLength(0);
  });

  it("a shortfall no subset of the unsettled fills explains is corrected (a pending fill does not mask a missed one)", () => {
    const r = new Rig();
    r.buyFilled(); // 10 pending
    const sync = r.resync();
    // Wallet shows 3 shares: neither 0 (fill not mined) nor 10 (fill mined) — a genuinely different view.
    r.syncResult(sync.actionId, [fill("MATCHED")], { cash: START_CASH, yes: 3 * SH });
    expect(r.yes()).toMatchObject({ settled: 3 * SH, pending: 10 * SH });
    expect(r.corrections()).toEqual(["balance_corrected"]);
  });
});
