/**
 * ADVISORY book-summary hash (POLYMARKET.md §2.11, py-clob-client #232): SHA-1 hex of compact JSON
 * with the key order market, asset_id, timestamp, hash (""), bids, asks, min_order_size,
 * tick_size, neg_risk, last_trade_price; values exactly as received strings. The venue has changed
 * the formula before and WS `book` frames lack fields it needs, so use this only as a consistency
 * hint (and in the simulator to emit self-consistent hashes) — never to reject data.
 */
import { createHash } from "node:crypto";

export interface BookSummaryHashInput {
  readonly market: string;
  readonly asset_id: string;
  readonly timestamp: string;
  readonly bids: readonly { readonly price: string; readonly size: string }[];
  readonly asks: readonly { readonly price: string; readonly size: string }[];
  readonly min_order_size: string;
  readonly tick_size: string;
  readonly neg_risk: boolean;
  readonly last_trade_price: string;
}

const levels = (ls: BookSummaryHashInput["bids"]) => ls.map((l) => ({ price: l.price, size: l.size }));

export function bookSummaryHash(b: BookSummaryHashInput): string {
  const canonical = JSON.stringify({
    market: b.market,
    asset_id: b.asset_id,
    timestamp: b.timestamp,
    hash: "",
    bids: levels(b.bids),
    asks: levels(b.asks),
    min_order_size: b.min_order_size,
    tick_size: b.tick_size,
    neg_risk: b.neg_risk,
    last_trade_price: b.last_trade_price,
  });
  return createHash("sha1").update(canonical, "utf8").digest("hex");
}

/**
 * Advisory check of a received summary's `hash`: "match", "mismatch", or "unverifiable" when the
 * fields the formula needs are missing (always the case for WS `book` frames).
 */
export function checkBookSummaryHash(b: Partial<BookSummaryHashInput> & { readonly hash?: string }): "match" | "mismatch" | "unverifiable" {
  if (
    typeof b.hash !== "string" ||
    typeof b.market !== "string" ||
    typeof b.asset_id !== "string" ||
    typeof b.timestamp !== "string" ||
    !Array.isArray(b.bids) ||
    !Array.isArray(b.asks) ||
    typeof b.min_order_size !== "string" ||
    typeof b.tick_size !== "string" ||
    typeof b.neg_risk !== "boolean" ||
    typeof b.last_trade_price !== "string"
  ) {
    return "unverifiable";
  }
  const got = b.hash.toLowerCase().replace(/^0x/, "");
  return bookSummaryHash(b as BookSummaryHashInput) === got ? "match" : "mismatch";
}
