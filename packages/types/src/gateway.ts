/**
 * The `OrderGateway` port: the only way the core talks to the venue. Actions go in through
 * `submit` (never blocks, never calls back synchronously); results come back as messages posted to
 * the mailbox the gateway was built with (the executor's), so the executor stays the single writer.
 */
import type { ConditionId, OrderId } from "./ids.js";
import type { UserFillEvent } from "./events.js";
import type { Size, Usdc } from "./numbers.js";
import type { OrderRequest, VenueOpenOrder } from "./orders.js";

export type ActionId = number;

export interface PlaceAction {
  readonly kind: "PLACE";
  readonly actionId: ActionId;
  readonly order: OrderRequest;
}

export interface CancelAction {
  readonly kind: "CANCEL";
  readonly actionId: ActionId;
  readonly orderId: OrderId;
  readonly clientOrderId: string;
}

/** Safety interrupt (law C): jumps the queue, clears queued PLACEs, never rate-limited. */
export interface CancelAllAction {
  readonly kind: "CANCEL_ALL";
  readonly actionId: ActionId;
  readonly reason: string;
}

/** Read the venue's truth for RESYNC: open orders and our fills since a watermark. */
export interface SyncAction {
  readonly kind: "SYNC";
  readonly actionId: ActionId;
  readonly conditionIds: readonly ConditionId[];
  /** Fetch trades at or after this time, unix seconds. */
  readonly tradesSince: number;
}

export type GatewayAction = PlaceAction | CancelAction | CancelAllAction | SyncAction;

/** Classified venue rejections, so the executor can react without parsing texts. */
export type RejectReason =
  | "tick_size"
  | "min_size"
  | "invalid_price"
  | "balance"
  | "post_only_cross"
  | "duplicate"
  | "cancel_only"
  | "trading_disabled"
  | "market_not_ready"
  /** This market no longer accepts orders (closed or resolved); other markets are unaffected. */
  | "market_closed"
  | "expiration"
  | "fok_not_filled"
  | "fak_no_match"
  | "auth"
  | "rate_limited"
  | "not_found"
  | "invalid_order"
  | "server_error"
  /** Never sent to the venue (cleared by a CANCEL_ALL, or the gateway closed first): certainly not there. */
  | "not_sent"
  | "unknown";

/** Venue status of an accepted order: resting, filled on entry, held (sports delay), or placed after a failed delay. */
export type VenueOrderStatus = "live" | "matched" | "delayed" | "unmatched";

export interface PlaceAck {
  readonly kind: "PLACE_ACK";
  readonly actionId: ActionId;
  readonly clientOrderId: string;
  readonly orderId: OrderId;
  readonly venueStatus: VenueOrderStatus;
  readonly at: number;
}

export interface PlaceReject {
  readonly kind: "PLACE_REJECT";
  readonly actionId: ActionId;
  readonly clientOrderId: string;
  /** Set when the venue named an id (e.g. FAK no-match) or the hash was computed before sending. */
  readonly orderId?: OrderId;
  readonly reason: RejectReason;
  readonly message: string;
  readonly at: number;
}

/** `canceled: false` means the venue did not cancel it (typically "already canceled or matched"). */
export interface CancelAck {
  readonly kind: "CANCEL_ACK";
  readonly actionId: ActionId;
  readonly orderId: OrderId;
  readonly clientOrderId: string;
  readonly canceled: boolean;
  readonly reason?: string;
  readonly at: number;
}

export interface CancelAllAck {
  readonly kind: "CANCEL_ALL_ACK";
  readonly actionId: ActionId;
  readonly canceled: readonly OrderId[];
  readonly at: number;
}

/** The venue's state after a SYNC: everything the executor needs to rebuild its view. */
export interface SyncResult {
  readonly kind: "SYNC_RESULT";
  readonly actionId: ActionId;
  readonly openOrders: readonly VenueOpenOrder[];
  /** Our fills (all legs, any status) at or after the requested watermark. */
  readonly fills: readonly UserFillEvent[];
  /** Wallet balances when available: collateral and per-token settled shares. */
  readonly balances?: { readonly collateral: Usdc; readonly tokens: Readonly<Record<string, Size>> };
  readonly at: number;
}

/**
 * The action may or may not have executed (timeout with no answer, and the venue could not be
 * asked). The executor must treat affected state as unknown and RESYNC.
 */
export interface OutcomeUnknown {
  readonly kind: "OUTCOME_UNKNOWN";
  readonly actionId: ActionId;
  readonly action: GatewayAction;
  readonly cause: string;
  readonly at: number;
}

/** A non-PLACE action failed definitively (after the retries policy allowed), nothing executed. */
export interface ActionFailed {
  readonly kind: "ACTION_FAILED";
  readonly actionId: ActionId;
  readonly action: GatewayAction;
  readonly reason: RejectReason;
  readonly message: string;
  readonly at: number;
}

/** The venue's dead-man heartbeat chain broke: the venue has (or will have) cancelled every order. */
export interface HeartbeatLapsed {
  readonly kind: "HEARTBEAT_LAPSED";
  readonly detail: string;
  readonly at: number;
}

export type GatewayResult =
  | PlaceAck
  | PlaceReject
  | CancelAck
  | CancelAllAck
  | SyncResult
  | OutcomeUnknown
  | ActionFailed
  | HeartbeatLapsed;

/** Where results are delivered: a mailbox, never a callback into the receiver's state. */
export interface Mailbox<T> {
  post(message: T): void;
}

export interface OrderGateway {
  /** Enqueue an action. Never throws for venue reasons and never invokes the result sink synchronously. */
  submit(action: GatewayAction): void;
}
