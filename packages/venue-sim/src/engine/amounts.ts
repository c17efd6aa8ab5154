/**
 * Price/size ⇄ makerAmount/takerAmount (POLYMARKET.md §6), exactly, in integers.
 *
 * Units: price in 0.0001 (Price), shares in micro-shares (Size), collateral in micro-USDC (Usdc).
 * BUY: maker = collateral paid, taker = shares received. SELL: maker = shares given, taker = collateral.
 */
import { PRICE_SCALE, type Price, type Side, type Size, type TickSize, type Usdc } from "@mm/types";

/** Fills happen in whole lots of 0.01 share (the venue's cent-tick truncation, GOTCHAS 37). */
export const FILL_LOT = 10_000;

/** Micro-USDC of `size` micro-shares at `price` units, rounded up (what a BUY must hold). */
export function costCeil(price: number, size: number): number {
  const lots = Math.floor(size / FILL_LOT);
  const rest = size - lots * FILL_LOT;
  return price * lots + Math.ceil((price * rest) / PRICE_SCALE);
}

/** Micro-USDC of `size` micro-shares at `price` units, rounded down (what a SELL is owed at least). */
export function costFloor(price: number, size: number): number {
  const lots = Math.floor(size / FILL_LOT);
  const rest = size - lots * FILL_LOT;
  return price * lots + Math.floor((price * rest) / PRICE_SCALE);
}

/** The official client's `amount` decimals per tick (ROUNDING_CONFIG). */
export function amountDecimals(tick: TickSize): number {
  switch (tick) {
    case 1000:
      return 3;
    case 100:
      return 4;
    case 10:
    case 50:
      return 5;
    case 1:
    case 25:
      return 6;
  }
}

export interface OrderAmounts {
  readonly makerAmount: number;
  readonly takerAmount: number;
}

/**
 * The official client's limit-order amounts (§6): size rounded DOWN to 2 decimals, collateral =
 * shares × price (exact for an on-grid price, so the up-then-down rounding never triggers).
 */
export function limitOrderAmounts(side: Side, price: Price, size: Size): OrderAmounts {
  const lots = Math.floor(size / FILL_LOT);
  const shares = lots * FILL_LOT;
  const collateral = lots * price;
  return side === "BUY" ? { makerAmount: collateral, takerAmount: shares } : { makerAmount: shares, takerAmount: collateral };
}

/**
 * The official client's market-order amounts (§6). BUY: `amount` is collateral (micro-USDC), rounded
 * down to 2 decimals; shares = amount ÷ price rounded up at `amount+4` decimals then down to `amount`
 * decimals. SELL: `amount` is shares, rounded down to 2 decimals; collateral = shares × price.
 */
export function marketOrderAmounts(side: Side, amount: number, price: Price, tick: TickSize): OrderAmounts {
  if (side === "SELL") return limitOrderAmounts("SELL", price, amount as Size);
  const usdc = Math.floor(amount / FILL_LOT) * FILL_LOT;
  const dec = amountDecimals(tick);
  // shares in 10^-(dec+4) units = ceil(usdc[1e-6] / price[1e-4] × 10^(dec+4-2))
  const scaleUp = 10n ** BigInt(dec + 2);
  const fine = (BigInt(usdc) * scaleUp + BigInt(price) - 1n) / BigInt(price);
  const coarse = fine / 10n ** 4n; // down to `dec` decimals
  const micro = coarse * 10n ** BigInt(6 - dec);
  return { makerAmount: usdc, takerAmount: Number(micro) };
}

/** Result of deriving an order's price and size from its signed amounts. */
export interface DerivedOrder {
  /** Exact price in units when integral; otherwise the fractional ratio (for error texts). */
  readonly price: number;
  readonly exact: boolean;
  readonly size: Size;
  /** BUY: the collateral budget (= makerAmount). SELL: the collateral asked (= takerAmount). */
  readonly collateral: Usdc;
}

/**
 * Derives price and size from amounts, exactly (bigint for the division). BUY: size = takerAmount,
 * price = makerAmount / takerAmount. SELL: size = makerAmount, price = takerAmount / makerAmount.
 * Returns undefined for non-positive or unsafe amounts.
 */
export function deriveFromAmounts(side: Side, makerAmount: number, takerAmount: number): DerivedOrder | undefined {
  if (!Number.isSafeInteger(makerAmount) || !Number.isSafeInteger(takerAmount) || makerAmount <= 0 || takerAmount <= 0) return undefined;
  const shares = side === "BUY" ? takerAmount : makerAmount;
  const collateral = side === "BUY" ? makerAmount : takerAmount;
  const num = BigInt(collateral) * BigInt(PRICE_SCALE);
  const den = BigInt(shares);
  const exact = num % den === 0n;
  const price = exact ? Number(num / den) : Number(num) / Number(den);
  return { price, exact, size: shares as Size, collateral: collateral as Usdc };
}

/** Rounds a (possibly fractional) price in units to the nearest multiple of `tick` (half up). */
export function nearestTick(price: number, tick: TickSize): number {
  return Math.floor(price / tick + 0.5) * tick;
}
