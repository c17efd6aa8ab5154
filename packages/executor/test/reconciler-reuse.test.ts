/**
 * The Reconciler reuses its result arrays and scratch between calls (no allocation per pass). It must
 * stay pure all the same: the answer to an input does not depend on which calls came before, and a
 * result is only ever overwritten by the next call.
 */
import fc from "fast-check";
import { orderId, type PlannedOrder, price, size, type TokenId, type WorkingOrder } from "@mm/types";
import { describe, expect, it, vi } from "vitest";
import { type PlaceBudget, plan, type ReconcileInput, type ReconcileResult, reconcile } from "../src/index.js";
import { CID, coll, input, intent, NO, pos, YES } from "./fixtures.js";

/** A deep, plain copy of everything a caller can read from a result. */
function copy(r: ReconcileResult) {
  const order = (o: PlannedOrder) => ({ ...o });
  return {
    cancels: r.cancels.map((o) => o.clientOrderId),
    places: r.places.map(order),
    kept: r.kept.map((o) => o.clientOrderId),
    awaitingAck: r.awaitingAck.map((o) => o.clientOrderId),
    deferred: r.deferred.map((d) => ({ order: order(d.order), reason: d.reason })),
  };
}

const budgetOf = (b: { collateral: number; sellYes: number; sellNo: number; room: number }): PlaceBudget => ({
  freeCollateral: b.collateral,
  sellable: new Map<TokenId, number>([
    [YES, b.sellYes],
    [NO, b.sellNo],
  ]),
  buyRoom: new Map<TokenId, number>([
    [YES, b.room],
    [NO, b.room],
  ]),
  grossRoom: b.room,
  notionalRoom: b.room,
});

const levelArb = fc.tuple(fc.integer({ min: 30, max: 70 }), fc.integer({ min: 1, max: 30 }));
const workingArb = fc.record({
  yes: fc.boolean(),
  side: fc.constantFrom("BUY" as const, "SELL" as const),
  cents: fc.integer({ min: 25, max: 75 }),
  shares: fc.integer({ min: 5, max: 30 }),
  matched: fc.integer({ min: 0, max: 4 }),
  state: fc.constantFrom("LIVE" as const, "PENDING_NEW" as const, "PENDING_CANCEL" as const),
});
const caseArb = fc.record({
  bids: fc.array(levelArb, { maxLength: 4 }),
  asks: fc.array(levelArb, { maxLength: 4 }),
  yesHeld: fc.integer({ min: 0, max: 60 }),
  working: fc.array(workingArb, { maxLength: 8 }),
  budget: fc.record({
    collateral: fc.integer({ min: 0, max: 100_000_000 }),
    sellYes: fc.integer({ min: -5_000_000, max: 60_000_000 }),
    sellNo: fc.integer({ min: -5_000_000, max: 60_000_000 }),
    room: fc.integer({ min: 0, max: 200_000_000 }),
  }),
  placeAllowed: fc.boolean(),
  oversize: fc.constantFrom(0, 0.1),
});
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

let seq = 0;
/** Builds the Reconciler input of a case; a fresh budget each time (`reconcile` mutates it). */
function inputOf(c: Case, orders: readonly WorkingOrder[]): ReconcileInput {
  const p = plan(
    input({
      intent: intent(
        c.bids.map(([cents, s]) => [(cents / 100).toFixed(2), String(s)] as [string, string]),
        c.asks.map(([cents, s]) => [(cents / 100).toFixed(2), String(s)] as [string, string]),
      ),
      yes: pos(YES, String(c.yesHeld)),
      collateral: coll("10000"),
    }),
  );
  return {
    plan: p,
    working: orders,
    minOrderSize: size("5"),
    undersizeTolerance: 0.2,
    oversizeTolerance: c.oversize,
    budget: budgetOf(c.budget),
    placeAllowed: c.placeAllowed,
  };
}

function ordersOf(c: Case): WorkingOrder[] {
  return c.working.map((w, i) => ({
    clientOrderId: `c${++seq}`,
    ...(w.state === "PENDING_NEW" ? {} : { orderId: orderId(`0x${seq.toString(16).padStart(64, "0")}`) }),
    conditionId: CID,
    tokenId: w.yes ? YES : NO,
    side: w.side,
    price: price((w.cents / 100).toFixed(2)),
    originalSize: size(String(w.shares)),
    matchedSize: size(String(Math.min(w.matched, w.shares))),
    state: w.state,
    createdAt: i,
  }));
}

describe("reconciler: reused result buffers stay invisible to callers", () => {
  it("each input gets the answer of a fresh module, whatever calls came before (150 sequences)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(caseArb, { minLength: 2, maxLength: 6 }), async (cases) => {
        const orders = cases.map(ordersOf);
        // Reference: each input as the first call of a freshly loaded module (no scratch state at all).
        const fresh: ReturnType<typeof copy>[] = [];
        for (let i = 0; i < cases.length; i++) {
          vi.resetModules();
          const m = (await import("../src/reconciler.js")) as { reconcile: typeof reconcile };
          fresh.push(copy(m.reconcile(inputOf(cases[i]!, orders[i]!))));
        }
        // The shared module, in sequence and then in reverse: same answers whatever came before.
        for (let i = 0; i < cases.length; i++) expect(copy(reconcile(inputOf(cases[i]!, orders[i]!)))).toEqual(fresh[i]);
        for (let i = cases.length - 1; i >= 0; i--) expect(copy(reconcile(inputOf(cases[i]!, orders[i]!)))).toEqual(fresh[i]);
      }),
      { numRuns: 150 },
    );
  });

  it("a result is overwritten only by the next call, and the budget keeps every placement", () => {
    const orders = ordersOf({
      bids: [],
      asks: [],
      yesHeld: 0,
      working: [{ yes: true, side: "BUY", cents: 40, shares: 10, matched: 0, state: "LIVE" }],
      budget: { collateral: 0, sellYes: 0, sellNo: 0, room: 0 },
      placeAllowed: true,
      oversize: 0,
    });
    const c: Case = {
      bids: [[45, 10]],
      asks: [[55, 10]],
      yesHeld: 0,
      working: [],
      budget: { collateral: 100_000_000, sellYes: 0, sellNo: 0, room: 200_000_000 },
      placeAllowed: true,
      oversize: 0,
    };
    const first = inputOf(c, orders);
    const r = reconcile(first);
    const before = copy(r);
    expect(before.cancels).toEqual([orders[0]!.clientOrderId]);
    expect(before.places.map((p) => `${p.side} ${p.tokenId === YES ? "YES" : "NO"} ${p.price}`)).toEqual(["BUY YES 4500", "BUY NO 4500"]);
    // Both BUYs were charged to the caller's budget: 0.45 × 10 each.
    expect(first.budget.freeCollateral).toBe(100_000_000 - 2 * 4_500_000);
    // Reading it again before another call gives the same thing.
    expect(copy(r)).toEqual(before);
    // The next call reuses the arrays: what the caller kept of the first result is now the second's.
    const second = reconcile(inputOf({ ...c, bids: [], asks: [] }, orders));
    expect(second).toBe(r);
    expect(copy(second).places).toEqual([]);
  });
});
