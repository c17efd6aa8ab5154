/**
 * Planner (pure): YES-space `DesiredQuoteSet` → legal token-space `PlannedOrder`s plus explicit
 * `Residual`s (law F). Plain synchronous integer code; no allocation beyond the output arrays.
 *
 * Rules, applied per intent level (bid 0, ask 0, bid 1, ask 1, … so the best levels of both sides get
 * first call on shared budgets):
 * 1. Round to the market's current tick in the direction that is never worse for us: bids down, asks
 *    up. A bid above 1 − tick is lowered to 1 − tick and an ask below tick is raised to tick (safe
 *    direction); a bid below tick or an ask above 1 − tick cannot be expressed → `price_out_of_range`.
 *    Levels that round onto the same price are merged. Levels that would cross our own other side are
 *    dropped (`price_out_of_range`): we never plan a self-trade.
 * 2. Sizes are floored to the size lot; the dust is a `below_min_size` residual.
 * 3. Reduce first: a YES ask is SELL YES @ p out of settled, unreserved YES (law E, `sellableSize`);
 *    the rest is BUY NO @ 1 − p. A YES bid is SELL NO @ 1 − p out of settled NO, the rest BUY YES @ p.
 *    One level may split across both routes; each part must itself reach the minimum order size,
 *    otherwise it becomes a residual (law F).
 * 4. BUYs need free collateral (settled + unsettled outflows − reservations) and fit the risk caps
 *    (position per token, gross YES+NO, working notional); what does not fit is a residual.
 *
 * "Reserved" in the input means held by orders this plan cannot reuse (orders being cancelled,
 * other markets): the executor counts its own resting orders of this market as reusable, because the
 * Reconciler keeps an order whose price and size still match.
 */
import {
  type CollateralPosition,
  type DesiredQuoteSet,
  type ExecutionPlan,
  type IntentSide,
  type MarketInfo,
  type Outcome,
  PRICE_SCALE,
  type PlannedOrder,
  type Price,
  type QuoteLevel,
  type Residual,
  type ResidualReason,
  roundToTick,
  type Size,
  freeCollateral,
  sellableSize,
  type TickSize,
  type TokenPosition,
} from "@mm/types";

export interface PlannerLimits {
  readonly maxPositionPerToken: number;
  readonly maxGrossPosition: number;
  readonly maxWorkingNotional: number;
  readonly sizeLot: number;
}

/** Exposure this plan cannot reuse: open BUY remaining (could still fill) and notional of such orders. */
export interface LockedExposure {
  readonly yesBuy: number;
  readonly noBuy: number;
  /** micro-USDC of open orders the plan cannot reuse (all markets). */
  readonly notional: number;
}

export interface PlannerInput {
  readonly intent: DesiredQuoteSet;
  readonly market: MarketInfo;
  readonly yes: TokenPosition;
  readonly no: TokenPosition;
  readonly collateral: CollateralPosition;
  readonly limits: PlannerLimits;
  readonly locked?: LockedExposure;
}

export interface PlanResult extends ExecutionPlan {
  /** Intent levels that were not numbers at all (NaN, negative, non-finite): ignored and counted. */
  readonly invalidLevels: number;
}

/** Collateral a BUY holds: price × size rounded up to whole micro-USDC. */
export const buyCost = (price: number, size: number): number => Math.ceil((price * size) / PRICE_SCALE);
/** Collateral a SELL brings: rounded down. */
export const sellProceeds = (price: number, size: number): number => Math.floor((price * size) / PRICE_SCALE);

const NO_LOCK: LockedExposure = { yesBuy: 0, noBuy: 0, notional: 0 };
const NO_ORDERS: PlannedOrder[] = [];
const NO_RESIDUALS: Residual[] = [];

/**
 * Mutable state of one `plan` call. `plan` is pure (its result depends only on its input and nothing
 * of a call survives it) and synchronous, so one module-level context and one set of level buffers
 * serve every call: no closures and no allocation beyond the result on this hot path.
 */
interface Ctx {
  market: MarketInfo | undefined;
  tick: TickSize;
  min: number;
  lot: number;
  maxPositionPerToken: number;
  maxGrossPosition: number;
  orders: PlannedOrder[];
  residuals: Residual[];
  invalidLevels: number;
  sellableYes: number;
  sellableNo: number;
  freeCollateral: number;
  posYes: number;
  posNo: number;
  lockedYes: number;
  lockedNo: number;
  plannedYes: number;
  plannedNo: number;
  notionalRoom: number;
}

const ctx: Ctx = {
  market: undefined,
  tick: 100,
  min: 0,
  lot: 1,
  maxPositionPerToken: 0,
  maxGrossPosition: 0,
  orders: NO_ORDERS,
  residuals: NO_RESIDUALS,
  invalidLevels: 0,
  sellableYes: 0,
  sellableNo: 0,
  freeCollateral: 0,
  posYes: 0,
  posNo: 0,
  lockedYes: 0,
  lockedNo: 0,
  plannedYes: 0,
  plannedNo: 0,
  notionalRoom: 0,
};

/** Merged levels of one side: YES price, size (lots), index of the first intent level merged in. */
class Levels {
  price = new Float64Array(16);
  size = new Float64Array(16);
  level = new Int32Array(16);
  n = 0;
  reserve(cap: number): void {
    if (this.price.length >= cap) return;
    this.price = new Float64Array(cap * 2);
    this.size = new Float64Array(cap * 2);
    this.level = new Int32Array(cap * 2);
  }
}
const bidLevels = new Levels();
const askLevels = new Levels();

function residual(side: IntentSide, price: Price, size: number, level: number, reason: ResidualReason): void {
  if (size > 0) ctx.residuals.push({ intentSide: side, price, size: size as Size, level, reason });
}

/** Validates, lot-floors, rounds (bids down, asks up), range-checks and merges one side's levels into `out`. */
function mergeSide(side: IntentSide, levels: readonly QuoteLevel[], out: Levels): void {
  const { tick, lot } = ctx;
  out.reserve(levels.length);
  out.n = 0;
  for (let i = 0; i < levels.length; i++) {
    const q = levels[i]!;
    const p = q.price as number;
    const s = q.size as number;
    if (!Number.isFinite(p) || !Number.isFinite(s) || s < 0 || p < 0 || p > PRICE_SCALE) {
      ctx.invalidLevels++;
      continue;
    }
    const lots = Math.floor(s / lot) * lot;
    residual(side, q.price, s - lots, i, "below_min_size");
    if (lots === 0) continue;
    let yp = roundToTick(p, tick, side === "BID" ? "down" : "up") as number;
    if (side === "BID") {
      if (yp > PRICE_SCALE - tick) yp = PRICE_SCALE - tick;
      if (yp < tick) {
        residual(side, q.price, lots, i, "price_out_of_range");
        continue;
      }
    } else {
      if (yp < tick) yp = tick;
      if (yp > PRICE_SCALE - tick) {
        residual(side, q.price, lots, i, "price_out_of_range");
        continue;
      }
    }
    let merged = false;
    for (let k = 0; k < out.n; k++) {
      if (out.price[k] === yp) {
        out.size[k] = out.size[k]! + lots;
        merged = true;
        break;
      }
    }
    if (!merged) {
      const k = out.n++;
      out.price[k] = yp;
      out.size[k] = lots;
      out.level[k] = i;
    }
  }
}

/** Drops the side's levels that would cross our own other side (`price_out_of_range`), keeping order. */
function dropCrossing(side: IntentSide, levels: Levels, bound: number): void {
  let kept = 0;
  for (let k = 0; k < levels.n; k++) {
    const p = levels.price[k]!;
    if (side === "BID" ? p < bound : p > bound) {
      levels.price[kept] = p;
      levels.size[kept] = levels.size[k]!;
      levels.level[kept] = levels.level[k]!;
      kept++;
    } else residual(side, p as Price, levels.size[k]!, levels.level[k]!, "price_out_of_range");
  }
  levels.n = kept;
}

/** Reduce-first routing of one merged level across the SELL and BUY routes. */
function route(side: IntentSide, yesPrice: Price, size: number, level: number): void {
  const { min, lot } = ctx;
  const market = ctx.market!;
  if (size < min) {
    residual(side, yesPrice, size, level, "below_min_size");
    return;
  }
  const ask = side === "ASK";
  // A YES ask sells YES (or buys NO); a YES bid sells NO (or buys YES).
  const sellOutcome: Outcome = ask ? "YES" : "NO";
  const buyOutcome: Outcome = ask ? "NO" : "YES";
  const sellPrice = (ask ? yesPrice : PRICE_SCALE - yesPrice) as Price;
  const buyPrice = (ask ? PRICE_SCALE - yesPrice : yesPrice) as Price;

  // Reduce first: SELL out of settled, unreserved inventory (law E).
  const sellable = ask ? ctx.sellableYes : ctx.sellableNo;
  const sellByNotional = floorLot(Math.floor((ctx.notionalRoom * PRICE_SCALE) / sellPrice), lot);
  let sellPart = Math.min(size, sellable, sellByNotional);
  if (sellPart < min) sellPart = 0;
  if (sellPart > 0) {
    ctx.orders.push(order(market, sellOutcome, "SELL", sellPrice, sellPart, side, level));
    if (ask) ctx.sellableYes -= sellPart;
    else ctx.sellableNo -= sellPart;
    ctx.notionalRoom -= buyCost(sellPrice, sellPart);
  }
  const rest = size - sellPart;
  if (rest === 0) return;
  if (rest < min) {
    // Only possible after a SELL part: the remainder alone is not a legal order (law F).
    residual(side, yesPrice, rest, level, "below_min_size");
    return;
  }
  // The rest goes through the BUY route of the complementary token.
  const byCollateral = floorLot(Math.floor((ctx.freeCollateral * PRICE_SCALE) / buyPrice), lot);
  const exposure = buyOutcome === "YES" ? ctx.posYes + ctx.lockedYes + ctx.plannedYes : ctx.posNo + ctx.lockedNo + ctx.plannedNo;
  const byPosition = ctx.maxPositionPerToken - exposure;
  const byGross = ctx.maxGrossPosition - ctx.posYes - ctx.posNo - ctx.lockedYes - ctx.lockedNo - ctx.plannedYes - ctx.plannedNo;
  const byNotional = floorLot(Math.floor((ctx.notionalRoom * PRICE_SCALE) / buyPrice), lot);
  const byRisk = floorLot(Math.max(0, Math.min(byPosition, byGross, byNotional)), lot);
  let buyPart = Math.min(rest, byCollateral, byRisk);
  if (buyPart < min) buyPart = 0;
  if (buyPart > 0) {
    ctx.orders.push(order(market, buyOutcome, "BUY", buyPrice, buyPart, side, level));
    const cost = buyCost(buyPrice, buyPart);
    ctx.freeCollateral -= cost;
    ctx.notionalRoom -= cost;
    if (buyOutcome === "YES") ctx.plannedYes += buyPart;
    else ctx.plannedNo += buyPart;
  }
  const left = rest - buyPart;
  // left > 0 only when collateral or a risk cap bound (both ≥ rest would have bought it all).
  if (left > 0) residual(side, yesPrice, left, level, byCollateral <= byRisk ? "insufficient_collateral" : "risk_limit");
}

export function plan(input: PlannerInput): PlanResult {
  const { intent, market, limits } = input;
  const locked = input.locked ?? NO_LOCK;
  const lot = limits.sizeLot;
  const orders: PlannedOrder[] = [];
  const residuals: Residual[] = [];
  ctx.market = market;
  ctx.tick = market.tickSize;
  ctx.min = market.minOrderSize;
  ctx.lot = lot;
  ctx.maxPositionPerToken = limits.maxPositionPerToken;
  ctx.maxGrossPosition = limits.maxGrossPosition;
  ctx.orders = orders;
  ctx.residuals = residuals;
  ctx.invalidLevels = 0;
  ctx.sellableYes = floorLot(sellableSize(input.yes), lot);
  ctx.sellableNo = floorLot(sellableSize(input.no), lot);
  ctx.freeCollateral = freeCollateral(input.collateral);
  ctx.posYes = Math.max(0, input.yes.settled + input.yes.pending);
  ctx.posNo = Math.max(0, input.no.settled + input.no.pending);
  ctx.lockedYes = locked.yesBuy;
  ctx.lockedNo = locked.noBuy;
  ctx.plannedYes = 0;
  ctx.plannedNo = 0;
  ctx.notionalRoom = Math.max(0, limits.maxWorkingNotional - locked.notional);
  const invalidLevels = planLevels(intent);
  // Nothing of this call stays reachable from the module-level context.
  ctx.market = undefined;
  ctx.orders = NO_ORDERS;
  ctx.residuals = NO_RESIDUALS;
  return {
    conditionId: intent.conditionId,
    intentSeq: intent.seq,
    tickSize: market.tickSize,
    orders,
    residuals,
    invalidLevels,
  };
}

/** Merges, un-crosses and routes the intent's levels into `ctx`; returns the invalid level count. */
function planLevels(intent: DesiredQuoteSet): number {
  const bids = bidLevels;
  const asks = askLevels;
  mergeSide("BID", intent.bids, bids);
  mergeSide("ASK", intent.asks, asks);

  // Never plan a self-cross: drop bids at/above our best ask and asks at/below our best bid.
  let bestBid = -1;
  let bestAsk = PRICE_SCALE + 1;
  for (let k = 0; k < bids.n; k++) if (bids.price[k]! > bestBid) bestBid = bids.price[k]!;
  for (let k = 0; k < asks.n; k++) if (asks.price[k]! < bestAsk) bestAsk = asks.price[k]!;
  dropCrossing("BID", bids, bestAsk);
  dropCrossing("ASK", asks, bestBid);

  // Best levels of both sides first: bid 0, ask 0, bid 1, ask 1, …
  const n = Math.max(bids.n, asks.n);
  for (let i = 0; i < n; i++) {
    if (i < bids.n) route("BID", bids.price[i]! as Price, bids.size[i]!, bids.level[i]!);
    if (i < asks.n) route("ASK", asks.price[i]! as Price, asks.size[i]!, asks.level[i]!);
  }
  return ctx.invalidLevels;
}

function floorLot(x: number, lot: number): number {
  return x <= 0 ? 0 : Math.floor(x / lot) * lot;
}

function order(
  market: MarketInfo,
  outcome: Outcome,
  side: "BUY" | "SELL",
  price: Price,
  size: number,
  intentSide: IntentSide,
  level: number,
): PlannedOrder {
  return {
    tokenId: outcome === "YES" ? market.yes.tokenId : market.no.tokenId,
    outcome,
    side,
    price,
    size: size as Size,
    route: outcome === "YES" ? "direct" : "complement",
    intentSide,
    level,
  };
}
