/**
 * Reconciler (pure): diff an `ExecutionPlan` against our working orders of the same market.
 *
 * - Keep: a resting order (LIVE or PENDING_NEW) at exactly a planned token/side/price is kept, oldest
 *   first (best queue position), while the kept remaining stays ≤ the planned size (+ `oversizeTolerance`,
 *   except for a SELL whose inventory no longer backs its reservations). A shortfall within
 *   `undersizeTolerance` is left alone; a bigger one is topped up with an extra order when the
 *   shortfall is itself a legal order (≥ min size). Resizing by cancel/replace is never needed for a
 *   small partial fill: queue position is worth money.
 * - Cancel: LIVE orders that no longer fit. A PENDING_NEW order has no venue id yet and cannot be
 *   cancelled; it is reported in `awaitingAck` and cancelled on a later pass once acked.
 * - Place: what is missing, in plan order, only when the budget allows, measured on the worst case
 *   (every open order still counted — cancelled orders release nothing until their cancel ACK, law G):
 *   SELLs need settled unreserved inventory (law E) and are held back while any SELL of the same token
 *   has a cancel in flight or is being cancelled now (law H: no replacement SELL before the old
 *   SELL's cancel ACK, so two SELLs never overlap); BUYs need free collateral and risk room.
 *   What cannot be placed now is `deferred` with a reason; the actor replans after the next event.
 */
import type { PlannedOrder, Side, TokenId, WorkingOrder } from "@mm/types";
import { buyCost } from "./planner.js";
import type { ExecutionPlan } from "@mm/types";

/** Worst-case room for new orders right now. Mutated by `reconcile` as it places. */
export interface PlaceBudget {
  /** micro-USDC: settled + unsettled outflows − every reservation. */
  freeCollateral: number;
  /** Per token: settled + unsettled outflows − every reservation (negative when a FAILED trade left a deficit). */
  readonly sellable: Map<TokenId, number>;
  /** Per token: max position − (position + every open BUY remaining). */
  readonly buyRoom: Map<TokenId, number>;
  /** Max gross − (YES + NO position + every open BUY remaining). */
  grossRoom: number;
  /** Max working notional − Σ notional of every open order. */
  notionalRoom: number;
}

export type DeferReason =
  /** Mode or market state forbids PLACE (STOP, RESYNC, COOLDOWN, market suspended). */
  | "placing_disabled"
  /** The same order was rejected by the venue for the current intent. */
  | "rejected_for_intent"
  /** Law H: a SELL of this token has a cancel in flight. */
  | "sell_cancel_pending"
  /** Settled unreserved inventory is held by orders still open (law E/G). */
  | "inventory_held"
  /** Free collateral is held by orders still open (law G). */
  | "collateral_held"
  /** Worst-case position / gross / notional room is held by orders still open. */
  | "risk_held";

export interface ReconcileInput {
  readonly plan: ExecutionPlan;
  /** This market's orders in PENDING_NEW, LIVE or PENDING_CANCEL (others are ignored). */
  readonly working: readonly WorkingOrder[];
  readonly minOrderSize: number;
  readonly undersizeTolerance: number;
  /**
   * Kept orders may exceed the planned size by this fraction (size jitter must not cost queue
   * position). Never for a SELL whose token's reservations already exceed its inventory.
   */
  readonly oversizeTolerance?: number;
  readonly budget: PlaceBudget;
  readonly placeAllowed: boolean;
  /** `token|side|price` keys the venue rejected for the current intent. */
  readonly blockedKeys?: ReadonlySet<string>;
}

/**
 * The Reconciler's answer. The arrays and `deferred` entries are reused: a result is valid until the
 * next `reconcile` call (the actor reads it within the pass that produced it and keeps nothing of it);
 * copy what must outlive it.
 */
export interface ReconcileResult {
  readonly cancels: WorkingOrder[];
  readonly places: PlannedOrder[];
  readonly kept: WorkingOrder[];
  /** PENDING_NEW orders that no longer fit: cancel once acked. */
  readonly awaitingAck: WorkingOrder[];
  readonly deferred: { readonly order: PlannedOrder; readonly reason: DeferReason }[];
}

export const orderKey = (tokenId: TokenId, side: Side, price: number): string => `${tokenId}|${side}|${price}`;

const remainingOf = (o: WorkingOrder): number => Math.max(0, o.originalSize - o.matchedSize);

/**
 * Scratch of `reconcile` (which stays pure: nothing survives a call, the output depends only on the
 * input). Synchronous and non-reentrant, so one set serves every call without allocating per call.
 */
/**
 * The per-token part of the budget (sellable, buy room) of the tokens this call touches (a market has
 * two), read once from the budget's maps and written back once at the end: a string-keyed map lookup
 * per check and per placement is most of a reconcile's cost.
 */
class TokenBudget {
  readonly tokens: (TokenId | undefined)[] = [];
  readonly sellable: number[] = [];
  readonly buyRoom: number[] = [];
  private readonly sellable0: number[] = [];
  private readonly buyRoom0: number[] = [];
  n = 0;
  index(budget: PlaceBudget, token: TokenId): number {
    for (let i = 0; i < this.n; i++) if (this.tokens[i] === token) return i;
    const i = this.n++;
    this.tokens[i] = token;
    const s = budget.sellable.get(token) ?? 0;
    const r = budget.buyRoom.get(token) ?? 0;
    this.sellable[i] = s;
    this.sellable0[i] = s;
    this.buyRoom[i] = r;
    this.buyRoom0[i] = r;
    return i;
  }
  /** Stores what changed (as the placements did one by one) and lets go of the tokens. */
  writeBack(budget: PlaceBudget): void {
    for (let i = 0; i < this.n; i++) {
      const t = this.tokens[i]!;
      if (this.sellable[i] !== this.sellable0[i]) budget.sellable.set(t, this.sellable[i]!);
      if (this.buyRoom[i] !== this.buyRoom0[i]) budget.buyRoom.set(t, this.buyRoom[i]!);
      this.tokens[i] = undefined;
    }
    this.n = 0;
  }
}
const tokenBudget = new TokenBudget();

let handledScratch = new Uint8Array(64);
let candScratch = new Int32Array(64);
let workKeys = new Float64Array(64);
let planKeys = new Float64Array(64);
/** Tokens of this call, for the numeric order keys (a market has two). */
const keyTokens: TokenId[] = [];

/**
 * (token, side, price) as one number, so the matching loops reject a non-matching pair with one
 * comparison instead of three (one of them a string). Equal numbers are confirmed field by field, so
 * a collision (an unexpected price) can only cost a comparison, never a wrong match.
 */
function keyOf(tokenId: TokenId, side: Side, price: number): number {
  let t = 0;
  while (t < keyTokens.length && keyTokens[t] !== tokenId) t++;
  if (t === keyTokens.length) keyTokens.push(tokenId);
  return (t * 2 + (side === "BUY" ? 0 : 1)) * 1_000_000 + price;
}
const sameKey = (a: { tokenId: TokenId; side: Side; price: number }, b: { tokenId: TokenId; side: Side; price: number }) =>
  a.price === b.price && a.side === b.side && a.tokenId === b.tokenId;
/** Tokens with a SELL being cancelled (law H) and the orders to place: small, usually empty. */
const sellCancelling: TokenId[] = [];
const gaps: PlannedOrder[] = [];

type MutableDeferred = { order: PlannedOrder; reason: DeferReason };
/** The reused result (see `ReconcileResult`) and a pool of `deferred` entries that grows to the largest call. */
const out: ReconcileResult = { cancels: [], places: [], kept: [], awaitingAck: [], deferred: [] };
const deferredPool: MutableDeferred[] = [];

/**
 * Empties a reused array. `length = 0` would drop its backing store (a new one on the next push, every
 * call); popping keeps it, and these arrays hold a handful of entries.
 */
function clear(a: unknown[]): void {
  while (a.length > 0) a.pop();
}

function defer(order: PlannedOrder, reason: DeferReason): void {
  const i = out.deferred.length;
  let d = deferredPool[i];
  if (d === undefined) {
    d = { order, reason };
    deferredPool.push(d);
  } else {
    d.order = order;
    d.reason = reason;
  }
  (out.deferred as MutableDeferred[]).push(d);
}

export function reconcile(input: ReconcileInput): ReconcileResult {
  const { plan, budget, minOrderSize, working } = input;
  const { cancels, places, kept, awaitingAck } = out;
  // What the previous call returned is no longer valid (see `ReconcileResult`); its deferred entries
  // are pooled and overwritten.
  clear(cancels);
  clear(places);
  clear(kept);
  clear(awaitingAck);
  clear(out.deferred);
  // Normally empty already (cleared on return); not if a previous call threw half-way.
  clear(sellCancelling);
  clear(gaps);
  // A handful of orders per market: linear scans over small arrays beat string-keyed maps here.
  const n = working.length;
  if (handledScratch.length < n) {
    handledScratch = new Uint8Array(n * 2);
    candScratch = new Int32Array(n * 2);
    workKeys = new Float64Array(n * 2);
  }
  const orders = plan.orders;
  if (planKeys.length < orders.length) planKeys = new Float64Array(orders.length * 2);
  const handled = handledScratch;
  const cands = candScratch;
  tokenBudget.n = 0;
  while (keyTokens.length > 0) keyTokens.pop();
  for (let i = 0; i < n; i++) {
    const o = working[i]!;
    handled[i] = 0;
    workKeys[i] = keyOf(o.tokenId, o.side, o.price);
  }
  for (let pi = 0; pi < orders.length; pi++) {
    const q = orders[pi]!;
    planKeys[pi] = keyOf(q.tokenId, q.side, q.price);
  }
  for (let i = 0; i < n; i++) {
    const o = working[i]!;
    if (o.state === "LIVE" || o.state === "PENDING_NEW") continue;
    handled[i] = 1;
    if (o.state === "PENDING_CANCEL" && o.side === "SELL" && !sellCancelling.includes(o.tokenId)) sellCancelling.push(o.tokenId);
  }

  for (let pi = 0; pi < orders.length; pi++) {
    const order = orders[pi]!;
    const key = planKeys[pi]!;
    // Planned size for this token/side/price (the planner emits unique keys; summing keeps this robust).
    let size = 0;
    let first = true;
    for (let pj = 0; pj < orders.length; pj++) {
      if (planKeys[pj] !== key) continue;
      const q = orders[pj]!;
      if (!sameKey(q, order)) continue;
      if (pj < pi) first = false;
      size += q.size;
    }
    if (!first) continue;
    // Resting candidates at this key (indices into `working`), oldest first (best queue position).
    let nc = 0;
    for (let i = 0; i < n; i++) {
      if (handled[i] === 1 || workKeys[i] !== key) continue;
      const o = working[i]!;
      if (!sameKey(o, order)) continue;
      handled[i] = 1;
      let k = nc++;
      while (k > 0 && working[cands[k - 1]!]!.createdAt > o.createdAt) {
        cands[k] = cands[k - 1]!;
        k--;
      }
      cands[k] = i;
    }
    let covered = 0;
    if (nc > 0) {
      const backed = order.side === "BUY" || tokenBudget.sellable[tokenBudget.index(budget, order.tokenId)]! >= 0;
      const allowed = size + (backed ? Math.floor(size * (input.oversizeTolerance ?? 0)) : 0);
      for (let c = 0; c < nc; c++) {
        const o = working[cands[c]!]!;
        const r = remainingOf(o);
        if (covered + r <= allowed) {
          covered += r;
          kept.push(o);
        } else drop(o, cancels, awaitingAck, sellCancelling);
      }
    }
    const gap = size - covered;
    if (gap < minOrderSize) continue;
    if (covered > 0 && gap <= input.undersizeTolerance * size) continue;
    // The order to place has exactly the gap as its size.
    gaps.push(covered > 0 || size !== order.size ? withSize(order, gap) : order);
  }
  for (let i = 0; i < n; i++) if (handled[i] !== 1) drop(working[i]!, cancels, awaitingAck, sellCancelling);

  // Places in plan order (best level first), each against the worst-case budget. Stable insertion
  // sort by level (a few entries, mostly in order already).
  for (let i = 1; i < gaps.length; i++) {
    const g = gaps[i]!;
    let k = i;
    while (k > 0 && gaps[k - 1]!.level > g.level) {
      gaps[k] = gaps[k - 1]!;
      k--;
    }
    gaps[k] = g;
  }
  for (let i = 0; i < gaps.length; i++) {
    const order = gaps[i]!;
    const gap = order.size;
    const t = tokenBudget.index(budget, order.tokenId);
    const reason = placeBlock(input, order, gap, sellCancelling, t);
    if (reason !== undefined) {
      defer(order, reason);
      continue;
    }
    if (order.side === "SELL") {
      tokenBudget.sellable[t] = tokenBudget.sellable[t]! - gap;
      budget.notionalRoom -= buyCost(order.price, gap);
    } else {
      const cost = buyCost(order.price, gap);
      budget.freeCollateral -= cost;
      budget.notionalRoom -= cost;
      tokenBudget.buyRoom[t] = tokenBudget.buyRoom[t]! - gap;
      budget.grossRoom -= gap;
    }
    places.push(order);
  }
  tokenBudget.writeBack(budget);
  // The scratch lists keep nothing of this call.
  clear(sellCancelling);
  clear(gaps);
  clear(keyTokens);
  return out;
}

/** A working order that no longer fits: cancel it (LIVE) or cancel it once acked (PENDING_NEW). */
function drop(o: WorkingOrder, cancels: WorkingOrder[], awaitingAck: WorkingOrder[], sellCancelling: TokenId[]): void {
  if (o.state === "LIVE") {
    cancels.push(o);
    if (o.side === "SELL" && !sellCancelling.includes(o.tokenId)) sellCancelling.push(o.tokenId);
  } else awaitingAck.push(o);
}

function withSize(o: PlannedOrder, size: number): PlannedOrder {
  return {
    tokenId: o.tokenId,
    outcome: o.outcome,
    side: o.side,
    price: o.price,
    size: size as PlannedOrder["size"],
    route: o.route,
    intentSide: o.intentSide,
    level: o.level,
  };
}

function placeBlock(
  input: ReconcileInput,
  order: PlannedOrder,
  size: number,
  sellCancelling: readonly TokenId[],
  t: number,
): DeferReason | undefined {
  const { budget } = input;
  if (!input.placeAllowed) return "placing_disabled";
  if (
    input.blockedKeys !== undefined &&
    input.blockedKeys.size > 0 &&
    input.blockedKeys.has(orderKey(order.tokenId, order.side, order.price))
  )
    return "rejected_for_intent";
  const notional = buyCost(order.price, size);
  if (order.side === "SELL") {
    if (sellCancelling.includes(order.tokenId)) return "sell_cancel_pending";
    if (size > tokenBudget.sellable[t]!) return "inventory_held";
    if (notional > budget.notionalRoom) return "risk_held";
    return undefined;
  }
  if (notional > budget.freeCollateral) return "collateral_held";
  if (size > tokenBudget.buyRoom[t]! || size > budget.grossRoom || notional > budget.notionalRoom) return "risk_held";
  return undefined;
}
