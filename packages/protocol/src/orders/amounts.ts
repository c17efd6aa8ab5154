/**
 * Price/size → makerAmount/takerAmount exactly as the official clients round (POLYMARKET.md §6),
 * computed in integers instead of floats. Inputs are @mm/types fixed-point numbers (Price in 1e-4,
 * Size and Usdc in 1e-6); outputs are on-chain micro-units (6 decimals) as bigint.
 *
 * Per tick (ROUNDING_CONFIG, decimals of price / size / amount):
 *   0.1 → 1/2/3, 0.01 → 2/2/4, 0.001 → 3/2/5, 0.0001 → 4/2/6, (V2) 0.005 → 3/2/5, 0.0025 → 4/2/6.
 * Limit: price rounded half-up to the price decimals; size rounded DOWN to 2 decimals; the other leg
 * is shares × price, whose exact product always fits in `amount` decimals, so the clients'
 * round-up-then-down step never changes it. Market: price rounded DOWN; BUY `amount` is USDC
 * rounded down to 2 decimals and shares = usdc ÷ price, rounded up at amount+4 then down at amount.
 */
import { err, isValidOrderPrice, ok, type Price, PRICE_SCALE, type Result, type Side, type TickSize } from "@mm/types";

export interface RoundingConfig {
  readonly price: number;
  readonly size: number;
  readonly amount: number;
}

export const ROUNDING_CONFIG: Readonly<Record<TickSize, RoundingConfig>> = {
  1000: { price: 1, size: 2, amount: 3 },
  100: { price: 2, size: 2, amount: 4 },
  10: { price: 3, size: 2, amount: 5 },
  1: { price: 4, size: 2, amount: 6 },
  50: { price: 3, size: 2, amount: 5 },
  25: { price: 4, size: 2, amount: 6 },
};

export interface OrderAmounts {
  readonly side: Side;
  /** What the maker gives: USDC micro-units for BUY, share micro-units for SELL. */
  readonly makerAmount: bigint;
  /** What the maker receives: shares for BUY, USDC for SELL. */
  readonly takerAmount: bigint;
  /** The price after the client rounding, in price units. */
  readonly price: Price;
}

export interface AmountError {
  readonly reason: "invalid_price" | "price_off_grid" | "size_too_small" | "invalid_size";
  readonly message: string;
}

const POW10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000];

function roundPrice(p: number, decimals: number, mode: "half-up" | "down"): number {
  const step = POW10[4 - decimals]!;
  return mode === "half-up" ? Math.floor((p + step / 2) / step) * step : Math.floor(p / step) * step;
}

function checkPrice(p: number, tick: TickSize): AmountError | undefined {
  if (!Number.isInteger(p) || p <= 0 || p >= PRICE_SCALE)
    return { reason: "invalid_price", message: `price ${p / PRICE_SCALE} outside (0, 1)` };
  if (!isValidOrderPrice(p, tick)) {
    return {
      reason: "price_off_grid",
      message: `price ${p / PRICE_SCALE} is not on the ${tick / PRICE_SCALE} grid within [tick, 1 - tick]`,
    };
  }
  return undefined;
}

/** Whole cents of shares (or USDC) from micro-units, rounded down: the clients' 2-decimal size rounding. */
const toCents = (micro: number): bigint => BigInt(Math.floor(micro / 10_000));

/**
 * Limit order amounts (GTC/GTD, and FOK/FAK expressed in shares at a limit price).
 * `price` must be on the tick grid after the clients' half-up rounding; `size` ≥ 0.01 share.
 */
export function limitOrderAmounts(side: Side, price: number, size: number, tick: TickSize): Result<OrderAmounts, AmountError> {
  const cfg = ROUNDING_CONFIG[tick];
  if (!Number.isSafeInteger(size) || size < 0) return err({ reason: "invalid_size", message: `size ${size} is not a micro-share integer` });
  const p = roundPrice(price, cfg.price, "half-up");
  const bad = checkPrice(p, tick);
  if (bad) return err(bad);
  const cents = toCents(size);
  if (cents === 0n) return err({ reason: "size_too_small", message: "size rounds down to 0 (sizes have 2 decimals)" });
  // shares (micro) = cents × 10^4; usdc (micro) = cents/100 × p/10^4 × 10^6 = cents × p.
  const shares = cents * 10_000n;
  const usdc = cents * BigInt(p);
  return ok(
    side === "BUY"
      ? { side, makerAmount: usdc, takerAmount: shares, price: p as Price }
      : { side, makerAmount: shares, takerAmount: usdc, price: p as Price },
  );
}

/**
 * Market order amounts (FOK/FAK). BUY: `amount` is USDC (micro); SELL: `amount` is shares (micro).
 * `price` is the worst acceptable price (walk the opposite book from its best level).
 */
export function marketOrderAmounts(side: Side, amount: number, price: number, tick: TickSize): Result<OrderAmounts, AmountError> {
  const cfg = ROUNDING_CONFIG[tick];
  if (!Number.isSafeInteger(amount) || amount < 0)
    return err({ reason: "invalid_size", message: `amount ${amount} is not a micro-unit integer` });
  const p = roundPrice(price, cfg.price, "down");
  const bad = checkPrice(p, tick);
  if (bad) return err(bad);
  const cents = toCents(amount);
  if (cents === 0n) return err({ reason: "size_too_small", message: "amount rounds down to 0 (amounts have 2 decimals)" });
  const bp = BigInt(p);
  if (side === "SELL") return ok({ side, makerAmount: cents * 10_000n, takerAmount: cents * bp, price: p as Price });
  // shares = usdc / price = (cents / 100) / (p / 10^4) = cents × 100 / p. Scale to 10^(a+4), ceil, then floor to 10^a.
  const a = cfg.amount;
  const scaleUp = 10n ** BigInt(a + 4);
  const num = cents * 100n * scaleUp;
  const ceil = (num + bp - 1n) / bp;
  const sharesAtA = ceil / 10_000n;
  const takerAmount = sharesAtA * 10n ** BigInt(6 - a);
  return ok({ side, makerAmount: cents * 10_000n, takerAmount, price: p as Price });
}
