/**
 * User-channel (and REST trade) messages → @mm/types `UserOrderEvent` / `UserFillEvent`, picking
 * OUR legs of a trade (POLYMARKET.md §3.3, GOTCHAS 31–34):
 * - `trader_side: TAKER`: our leg is the taker order (top-level asset/side/price/size), plus any
 *   maker leg that is also ours (self-cross).
 * - `trader_side: MAKER`: the top-level fields describe the taker; our legs are the
 *   `maker_orders[]` whose `owner` is our API key or whose `maker_address` is one of our funders.
 *   Several of our orders can fill in one message. A maker leg's side is `maker_orders[].side` when
 *   present, else inferred: opposite of the taker on the same token, SAME as the taker on the
 *   complementary token (cross-asset mint/merge).
 * - Status MATCHED_NOT_BROADCASTED → MATCHED; `TRADE_STATUS_X` → X.
 */
import {
  ok,
  type OrderType,
  parseConditionId,
  parseOrderId,
  parseTokenId,
  parseTradeId,
  type Result,
  type Side,
  type TradeStatus,
  type TradeId,
  type ConditionId,
  type OrderId,
  type TokenId,
  type UserFillEvent,
  type UserOrderEvent,
} from "@mm/types";
import type { MakerLeg, UserOrderMessage, UserTradeMessage } from "../decode/events.js";
import { type NormalizeError, normErr } from "./errors.js";

/** Who "we" are on the user channel. At least one of the two must be given to find maker legs. */
export interface OwnIdentity {
  /** Our API key (the `owner` of our orders). */
  readonly apiKey?: string;
  /** Our funder / maker addresses (compared case-insensitively). */
  readonly makerAddresses?: readonly string[];
}

const ORDER_TYPES: readonly string[] = ["GTC", "GTD", "FOK", "FAK"];

export function parseOrderType(v: string | undefined): OrderType | undefined {
  return v !== undefined && ORDER_TYPES.includes(v) ? (v as OrderType) : undefined;
}

/** `UserOrderMessage` → `UserOrderEvent` with validated ids. */
export function normalizeUserOrder(m: UserOrderMessage): Result<UserOrderEvent, NormalizeError> {
  const orderId = parseOrderId(m.id);
  if (!orderId.ok) return normErr("invalid_id", `order id: ${orderId.error.reason}`);
  const cid = parseConditionId(m.market);
  if (!cid.ok) return normErr("invalid_id", `market: ${cid.error.reason}`);
  const tid = parseTokenId(m.assetId);
  if (!tid.ok) return normErr("invalid_id", `asset_id: ${tid.error.reason}`);
  const orderType = parseOrderType(m.orderType);
  return ok({
    kind: "order",
    eventType: m.eventType,
    orderId: orderId.value,
    conditionId: cid.value,
    tokenId: tid.value,
    side: m.side,
    price: m.price,
    originalSize: m.originalSize,
    sizeMatched: m.sizeMatched,
    status: m.status,
    ...(m.cancelReason !== undefined ? { cancelReason: m.cancelReason } : {}),
    ...(orderType !== undefined ? { orderType } : {}),
    timestamp: m.timestamp,
  });
}

function isOurs(leg: MakerLeg, id: OwnIdentity, addrs: readonly string[]): boolean {
  if (id.apiKey !== undefined && leg.owner === id.apiKey) return true;
  return leg.makerAddress !== undefined && addrs.includes(leg.makerAddress.toLowerCase());
}

/** Side of a maker leg: explicit when the venue sends it, else inferred from the taker. */
export function makerLegSide(trade: Pick<UserTradeMessage, "assetId" | "side">, leg: MakerLeg): Side {
  if (leg.side !== undefined) return leg.side;
  if (leg.assetId === trade.assetId) return trade.side === "BUY" ? "SELL" : "BUY";
  return trade.side;
}

/**
 * One fill event, written out as a literal: a `{ ...base, orderId }` spread of a fresh object leaves
 * garbage in old space on Node 20 (mark-compacts under a steady fill flow; see the executor's G4 bench).
 */
function fillEvent(
  m: UserTradeMessage,
  status: TradeStatus,
  tradeId: TradeId,
  conditionId: ConditionId,
  orderId: OrderId,
  tokenId: TokenId,
  side: Side,
  price: UserFillEvent["price"],
  size: UserFillEvent["size"],
  role: UserFillEvent["role"],
  feeRateBps: number,
): UserFillEvent {
  return {
    kind: "fill",
    tradeId,
    conditionId,
    status,
    matchTime: m.matchTime,
    timestamp: m.timestamp,
    orderId,
    tokenId,
    side,
    price,
    size,
    role,
    feeRateBps,
  };
}

/**
 * OUR fills in one trade message, one per (tradeId, orderId). Returns an error when the message is
 * malformed, has an unknown status, or says we were MAKER but no leg matches our identity.
 */
export function userFillsFromTrade(m: UserTradeMessage, given: OwnIdentity): Result<UserFillEvent[], NormalizeError> {
  // An empty key or address must never match the empty owner of a malformed leg.
  const identity: OwnIdentity = {
    ...(given.apiKey ? { apiKey: given.apiKey } : {}),
    makerAddresses: (given.makerAddresses ?? []).filter((a) => a.length > 0),
  };
  if (m.status === undefined) return normErr("unknown_status", `trade status ${JSON.stringify(m.rawStatus.slice(0, 40))}`);
  const tradeId = parseTradeId(m.id);
  if (!tradeId.ok) return normErr("invalid_id", `trade id: ${tradeId.error.reason}`);
  const cid = parseConditionId(m.market);
  if (!cid.ok) return normErr("invalid_id", `market: ${cid.error.reason}`);
  const addrs = (identity.makerAddresses ?? []).map((a) => a.toLowerCase());
  const haveIdentity = identity.apiKey !== undefined || addrs.length > 0;
  const fills: UserFillEvent[] = [];

  // trader_side absent (old payloads): our maker legs if any match, else the taker leg if it is ours.
  const anyOwnLeg = haveIdentity && m.makerOrders.some((l) => isOurs(l, identity, addrs));
  const takerIsOurs =
    m.traderSide === "TAKER" ||
    (m.traderSide === undefined &&
      !anyOwnLeg &&
      ((identity.apiKey !== undefined && (m.tradeOwner === identity.apiKey || m.owner === identity.apiKey)) ||
        (m.makerAddress !== undefined && addrs.includes(m.makerAddress.toLowerCase()))));
  if (takerIsOurs) {
    const oid = parseOrderId(m.takerOrderId);
    if (!oid.ok) return normErr("invalid_id", `taker_order_id: ${oid.error.reason}`);
    const tid = parseTokenId(m.assetId);
    if (!tid.ok) return normErr("invalid_id", `asset_id: ${tid.error.reason}`);
    fills.push(fillEvent(m, m.status, tradeId.value, cid.value, oid.value, tid.value, m.side, m.price, m.size, "TAKER", m.feeRateBps));
  }
  if (m.traderSide === "MAKER" && !haveIdentity)
    return normErr("no_identity", "trader_side MAKER: need our API key or maker address to find our legs");
  if (haveIdentity && (m.traderSide !== undefined || anyOwnLeg)) {
    // With trader_side TAKER a leg can still be ours (self-cross); otherwise these are our maker fills.
    for (let i = 0; i < m.makerOrders.length; i++) {
      const leg = m.makerOrders[i]!;
      if (!isOurs(leg, identity, addrs)) continue;
      const oid = parseOrderId(leg.orderId);
      if (!oid.ok) return normErr("invalid_id", `maker_orders[${i}].order_id: ${oid.error.reason}`);
      const tid = parseTokenId(leg.assetId);
      if (!tid.ok) return normErr("invalid_id", `maker_orders[${i}].asset_id: ${tid.error.reason}`);
      fills.push(
        fillEvent(
          m,
          m.status,
          tradeId.value,
          cid.value,
          oid.value,
          tid.value,
          makerLegSide(m, leg),
          leg.price,
          leg.matchedAmount,
          "MAKER",
          leg.feeRateBps,
        ),
      );
    }
  }
  if (m.traderSide === "MAKER" && fills.length === 0)
    return normErr("no_own_leg", `trade ${m.id}: trader_side MAKER but no maker leg is ours`);
  return ok(fills);
}

/**
 * All user-channel events of one decoded frame as @mm/types events, in wire order: each `order` →
 * one `UserOrderEvent`, each `trade` → OUR `UserFillEvent`s. Market events are ignored; records
 * that do not normalize are returned with their reason (log them: a lost user event matters).
 */
export function userEventsFromFrame(
  events: readonly { readonly kind: string }[],
  identity: OwnIdentity,
): { readonly events: (UserOrderEvent | UserFillEvent)[]; readonly errors: NormalizeError[] } {
  const out: (UserOrderEvent | UserFillEvent)[] = [];
  const errors: NormalizeError[] = [];
  for (const e of events) {
    if (e.kind === "user_order") {
      const r = normalizeUserOrder(e as UserOrderMessage);
      if (r.ok) out.push(r.value);
      else errors.push(r.error);
    } else if (e.kind === "user_trade") {
      const r = userFillsFromTrade(e as UserTradeMessage, identity);
      if (r.ok) out.push(...r.value);
      else errors.push(r.error);
    }
  }
  return { events: out, errors };
}
