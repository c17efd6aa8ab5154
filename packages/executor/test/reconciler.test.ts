import { type OrderId, orderId, type PlannedOrder, price, size, type TokenId, type WorkingOrder } from "@mm/types";
import { describe, expect, it } from "vitest";
import { type PlaceBudget, plan, reconcile } from "../src/index.js";
import { CID, coll, input, intent, NO, pos, YES } from "./fixtures.js";

let n = 0;
const oid = (): OrderId => orderId(`0x${(++n).toString(16).padStart(64, "0")}`);

function working(tokenId: TokenId, side: "BUY" | "SELL", p: string, s: string, extra: Partial<WorkingOrder> = {}): WorkingOrder {
  return {
    clientOrderId: `c${++n}`,
    orderId: oid(),
    conditionId: CID,
    tokenId,
    side,
    price: price(p),
    originalSize: size(s),
    matchedSize: size("0"),
    state: "LIVE",
    createdAt: n,
    ...extra,
  };
}

const rich = (): PlaceBudget => ({
  freeCollateral: 1e12,
  sellable: new Map([
    [YES, 1e12],
    [NO, 1e12],
  ]),
  buyRoom: new Map([
    [YES, 1e12],
    [NO, 1e12],
  ]),
  grossRoom: 1e12,
  notionalRoom: 1e12,
});

const planOf = (bids: [string, string][], asks: [string, string][], yes = "0") =>
  plan(input({ intent: intent(bids, asks), yes: pos(YES, yes), collateral: coll("10000") }));
const run = (p: ReturnType<typeof planOf>, w: WorkingOrder[], budget = rich(), placeAllowed = true) =>
  reconcile({ plan: p, working: w, minOrderSize: size("5"), undersizeTolerance: 0.2, budget, placeAllowed });
const desc = (o: PlannedOrder | WorkingOrder) =>
  `${o.side} ${o.tokenId === YES ? "YES" : "NO"} ${("size" in o ? o.size : o.originalSize - o.matchedSize) / 1e6}@${o.price / 1e4}`;

describe("reconciler: keep queue position, cancel what no longer fits, place what is missing", () => {
  it("an unchanged plan against matching orders produces no action", () => {
    const p = planOf([["0.45", "10"]], [["0.55", "10"]]);
    const w = [working(YES, "BUY", "0.45", "10"), working(NO, "BUY", "0.45", "10")];
    const r = run(p, w);
    expect(r.kept).toHaveLength(2);
    expect(r.cancels).toEqual([]);
    expect(r.places).toEqual([]);
  });

  it("a price move is one cancel + one place (BUY replacement does not wait)", () => {
    const p = planOf([["0.46", "10"]], []);
    const old = working(YES, "BUY", "0.45", "10");
    const r = run(p, [old]);
    expect(r.cancels).toEqual([old]);
    expect(r.places.map(desc)).toEqual(["BUY YES 10@0.46"]);
  });

  it("law H: a replacement SELL waits for the old SELL's cancel ACK", () => {
    const p = planOf([], [["0.56", "10"]], "10");
    const old = working(YES, "SELL", "0.55", "10");
    const r = run(p, [old]);
    expect(r.cancels).toEqual([old]);
    expect(r.places).toEqual([]);
    expect(r.deferred.map((d) => d.reason)).toEqual(["sell_cancel_pending"]);
    // While the cancel is in flight (PENDING_CANCEL) still no SELL on that token.
    const r2 = run(p, [{ ...old, state: "PENDING_CANCEL" }]);
    expect(r2.places).toEqual([]);
    expect(r2.deferred.map((d) => d.reason)).toEqual(["sell_cancel_pending"]);
    // After the ACK (order gone) the SELL is placed.
    expect(run(p, []).places.map(desc)).toEqual(["SELL YES 10@0.56"]);
  });

  it("a partial fill within tolerance is kept; a big shortfall is topped up at the same price", () => {
    const p = planOf([["0.45", "20"]], []);
    const small = working(YES, "BUY", "0.45", "20", { matchedSize: size("3") }); // 17 left, short 3 (< 5, < 20%)
    expect(run(p, [small]).places).toEqual([]);
    expect(run(p, [small]).cancels).toEqual([]);
    const big = working(YES, "BUY", "0.45", "20", { matchedSize: size("12") }); // 8 left, short 12
    const r = run(p, [big]);
    expect(r.kept).toEqual([big]);
    expect(r.cancels).toEqual([]);
    expect(r.places.map(desc)).toEqual(["BUY YES 12@0.45"]);
  });

  it("an order larger than planned is replaced (never more exposure than asked); oldest orders kept first", () => {
    const p = planOf([["0.45", "12"]], []);
    const a = working(YES, "BUY", "0.45", "10");
    const b = working(YES, "BUY", "0.45", "5");
    const r = run(p, [b, a].reverse());
    expect(r.kept).toEqual([a]);
    expect(r.cancels).toEqual([b]);
    expect(r.places).toEqual([]); // shortfall 2 < min size
  });

  it("oversize tolerance keeps a slightly larger order, except a SELL whose inventory no longer backs it", () => {
    const bid = planOf([["0.45", "9.5"]], []);
    const big = working(YES, "BUY", "0.45", "10");
    const keep = reconcile({
      plan: bid,
      working: [big],
      minOrderSize: size("5"),
      undersizeTolerance: 0.2,
      oversizeTolerance: 0.1,
      budget: rich(),
      placeAllowed: true,
    });
    expect(keep.kept).toEqual([big]);
    expect(keep.cancels).toEqual([]);
    const ask = planOf([], [["0.55", "9.5"]], "20");
    const sell = working(YES, "SELL", "0.55", "10");
    const ok = reconcile({
      plan: ask,
      working: [sell],
      minOrderSize: size("5"),
      undersizeTolerance: 0.2,
      oversizeTolerance: 0.1,
      budget: rich(),
      placeAllowed: true,
    });
    expect(ok.kept).toEqual([sell]);
    // A FAILED trade took inventory away: reservations exceed it (sellable < 0) → exact sizes only.
    const deficit = { ...rich(), sellable: new Map([[YES, -2_000_000]]) };
    const r = reconcile({
      plan: ask,
      working: [sell],
      minOrderSize: size("5"),
      undersizeTolerance: 0.2,
      oversizeTolerance: 0.1,
      budget: deficit,
      placeAllowed: true,
    });
    expect(r.cancels).toEqual([sell]);
    expect(r.places).toEqual([]);
  });

  it("orders without a venue id (PENDING_NEW) cannot be cancelled yet: reported as awaitingAck", () => {
    const p = planOf([["0.46", "10"]], []);
    const pending = working(YES, "BUY", "0.45", "10", { state: "PENDING_NEW" });
    const r = run(p, [pending]);
    expect(r.cancels).toEqual([]);
    expect(r.awaitingAck).toEqual([pending]);
  });

  it("law G on the budget: a BUY waits when collateral is still held by the order being cancelled", () => {
    const p = planOf([["0.46", "10"]], []);
    const old = working(YES, "BUY", "0.45", "10");
    const budget = { ...rich(), freeCollateral: 2_000_000 }; // 4.50 held by `old`, 2.00 free
    const r = run(p, [old], budget);
    expect(r.cancels).toEqual([old]);
    expect(r.deferred.map((d) => d.reason)).toEqual(["collateral_held"]);
  });

  it("risk room is measured on the worst case (the cancelled order could still fill)", () => {
    const p = planOf([["0.46", "10"]], []);
    const budget = { ...rich(), buyRoom: new Map([[YES, 5_000_000]]) };
    expect(run(p, [working(YES, "BUY", "0.45", "10")], budget).deferred.map((d) => d.reason)).toEqual(["risk_held"]);
  });

  it("SELL size is bounded by sellable after every reservation; placing consumes it", () => {
    const p = planOf(
      [],
      [
        ["0.55", "10"],
        ["0.56", "10"],
      ],
      "20",
    );
    const budget = { ...rich(), sellable: new Map([[YES, 15_000_000]]) };
    const r = run(p, [], budget);
    expect(r.places.map(desc)).toEqual(["SELL YES 10@0.55"]);
    expect(r.deferred.map((d) => d.reason)).toEqual(["inventory_held"]);
    expect(budget.sellable.get(YES)).toBe(5_000_000);
  });

  it("placing disabled (STOP/COOLDOWN/suspended) still cancels stale orders", () => {
    const p = planOf([["0.46", "10"]], []);
    const old = working(YES, "BUY", "0.45", "10");
    const r = run(p, [old], rich(), false);
    expect(r.cancels).toEqual([old]);
    expect(r.places).toEqual([]);
    expect(r.deferred.map((d) => d.reason)).toEqual(["placing_disabled"]);
  });

  it("churn: a 5-level ladder shifting by one tick costs one cancel + one place, not ten actions", () => {
    const ladder = (top: number) =>
      planOf(
        Array.from({ length: 5 }, (_, i) => [((top - i) / 100).toFixed(2), "10"] as [string, string]),
        [],
      );
    const before = ladder(45);
    const w = before.orders.map((o) => working(YES, "BUY", (o.price / 1e4).toFixed(2), "10"));
    const r = run(ladder(46), w);
    expect(r.cancels.map(desc)).toEqual(["BUY YES 10@0.41"]);
    expect(r.places.map(desc)).toEqual(["BUY YES 10@0.46"]);
    expect(r.kept).toHaveLength(4);
  });
});
