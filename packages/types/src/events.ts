/**
 * Authoritative user events (normalized from the venue's user channel or REST), the trade status
 * lifecycle, and inventory / reservation vocabulary.
 */
import type { ConditionId, OrderId, TokenId, TradeId } from "./ids.js";
import type { Side } from "./market.js";
import type { Price, Size, Usdc } from "./numbers.js";
import type { OrderType } from "./orders.js";

/**
 * Trade settlement lifecycle: MATCHED → MINED → CONFIRMED (terminal success); on chain trouble
 * RETRYING → MINED/CONFIRMED or FAILED (terminal, the fill is void and must be reversed).
 * The V2 provisional `MATCHED_NOT_BROADCASTED` is normalized to MATCHED.
 */
export type TradeStatus = "MATCHED" | "MINED" | "CONFIRMED" | "RETRYING" | "FAILED";
export const TRADE_STATUSES: readonly TradeStatus[] = ["MATCHED", "MINED", "CONFIRMED", "RETRYING", "FAILED"];

/** When a fill's tokens count as settled (law E): MINED by default, CONFIRMED when configured stricter. */
export type SettlementThreshold = "MINED" | "CONFIRMED";

/** True when a fill in `status` is settled under `threshold`. MATCHED and RETRYING are pending; FAILED never settles. */
export function isSettledStatus(status: TradeStatus, threshold: SettlementThreshold): boolean {
  if (status === "CONFIRMED") return true;
  return status === "MINED" && threshold === "MINED";
}

export const isTerminalStatus = (status: TradeStatus): boolean => status === "CONFIRMED" || status === "FAILED";

/**
 * Progress rank for idempotent handling of duplicated / reordered status updates: a message whose
 * rank is not higher than what was applied is a no-op. FAILED outranks everything (it can arrive
 * after MINED and must still reverse); CONFIRMED outranks the non-failure states.
 */
export function tradeStatusRank(status: TradeStatus): number {
  switch (status) {
    case "MATCHED":
      return 1;
    case "RETRYING":
      return 2;
    case "MINED":
      return 3;
    case "CONFIRMED":
      return 4;
    case "FAILED":
      return 5;
  }
}

export type OrderEventType = "PLACEMENT" | "UPDATE" | "CANCELLATION";

/** The venue's `order` event, normalized. */
export interface UserOrderEvent {
  readonly kind: "order";
  readonly eventType: OrderEventType;
  readonly orderId: OrderId;
  readonly conditionId: ConditionId;
  readonly tokenId: TokenId;
  readonly side: Side;
  readonly price: Price;
  readonly originalSize: Size;
  readonly sizeMatched: Size;
  /** Raw status: LIVE, MATCHED, CANCELED, INVALID, CANCELED_<reason>, … */
  readonly status: string;
  /** For `CANCELED_<reason>` statuses, the reason text. */
  readonly cancelReason?: string;
  readonly orderType?: OrderType;
  /** Epoch ms. */
  readonly timestamp: number;
}

/** One of OUR legs of a venue trade. A trade message can carry several; the key is (tradeId, orderId). */
export interface UserFillEvent {
  readonly kind: "fill";
  readonly tradeId: TradeId;
  /** Our order that filled. */
  readonly orderId: OrderId;
  readonly conditionId: ConditionId;
  /** The token OUR leg traded (for cross-asset maker legs this differs from the taker's token). */
  readonly tokenId: TokenId;
  /** OUR side. */
  readonly side: Side;
  /** OUR execution price. */
  readonly price: Price;
  readonly size: Size;
  readonly status: TradeStatus;
  readonly role: "MAKER" | "TAKER";
  /** Fee rate in bps as the venue reported it (informational). */
  readonly feeRateBps: number;
  /** Match time, epoch ms. */
  readonly matchTime: number;
  /** Time of this status update, epoch ms. */
  readonly timestamp: number;
}

export const fillKey = (f: { readonly tradeId: TradeId; readonly orderId: OrderId }): string => `${f.tradeId}:${f.orderId}`;

/** The user feed lost continuity: the venue will not replay what was missed. */
export interface ResyncNeededEvent {
  readonly kind: "resync_needed";
  readonly reason: string;
  readonly timestamp: number;
}

export type UserEvent = UserOrderEvent | UserFillEvent | ResyncNeededEvent;

/**
 * Token inventory per token id. `settled` is in the wallet (MINED/CONFIRMED per threshold);
 * `pending` is the signed net of unsettled fills (BUYs add, SELLs subtract), for exposure and
 * display. `pendingOut` is the unsettled SELL side alone: it is never netted against unsettled
 * BUYs, because the venue does not count unmined purchases as available (law E).
 * Only settled, unreserved inventory may back a SELL.
 */
export interface TokenPosition {
  readonly tokenId: TokenId;
  readonly settled: Size;
  /** Signed micro-shares: unsettled BUY fills minus unsettled SELL fills. */
  readonly pending: number;
  /** Micro-shares sold by fills that are not yet settled (≥ 0). */
  readonly pendingOut: Size;
  /** Held by open SELL orders (released on cancel ACK or fill, law G). */
  readonly reserved: Size;
}

export interface CollateralPosition {
  readonly settled: Usdc;
  /** Signed micro-USDC of unsettled fills (SELL proceeds add, BUY costs subtract). */
  readonly pending: number;
  /** Micro-USDC spent by BUY fills that are not yet settled (≥ 0); never offset by unsettled proceeds. */
  readonly pendingOut: Usdc;
  /** Held by open BUY orders. */
  readonly reserved: Usdc;
}

/** Shares a SELL may use right now: settled, minus what unsettled SELLs already took, minus reservations. */
export function sellableSize(p: TokenPosition): Size {
  return Math.max(0, p.settled - p.pendingOut - p.reserved) as Size;
}

/** Collateral a BUY may use right now: settled, minus unsettled spend, minus reservations (proceeds count only once settled). */
export function freeCollateral(c: CollateralPosition): Usdc {
  return Math.max(0, c.settled - c.pendingOut - c.reserved) as Usdc;
}

/** What one open order holds back. BUY orders hold collateral, SELL orders hold tokens. */
export interface Reservation {
  readonly clientOrderId: string;
  readonly asset: "COLLATERAL" | TokenId;
  /** micro-USDC for collateral, micro-shares for tokens. */
  readonly amount: number;
}
