/** Orders as the core tracks them, and the venue's order vocabulary. */
import type { ConditionId, OrderId, TokenId } from "./ids.js";
import type { Side } from "./market.js";
import type { Price, Size, TickSize } from "./numbers.js";

/** GTC rests; GTD rests until `expiration` (venue adds a ~60 s security threshold); FOK all-or-nothing now; FAK fill-and-kill. */
export type OrderType = "GTC" | "GTD" | "FOK" | "FAK";

/** Everything the gateway needs to build, sign and send one order. */
export interface OrderRequest {
  /** Our key for the order until the venue assigns its id (unique per process run). */
  readonly clientOrderId: string;
  readonly conditionId: ConditionId;
  readonly tokenId: TokenId;
  readonly side: Side;
  readonly price: Price;
  readonly size: Size;
  readonly orderType: OrderType;
  /** Only with GTC/GTD: rejected instead of crossing the book. */
  readonly postOnly: boolean;
  /** GTD expiry, unix seconds (already including the venue's threshold). */
  readonly expiration?: number;
  /** The market's tick when the order was planned (the gateway's amount rounding depends on it). */
  readonly tickSize: TickSize;
  readonly negRisk: boolean;
}

/** The executor's view of one of our orders. */
export type WorkingOrderState =
  /** PLACE submitted, no ack yet. Its reservation is held. */
  | "PENDING_NEW"
  /** Acked and resting (possibly partially filled). */
  | "LIVE"
  /** CANCEL submitted, no ack yet. Its reservation is still held (law G); fills may still arrive. */
  | "PENDING_CANCEL"
  | "FILLED"
  | "CANCELED"
  | "REJECTED";

export interface WorkingOrder {
  readonly clientOrderId: string;
  /** Known once acked (it is the EIP-712 hash, so the gateway may also know it before). */
  readonly orderId?: OrderId;
  readonly conditionId: ConditionId;
  readonly tokenId: TokenId;
  readonly side: Side;
  readonly price: Price;
  readonly originalSize: Size;
  readonly matchedSize: Size;
  readonly state: WorkingOrderState;
  /** Epoch ms the PLACE was submitted. */
  readonly createdAt: number;
}

/** An open order as the venue reports it over REST (used by RESYNC). */
export interface VenueOpenOrder {
  readonly orderId: OrderId;
  readonly conditionId: ConditionId;
  readonly tokenId: TokenId;
  readonly side: Side;
  readonly price: Price;
  readonly originalSize: Size;
  readonly sizeMatched: Size;
  /** Raw venue status ("LIVE", …). */
  readonly status: string;
  readonly orderType: OrderType;
  /** Epoch ms. */
  readonly createdAt: number;
}

export const remainingSize = (o: { readonly originalSize: Size; readonly matchedSize: Size }): Size =>
  Math.max(0, o.originalSize - o.matchedSize) as Size;
