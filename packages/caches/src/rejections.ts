/**
 * Why a frame was refused. A refused frame changes nothing (updates are atomic per frame); the
 * store counts it by reason and keeps the latest one for logging.
 */
import type { TokenId } from "@mm/types";

export type BookRejectReason =
  /** Price is not an integer strictly inside (0, 1) in price units. */
  | "price_out_of_range"
  /** Price is not a multiple of the book's tick size. */
  | "off_grid"
  /** Size is not a safe non-negative integer of micro-shares (NaN, negative, fractional, huge). */
  | "bad_size"
  /** Side is neither "BID" nor "ASK". */
  | "bad_side"
  /** The same price appears twice on one side of a snapshot. */
  | "duplicate_level"
  /** Not a supported tick size. */
  | "bad_tick_size"
  /** The frame's venue timestamp is older than what the book already reflects. */
  | "out_of_order"
  /** A snapshot or tick change for a token the store does not know (and no tick size to create it). */
  | "unknown_token"
  /** A timestamp argument is not a finite non-negative number. */
  | "bad_timestamp";

export const BOOK_REJECT_REASONS: readonly BookRejectReason[] = [
  "price_out_of_range",
  "off_grid",
  "bad_size",
  "bad_side",
  "duplicate_level",
  "bad_tick_size",
  "out_of_order",
  "unknown_token",
  "bad_timestamp",
];

export type FrameKind = "snapshot" | "levels" | "tick_size";

/** A refused frame, for logs: which token, which entry (index in the frame, -1 if not a level), why. */
export interface BookRejection {
  readonly kind: FrameKind;
  readonly reason: BookRejectReason;
  readonly tokenId: TokenId;
  /** Index of the offending level in the frame's input (bids first, then asks, for snapshots). */
  readonly index: number;
  readonly price?: unknown;
  readonly size?: unknown;
}
