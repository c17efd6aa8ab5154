/**
 * Allocation-light field readers shared by the frame decoder and the REST normalizers. A failed
 * read records its reason in `fieldError` and returns a sentinel; callers check and bail out.
 */
import { isTickSize, numberParseReason, parsePriceUnits, parseSizeUnits, type Side, type TickSize } from "@mm/types";
import type { FrameErrorReason } from "./events.js";

export type Obj = Record<string, unknown>;

/** Last failure (module state; the decoder is synchronous and single-threaded). */
export const fieldError: { reason: FrameErrorReason; detail: string } = { reason: "invalid_field", detail: "" };

export function fail(reason: FrameErrorReason, detail: string): undefined {
  fieldError.reason = reason;
  fieldError.detail = detail;
  return undefined;
}

export function reqString(o: Obj, key: string): string | undefined {
  const v = o[key];
  if (typeof v === "string" && v.length > 0) return v;
  return fail(v === undefined || v === null || v === "" ? "missing_field" : "invalid_field", `${key}: expected a non-empty string`);
}

export function optString(o: Obj, key: string): string | undefined {
  const v = o[key];
  return typeof v === "string" && v.length > 0 ? v : undefined;
}

/**
 * JSON numbers are accepted where the venue normally sends strings (some payloads and replays do):
 * they are read through their shortest decimal text, so float noise ("0.30000000000000004") is
 * rejected as too precise instead of being rounded.
 */
const numText = (v: unknown): unknown => (typeof v === "number" && Number.isFinite(v) ? String(v) : v);

/**
 * Price → units with a fast path for the overwhelmingly common wire forms "0.d" … "0.dddd", "0"
 * and "1"; everything else goes through the @mm/types scanner (identical results, property-tested).
 */
export function priceUnits(v: unknown): number {
  if (typeof v === "string") {
    const n = v.length;
    if (n >= 3 && n <= 6 && v.charCodeAt(0) === 48 && v.charCodeAt(1) === 46) {
      let f = 0;
      for (let i = 2; i < n; i++) {
        const c = v.charCodeAt(i) - 48;
        if (c < 0 || c > 9) return parsePriceUnits(v);
        f = f * 10 + c;
      }
      return n === 6 ? f : n === 5 ? f * 10 : n === 4 ? f * 100 : f * 1000;
    }
    if (n === 1) {
      const c = v.charCodeAt(0);
      if (c === 48) return 0;
      if (c === 49) return 10_000;
    }
    return parsePriceUnits(v);
  }
  return parsePriceUnits(numText(v));
}

const FRAC_SCALE = [1_000_000, 100_000, 10_000, 1_000, 100, 10, 1];

/**
 * Size → micro-shares with a fast path for plain "123", "21574.08", "219.217767" (≤ 9 integer
 * digits, ≤ 6 decimals); anything else goes through the @mm/types scanner (identical results).
 */
export function sizeUnits(v: unknown): number {
  if (typeof v === "string") {
    const n = v.length;
    if (n > 0 && n <= 16) {
      let i = 0;
      let w = 0;
      for (; i < n; i++) {
        const c = v.charCodeAt(i);
        if (c === 46) break;
        const d = c - 48;
        if (d < 0 || d > 9) return parseSizeUnits(v);
        w = w * 10 + d;
      }
      if (i === 0 || i > 9) return parseSizeUnits(v);
      if (i === n) return w * 1_000_000;
      const fd = n - i - 1;
      if (fd < 1 || fd > 6) return parseSizeUnits(v);
      let f = 0;
      for (i++; i < n; i++) {
        const d = v.charCodeAt(i) - 48;
        if (d < 0 || d > 9) return parseSizeUnits(v);
        f = f * 10 + d;
      }
      return w * 1_000_000 + f * FRAC_SCALE[fd]!;
    }
    return parseSizeUnits(v);
  }
  return parseSizeUnits(numText(v));
}

/** Price string → price units; -1 on failure (reason recorded). */
export function reqPrice(o: Obj, key: string): number {
  const p = priceUnits(o[key]);
  if (p < 0) {
    fail(o[key] === undefined ? "missing_field" : "invalid_number", `${key}: ${numberParseReason(p)} (${preview(o[key])})`);
    return -1;
  }
  return p;
}

/** Size string → micro-shares; -1 on failure. `emptyIsZero` accepts "" (kill frames). */
export function reqSize(o: Obj, key: string, emptyIsZero = false): number {
  const v = o[key];
  if (emptyIsZero && (v === "" || v === undefined || v === null)) return 0;
  const s = sizeUnits(v);
  if (s < 0) {
    fail(v === undefined ? "missing_field" : "invalid_number", `${key}: ${numberParseReason(s)} (${preview(v)})`);
    return -1;
  }
  return s;
}

export function parseSide(v: unknown): Side | undefined {
  return v === "BUY" ? "BUY" : v === "SELL" ? "SELL" : undefined;
}

export function reqSide(o: Obj, key: string): Side | undefined {
  const s = parseSide(o[key]);
  return s ?? fail(o[key] === undefined ? "missing_field" : "invalid_field", `${key}: expected BUY or SELL (${preview(o[key])})`);
}

/** Tick size from "0.01" or 0.01; undefined on failure. */
export function tickFrom(v: unknown, key: string): TickSize | undefined {
  let units: number;
  if (typeof v === "number") units = Number.isFinite(v) ? Math.round(v * 10_000) : -1;
  else units = parsePriceUnits(v);
  if (typeof v === "number" && units >= 0 && Math.abs(units / 10_000 - v) > 1e-12) units = -1;
  if (!isTickSize(units)) return fail("invalid_tick_size", `${key}: not a supported tick size (${preview(v)})`);
  return units;
}

/** Non-negative integer from a digit string or number ("" and absent → `dflt`); -1 when invalid. */
export function intField(v: unknown, dflt: number): number {
  if (v === undefined || v === null || v === "") return dflt;
  if (typeof v === "number") return Number.isSafeInteger(v) && v >= 0 ? v : -1;
  if (typeof v !== "string" || v.length > 15) return -1;
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
}

export function stringArray(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  for (const x of v) if (typeof x !== "string") return undefined;
  return v as string[];
}

/** Short, safe rendering of an offending value for error details. */
export function preview(v: unknown): string {
  let s: string;
  try {
    s = typeof v === "string" ? JSON.stringify(v) : v === undefined ? "undefined" : (JSON.stringify(v) ?? String(v));
  } catch {
    s = typeof v;
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
