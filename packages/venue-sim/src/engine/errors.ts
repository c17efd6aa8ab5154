/**
 * The venue's error texts (POLYMARKET.md §5.5) as constructors of `EngineReject`. Where the venue's
 * exact wording is not documented the text is marked [L] and kept in one place so it can be tuned.
 */
import { formatPrice, formatSize, formatTickSize, formatUsdc, type Side, type TickSize } from "@mm/types";
import type { EngineReject, RejectCode } from "./types.js";

/** `POST /orders` accepts at most this many orders (the server enforces it). */
export const MAX_BATCH_ORDERS = 15;

export const batchTooLargeMessage = (n: number): string => `Too many orders in payload: ${n}, max allowed: ${MAX_BATCH_ORDERS}`;

/** Reason in `not_canceled` for ids that are unknown, not the caller's, or already terminal. */
export const CANCEL_NOT_FOUND_REASON = "already canceled or matched";

export const FOK_KILL_MESSAGE = "order couldn't be fully filled. FOK orders are fully filled or killed.";
export const FAK_KILL_MESSAGE = "no orders found to match with FAK order. FAK orders are partially filled or killed if no match is found.";
export const HEARTBEAT_INVALID_MESSAGE = "Invalid Heartbeat ID";

/** Status of orders cancelled by resolution. */
export const STATUS_CANCELED_MARKET_RESOLVED = "CANCELED_MARKET_RESOLVED";

const reject = (code: RejectCode, message: string, httpStatus: 400 | 503 = 400): EngineReject => ({ code, message, httpStatus });

export const Rejects = {
  invalidToken: (): EngineReject => reject("invalid_token", "Invalid token id"),
  invalidAmounts: (): EngineReject => reject("invalid_amounts", "invalid order amounts"), // [L]
  marketOrderPrecision: (side: Side): EngineReject =>
    reject(
      "market_order_precision",
      `invalid amounts, the market ${side === "BUY" ? "buy" : "sell"} orders maker amount supports a max accuracy of 2 decimals, taker amount a max of 4 decimals`,
    ),
  tickSize: (id: string, price: number, tick: TickSize): EngineReject =>
    reject(
      "tick_size",
      `order ${id} is invalid. Price (${formatPriceLoose(price)}) breaks minimum tick size rule: ${formatTickSize(tick)}`,
    ),
  priceRange: (price: number, tick: TickSize): EngineReject =>
    reject(
      "invalid_price",
      `invalid price (${formatPriceLoose(price)}), min: ${formatTickSize(tick)} - max: ${formatPrice(10_000 - tick)}`,
    ),
  minSize: (id: string, size: number, min: number): EngineReject =>
    reject("min_size", `order ${id} is invalid. Size (${formatSize(size)}) lower than the minimum: ${formatSize(min)}`),
  marketableMin: (side: Side, notional: number): EngineReject =>
    reject("marketable_min", `invalid amount for a marketable ${side} order ($${formatUsdc(notional)}), min size: $1`),
  duplicate: (id: string): EngineReject => reject("duplicate", `order ${id} is invalid. Duplicated.`),
  balance: (): EngineReject => reject("balance", "not enough balance / allowance"),
  postOnlyCross: (): EngineReject => reject("post_only_cross", "invalid post-only order: order crosses book"),
  postOnlyType: (): EngineReject => reject("post_only_type", "invalid post-only order: only GTC and GTD order types are allowed"),
  expiration: (): EngineReject => reject("expiration", "invalid expiration"),
  fokNotFilled: (): EngineReject => reject("fok_not_filled", FOK_KILL_MESSAGE),
  fakNoMatch: (): EngineReject => reject("fak_no_match", FAK_KILL_MESSAGE),
  cancelOnly: (): EngineReject => reject("cancel_only", "Trading is currently cancel-only. Only cancels are allowed.", 503), // [L]
  postOnlyMode: (): EngineReject => reject("post_only_mode", "post-only mode: only post-only orders and cancels are allowed", 503),
  tradingDisabled: (): EngineReject => reject("trading_disabled", "Trading is currently disabled. Check back later.", 503), // [L]
  marketNotReady: (): EngineReject => reject("market_not_ready", "the market is not yet ready to process new orders"),
  marketClosed: (): EngineReject => reject("market_closed", "the market is closed, orders are not accepted"), // [L]
} as const;

/** Price text for error messages: exact for grid units, up to 6 decimals for derived (fractional) prices. */
function formatPriceLoose(units: number): string {
  if (Number.isInteger(units)) return formatPrice(units);
  return String(Number((units / 10_000).toFixed(6)));
}
