/**
 * Fixed-point numbers for the hot paths (ARCHITECTURE.md "Numbers").
 *
 * - `Price`: integer count of 0.0001 in [0, 10000]. Every Polymarket tick (0.1, 0.01, 0.001, 0.0001,
 *   0.005, 0.0025) is a whole number of these, so every grid price round-trips exactly.
 * - `Size`: integer micro-shares (1e-6 share); the wire carries at most 6 size decimals.
 * - `Usdc`: integer micro-USDC (collateral has 6 decimals on chain).
 *
 * Wire strings are parsed straight into integers by a hand-written scanner: no Decimal object,
 * no float rounding. The `*Units` parsers return a negative `NumberParseCode` on failure so the
 * decoders can stay allocation-free; the `parse*` wrappers return a Result with a reason.
 */
import type { Brand } from "./ids.js";
import { err, ok, type Result } from "./result.js";

export type Price = Brand<number, "Price">;
export type Size = Brand<number, "Size">;
export type Usdc = Brand<number, "Usdc">;

export const PRICE_SCALE = 10_000;
export const PRICE_DECIMALS = 4;
export const SIZE_SCALE = 1_000_000;
export const SIZE_DECIMALS = 6;
export const USDC_SCALE = 1_000_000;
/** The price of 1 (a certain outcome) in price units. */
export const PRICE_ONE = PRICE_SCALE as Price;
export const ZERO_SIZE = 0 as Size;

/** Failure codes of the allocation-free parsers (always negative). */
export const NumberParseCode = {
  Empty: -1,
  Syntax: -2,
  TooPrecise: -3,
  OutOfRange: -4,
  NotAString: -5,
} as const;
export type NumberParseCode = (typeof NumberParseCode)[keyof typeof NumberParseCode];

const REASONS: Record<number, string> = {
  [-1]: "empty string",
  [-2]: "not a plain non-negative decimal",
  [-3]: "more decimals than the unit allows",
  [-4]: "out of range",
  [-5]: "not a string",
};

export function numberParseReason(code: number): string {
  return REASONS[code] ?? "invalid number";
}

export interface NumberError {
  readonly kind: "Price" | "Size" | "Usdc" | "TickSize";
  readonly input: string;
  readonly reason: string;
}

/**
 * Scans a plain decimal ("0.48", ".48", "1", "21574.08") into an integer scaled by 10^decimals.
 * Extra decimals are accepted only when they are zeros ("0.5000000" is 0.5). Returns a negative
 * code on failure. `maxValue` bounds the scaled result.
 */
function scanDecimal(s: unknown, decimals: number, maxValue: number): number {
  if (typeof s !== "string") return NumberParseCode.NotAString;
  const len = s.length;
  if (len === 0) return NumberParseCode.Empty;
  if (len > 40) return NumberParseCode.OutOfRange;
  let value = 0;
  let i = 0;
  let digits = 0;
  for (; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 /* . */) break;
    if (c < 48 || c > 57) return NumberParseCode.Syntax;
    value = value * 10 + (c - 48);
    digits++;
    if (value > maxValue) return NumberParseCode.OutOfRange;
  }
  let frac = 0;
  let fracDigits = 0;
  if (i < len) {
    i++; // the dot
    if (i === len) return NumberParseCode.Syntax; // "." or "1."
    for (; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) return NumberParseCode.Syntax;
      if (fracDigits < decimals) {
        frac = frac * 10 + (c - 48);
        fracDigits++;
      } else if (c !== 48) {
        return NumberParseCode.TooPrecise;
      }
      digits++;
    }
  }
  if (digits === 0) return NumberParseCode.Syntax;
  for (; fracDigits < decimals; fracDigits++) frac *= 10;
  const scaled = value * POW10[decimals]! + frac;
  return scaled > maxValue ? NumberParseCode.OutOfRange : scaled;
}

const POW10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];
/** Largest size we accept: ~9e9 shares keeps every Size an exact JS integer. */
export const MAX_SIZE = Number.MAX_SAFE_INTEGER;

/** Price string → price units in [0, 10000], or a negative NumberParseCode. Hot path. */
export const parsePriceUnits = (s: unknown): number => scanDecimal(s, PRICE_DECIMALS, PRICE_SCALE);
/** Size string → micro-shares, or a negative NumberParseCode. Hot path. */
export const parseSizeUnits = (s: unknown): number => scanDecimal(s, SIZE_DECIMALS, MAX_SIZE);
/** USDC string (e.g. "12.5") → micro-USDC, or a negative NumberParseCode. */
export const parseUsdcUnits = (s: unknown): number => scanDecimal(s, 6, MAX_SIZE);

function wrap<K extends NumberError["kind"], T>(kind: K, input: unknown, code: number): Result<T, NumberError> {
  return code < 0 ? err({ kind, input: String(input), reason: numberParseReason(code) }) : ok(code as T);
}

export const parsePrice = (s: unknown): Result<Price, NumberError> => wrap("Price", s, parsePriceUnits(s));
export const parseSize = (s: unknown): Result<Size, NumberError> => wrap("Size", s, parseSizeUnits(s));
export const parseUsdc = (s: unknown): Result<Usdc, NumberError> => wrap("Usdc", s, parseUsdcUnits(s));

/** Formats a scaled integer canonically: no trailing zeros, no trailing dot ("0.5", "1", "0.0001"). */
function formatScaled(units: number, decimals: number): string {
  const negative = units < 0;
  const abs = Math.abs(units);
  const scale = POW10[decimals]!;
  const whole = Math.floor(abs / scale);
  let frac = abs - whole * scale;
  let text = String(whole);
  if (frac !== 0) {
    let width = decimals;
    while (frac % 10 === 0) {
      frac /= 10;
      width--;
    }
    text += `.${String(frac).padStart(width, "0")}`;
  }
  return negative ? `-${text}` : text;
}

export const formatPrice = (p: number): string => formatScaled(p, PRICE_DECIMALS);
export const formatSize = (s: number): string => formatScaled(s, SIZE_DECIMALS);
export const formatUsdc = (u: number): string => formatScaled(u, 6);

/** Throwing constructors for trusted literals (tests, defaults): `price("0.55")`, `size("10")`. */
export function price(s: string): Price {
  const r = parsePrice(s);
  if (!r.ok) throw new RangeError(`invalid price "${s}": ${r.error.reason}`);
  return r.value;
}
export function size(s: string): Size {
  const r = parseSize(s);
  if (!r.ok) throw new RangeError(`invalid size "${s}": ${r.error.reason}`);
  return r.value;
}
export function usdc(s: string): Usdc {
  const r = parseUsdc(s);
  if (!r.ok) throw new RangeError(`invalid USDC amount "${s}": ${r.error.reason}`);
  return r.value;
}

/** Price units from a float (reference maths, REST numbers); NaN or out of [0, 1] → undefined. */
export function priceFromNumber(x: number): Price | undefined {
  if (!Number.isFinite(x) || x < 0 || x > 1) return undefined;
  return Math.round(x * PRICE_SCALE) as Price;
}
export const priceToNumber = (p: number): number => p / PRICE_SCALE;
export const sizeToNumber = (s: number): number => s / SIZE_SCALE;
export const usdcToNumber = (u: number): number => u / USDC_SCALE;
export function sizeFromNumber(x: number): Size | undefined {
  if (!Number.isFinite(x) || x < 0 || x * SIZE_SCALE > MAX_SIZE) return undefined;
  return Math.round(x * SIZE_SCALE) as Size;
}

/**
 * Notional in micro-USDC of `size` micro-shares at `price` units: price × size ÷ 10^4.
 * Exact while price × size < 2^53 (≈ 900k shares at price 1); may be fractional: round at the
 * edge that needs an integer (`Math.ceil` for collateral you must hold, `Math.floor` for proceeds).
 */
export const notional = (p: number, s: number): number => (p * s) / PRICE_SCALE;

// ---------------------------------------------------------------------------------------------
// Tick sizes

/** A tick size in price units: 0.1 → 1000, 0.01 → 100, 0.001 → 10, 0.0001 → 1, 0.005 → 50, 0.0025 → 25. */
export type TickSize = 1000 | 100 | 10 | 1 | 50 | 25;
export const TICK_SIZES: readonly TickSize[] = [1000, 100, 10, 1, 50, 25];

const TICK_DECIMALS: Record<TickSize, number> = { 1000: 1, 100: 2, 10: 3, 1: 4, 50: 3, 25: 4 };

export function isTickSize(units: number): units is TickSize {
  return (TICK_SIZES as readonly number[]).includes(units);
}

/** Tick size from its wire string ("0.01") or REST number (0.01). */
export function parseTickSize(input: string | number): Result<TickSize, NumberError> {
  const units = typeof input === "number" ? (Number.isFinite(input) ? Math.round(input * PRICE_SCALE) : -1) : parsePriceUnits(input);
  if (typeof input === "number" && Math.abs(units / PRICE_SCALE - input) > 1e-12) {
    return err({ kind: "TickSize", input: String(input), reason: "not a supported tick size" });
  }
  if (!isTickSize(units))
    return err({ kind: "TickSize", input: String(input), reason: "not a supported tick size (0.1, 0.01, 0.001, 0.0001, 0.005, 0.0025)" });
  return ok(units);
}

/** Decimals of a price on this grid (the official client's ROUNDING_CONFIG price column). */
export const tickDecimals = (tick: TickSize): number => TICK_DECIMALS[tick];
export const formatTickSize = (tick: TickSize): string => formatPrice(tick);

/** On the tick grid (`price % tick == 0`); note 0.005/0.0025 grids need this, not a decimal count. */
export const isOnTickGrid = (p: number, tick: TickSize): boolean => Number.isInteger(p) && p % tick === 0;

/** A price an order may carry: on the grid and within [tick, 1 − tick]. */
export const isValidOrderPrice = (p: number, tick: TickSize): boolean => isOnTickGrid(p, tick) && p >= tick && p <= PRICE_SCALE - tick;

export type RoundingMode = "down" | "up" | "nearest";

/** Rounds a (possibly fractional) price in units onto the grid. */
export function roundToTick(p: number, tick: TickSize, mode: RoundingMode): Price {
  const q = p / tick;
  const n = mode === "down" ? Math.floor(q + 1e-9) : mode === "up" ? Math.ceil(q - 1e-9) : Math.round(q);
  return (n * tick) as Price;
}

/** Clamps a grid price into the orderable range [tick, 1 − tick]. */
export const clampToOrderRange = (p: number, tick: TickSize): Price => Math.min(PRICE_SCALE - tick, Math.max(tick, p)) as Price;
