/**
 * Venue rejection texts → `RejectReason`. Pure and table-driven so the executor never parses
 * texts. The venue reports rejections as message text (`{"error": "..."}` on single calls,
 * `errorMsg` on batch legs); the symbolic codes of the old docs are matched too. The first rule
 * that matches wins, so more specific rules come first. Unmatched texts fall back on the HTTP
 * status (401/403 auth, 404 not found, 425/5xx server error, 429 rate limited) and then `unknown`.
 */
import type { RejectReason } from "@mm/types";

interface Rule {
  readonly reason: RejectReason;
  readonly pattern: RegExp;
}

/** Exported for documentation and tests; order matters (first match wins). */
export const REJECT_RULES: readonly Rule[] = [
  // Post-only with an order type that cannot rest is a malformed order, not a crossing.
  { reason: "invalid_order", pattern: /post-only order: only GTC and GTD|INVALID_POST_ONLY_ORDER_TYPE/i },
  { reason: "post_only_cross", pattern: /post-only order: order crosses|crosses (the )?book|INVALID_POST_ONLY_ORDER\b/i },
  // Venue-wide modes before per-order texts: "post-only mode: only post-only orders and cancels".
  { reason: "cancel_only", pattern: /cancel[- ]only|closed[- ]only mode|post-only mode/i },
  // Per-market before venue-wide: a closed market must not cool down every other market.
  { reason: "market_closed", pattern: /market is closed|market (has been |is )?resolved/i },
  {
    reason: "trading_disabled",
    pattern: /trading is (currently )?disabled|address banned|trading (is )?paused|orders are not accepted/i,
  },
  { reason: "tick_size", pattern: /minimum tick size|INVALID_ORDER_MIN_TICK_SIZE|tick size rule/i },
  { reason: "invalid_price", pattern: /invalid price/i },
  { reason: "min_size", pattern: /lower than the minimum|INVALID_ORDER_MIN_SIZE|min size: \$|invalid amount for a marketable/i },
  { reason: "balance", pattern: /not enough balance|balance is not enough|allowance|INVALID_ORDER_NOT_ENOUGH_BALANCE/i },
  { reason: "duplicate", pattern: /duplicated|INVALID_ORDER_DUPLICATED/i },
  { reason: "market_not_ready", pattern: /not yet ready|MARKET_NOT_READY/i },
  { reason: "expiration", pattern: /invalid expiration|INVALID_ORDER_EXPIRATION/i },
  { reason: "fok_not_filled", pattern: /couldn't be fully filled|could not be fully filled|FOK_ORDER_NOT_FILLED/i },
  { reason: "fak_no_match", pattern: /no orders found to match|there are no matching orders/i },
  {
    reason: "auth",
    pattern:
      /unauthori[sz]ed|invalid api key|invalid signature|L1 Request headers|L2 (auth|headers)|order signer address|owner has to be the owner|maker address not allowed|invalid order version|order_version_mismatch|expired timestamp|api key/i,
  },
  { reason: "rate_limited", pattern: /too many requests|rate limit/i },
  {
    reason: "invalid_order",
    pattern:
      /invalid amounts|rounding issues|too many orders in payload|invalid token id|canceled in the CTF exchange|invalid order|malformed|invalid (json|payload|body)/i,
  },
  { reason: "not_found", pattern: /not found/i },
];

/**
 * Classifies a venue rejection. `status` is the HTTP status when there was one (batch legs report
 * inside a 200, pass `undefined` or 200).
 */
export function classifyReject(status: number | undefined, text: string): RejectReason {
  const t = typeof text === "string" ? text : "";
  for (const rule of REJECT_RULES) if (rule.pattern.test(t)) return rule.reason;
  if (status === undefined) return "unknown";
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not_found";
  if (status === 429) return "rate_limited";
  if (status === 425 || status >= 500) return "server_error";
  if (status >= 400) return "invalid_order";
  return "unknown";
}

/**
 * True when a rejection is definitive (the venue decided; nothing executed, resending the same
 * order cannot help): every classified reason except the transient server/rate-limit ones.
 */
export function isDefinitiveReject(reason: RejectReason): boolean {
  return reason !== "server_error" && reason !== "rate_limited" && reason !== "unknown";
}
