import type { RejectReason } from "@mm/types";
import { describe, expect, it } from "vitest";
import { classifyReject, isDefinitiveReject } from "../src/index.js";

// Venue texts as POLYMARKET.md §5.5 / GOTCHAS #21–27 quote them, with the status they come with.
const TABLE: readonly [number | undefined, string, RejectReason][] = [
  [400, "order 0xabc is invalid. Price (0.505) breaks minimum tick size rule: 0.01", "tick_size"],
  [400, "INVALID_ORDER_MIN_TICK_SIZE", "tick_size"],
  [400, "invalid price (0.999), min: 0.01 - max: 0.99", "invalid_price"],
  [400, "order 0xabc is invalid. Size (2) lower than the minimum: 5", "min_size"],
  [400, "invalid amount for a marketable BUY order ($0.5), min size: $1", "min_size"],
  [400, "not enough balance / allowance", "balance"],
  [400, "not enough balance / allowance: the balance is not enough -> balance: 3", "balance"],
  [400, "INVALID_ORDER_NOT_ENOUGH_BALANCE", "balance"],
  [400, "invalid post-only order: order crosses book", "post_only_cross"],
  [400, "invalid post-only order: only GTC and GTD order types are allowed", "invalid_order"],
  [400, "order 0xabc is invalid. Duplicated.", "duplicate"],
  [503, "Trading is currently in cancel-only mode", "cancel_only"],
  [503, "post-only mode: only post-only orders and cancels are allowed", "cancel_only"],
  [400, "'0xabc' address in closed only mode", "cancel_only"],
  [503, "Trading is currently disabled. Please try again later", "trading_disabled"],
  [400, "'0xabc' address banned", "trading_disabled"],
  [400, "the market is not yet ready to process new orders", "market_not_ready"],
  [400, "the market is closed, orders are not accepted", "market_closed"],
  [503, "Trading is currently cancel-only. Only cancels are allowed.", "cancel_only"],
  [400, "invalid expiration", "expiration"],
  [400, "order couldn't be fully filled. FOK orders are fully filled or killed.", "fok_not_filled"],
  [400, "no orders found to match with FAK order. FAK orders are partially filled or killed if no match is found.", "fak_no_match"],
  [500, "there are no matching orders", "fak_no_match"],
  [400, "invalid signature", "auth"],
  [401, "Unauthorized/Invalid api key", "auth"],
  [401, "Invalid L1 Request headers", "auth"],
  [400, "the order signer address has to be the address of the API KEY", "auth"],
  [400, "the order owner has to be the owner of the API KEY", "auth"],
  [400, "invalid order version", "auth"],
  [400, "maker address not allowed, please use the deposit wallet flow", "auth"],
  [429, "Too Many Requests", "rate_limited"],
  [400, "Too many orders in payload: 16, max allowed: 15", "invalid_order"],
  [
    400,
    "invalid amounts, the market buy orders maker amount supports a max accuracy of 2 decimals, taker amount a max of 4 decimals",
    "invalid_order",
  ],
  [500, "the trade contains rounding issues", "invalid_order"],
  [400, "order canceled in the CTF exchange contract", "invalid_order"],
  [404, "order not found", "not_found"],
  [400, "Invalid token id", "invalid_order"],
  // Fallbacks on status when the text says nothing we know.
  [401, "", "auth"],
  [404, "", "not_found"],
  [425, "Too Early", "server_error"],
  [502, "Bad Gateway", "server_error"],
  [400, "something new", "invalid_order"],
  [undefined, "something new", "unknown"],
  [200, "", "unknown"],
];

describe("classifyReject", () => {
  it.each(TABLE)("HTTP %s %j → %s", (status, text, reason) => {
    expect(classifyReject(status, text)).toBe(reason);
  });

  it("never throws on hostile input", () => {
    expect(classifyReject(400, undefined as unknown as string)).toBe("invalid_order");
    expect(classifyReject(Number.NaN, "x".repeat(100_000))).toBe("unknown");
  });

  it("marks transient reasons as not definitive", () => {
    expect(isDefinitiveReject("server_error")).toBe(false);
    expect(isDefinitiveReject("rate_limited")).toBe(false);
    expect(isDefinitiveReject("unknown")).toBe(false);
    expect(isDefinitiveReject("cancel_only")).toBe(true);
    expect(isDefinitiveReject("tick_size")).toBe(true);
  });
});
