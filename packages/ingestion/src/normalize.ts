/**
 * REST payloads (validated against @mm/protocol's wire schemas) → ingestion's domain shapes.
 * Pure functions returning `Result`: a malformed element is refused with a reason, never coerced.
 */
import {
  marketInfoFromClob,
  parseGammaStringArray,
  toEpochMs,
  type WireClobBook,
  type WireClobMarket,
  type WireDataTrade,
  type WireGammaMarket,
} from "@mm/protocol";
import type { MarketRecord } from "@mm/storage";
import {
  type BookLevel,
  err,
  type FeeSchedule,
  NO_FEES,
  ok,
  parseFeeSchedule,
  PRICE_SCALE,
  parseConditionId,
  parsePrice,
  parsePriceUnits,
  parseSize,
  parseSizeUnits,
  parseTickSize,
  parseTokenId,
  type Price,
  type Result,
  SIZE_SCALE,
  type Size,
  type TickSize,
  type TokenId,
} from "@mm/types";
import type { GammaMarket, OrderBookSnapshot, PublicTrade } from "./model.js";

/** ISO text → epoch ms (undefined when absent or unparseable). */
export function isoToEpochMs(value: string | null | undefined): number | undefined {
  if (value === undefined || value === null || value.length === 0) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

/** A JSON-number price (Data API, price history) → price units, only when it is on the 0.0001 grid. */
export function priceFromJsonNumber(x: unknown): Price | undefined {
  if (typeof x !== "number" || !Number.isFinite(x) || x < 0 || x > 1) return undefined;
  const scaled = x * PRICE_SCALE;
  const units = Math.round(scaled);
  return Math.abs(scaled - units) < 1e-6 ? (units as Price) : undefined;
}

/** A JSON-number size → micro-shares, only when it has at most 6 decimals. */
export function sizeFromJsonNumber(x: unknown): Size | undefined {
  if (typeof x !== "number" || !Number.isFinite(x) || x < 0) return undefined;
  const scaled = x * SIZE_SCALE;
  if (scaled > Number.MAX_SAFE_INTEGER) return undefined;
  const units = Math.round(scaled);
  return Math.abs(scaled - units) < 1e-3 ? (units as Size) : undefined;
}

function numberOrStringSize(v: number | string | null | undefined): Size | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "number") return sizeFromJsonNumber(v);
  const r = parseSize(v);
  return r.ok ? r.value : undefined;
}

function numberOrStringTick(v: number | string | null | undefined): TickSize | undefined {
  if (v === undefined || v === null) return undefined;
  const r = parseTickSize(v);
  return r.ok ? r.value : undefined;
}

function levels(wire: readonly { price: string; size: string }[], side: "bids" | "asks"): Result<BookLevel[], string> {
  const out: BookLevel[] = [];
  for (const l of wire) {
    const p = parsePriceUnits(l.price);
    const s = parseSizeUnits(l.size);
    if (p < 0) return err(`${side}: invalid price "${l.price}"`);
    if (s < 0) return err(`${side}: invalid size "${l.size}"`);
    if (s === 0) continue; // an empty level carries no information
    out.push({ price: p as Price, size: s as Size });
  }
  // Best first, whatever the wire order (the venue sends worst-to-best; GOTCHAS 3).
  out.sort(side === "bids" ? (a, b) => b.price - a.price : (a, b) => a.price - b.price);
  return ok(out);
}

export function normalizeBook(w: WireClobBook): Result<OrderBookSnapshot, string> {
  const tokenId = parseTokenId(w.asset_id);
  if (!tokenId.ok) return err(`asset_id: ${tokenId.error.reason}`);
  const cid = w.market.length === 0 ? undefined : parseConditionId(w.market);
  if (cid !== undefined && !cid.ok) return err(`market: ${cid.error.reason}`);
  const bids = levels(w.bids, "bids");
  if (!bids.ok) return bids;
  const asks = levels(w.asks, "asks");
  if (!asks.ok) return asks;
  const tick = w.tick_size === undefined ? undefined : parseTickSize(w.tick_size);
  if (tick !== undefined && !tick.ok) return err(`tick_size: ${tick.error.reason}`);
  const minSize = w.min_order_size === undefined ? undefined : parseSize(w.min_order_size);
  if (minSize !== undefined && !minSize.ok) return err(`min_order_size: ${minSize.error.reason}`);
  const last = w.last_trade_price === undefined || w.last_trade_price === "" ? undefined : parsePrice(w.last_trade_price);
  if (last !== undefined && !last.ok) return err(`last_trade_price: ${last.error.reason}`);
  return ok({
    tokenId: tokenId.value,
    conditionId: cid?.value,
    bids: bids.value,
    asks: asks.value,
    timestamp: toEpochMs(w.timestamp),
    hash: w.hash,
    tickSize: tick?.value,
    minOrderSize: minSize?.value,
    negRisk: w.neg_risk,
    lastTradePrice: last?.value,
  });
}

/**
 * Deterministic key of a Data-API print (that endpoint has no trade id). The transaction hash is
 * deliberately NOT part of it: a print can be listed before its transaction is known ("" hash) and
 * again after, and must keep its key. Limitation: two prints identical in token, wallet, side,
 * price, size and second share a key (they are stored once).
 */
export function publicTradeKey(t: Omit<PublicTrade, "key">): string {
  return [t.tokenId, t.proxyWallet ?? "-", t.side, t.price, t.size, t.timestamp].join(":");
}

const nonEmpty = (s: string | undefined): string | undefined => (s === undefined || s.length === 0 ? undefined : s);

export function normalizeDataTrade(w: WireDataTrade): Result<PublicTrade, string> {
  const cid = parseConditionId(w.conditionId);
  if (!cid.ok) return err(`conditionId: ${cid.error.reason}`);
  const tid = parseTokenId(w.asset);
  if (!tid.ok) return err(`asset: ${tid.error.reason}`);
  const price = priceFromJsonNumber(w.price);
  if (price === undefined) return err(`price ${String(w.price)} is not a price in [0, 1] on the 0.0001 grid`);
  const size = sizeFromJsonNumber(w.size);
  if (size === undefined) return err(`size ${String(w.size)} is not a non-negative size with at most 6 decimals`);
  const timestamp = toEpochMs(w.timestamp);
  if (timestamp === undefined) return err(`timestamp ${String(w.timestamp)} is not a unix time`);
  const base = {
    conditionId: cid.value,
    tokenId: tid.value,
    side: w.side,
    price,
    size,
    timestamp,
    outcome: w.outcome,
    outcomeIndex: w.outcomeIndex,
    txHash: nonEmpty(w.transactionHash),
    proxyWallet: nonEmpty(w.proxyWallet),
  };
  return ok({ key: publicTradeKey(base), ...base });
}

/**
 * CLOB `/markets` element → the stored market record (binary markets only). Token pairing, tick and
 * size parsing are @mm/protocol's `marketInfoFromClob` (so every package pairs YES/NO the same way);
 * this adds the resolved winner, the fee rate and the sync time.
 */
export function normalizeClobMarket(w: WireClobMarket, updatedAt: number): Result<MarketRecord, string> {
  const info = marketInfoFromClob(w);
  if (!info.ok) return err(`${info.error.reason}: ${info.error.detail}`);
  const winners = w.tokens.filter((t) => t.winner === true);
  const winner = winners.length === 1 ? winners[0]!.token_id : undefined;
  const fee = w.taker_base_fee;
  return ok({
    ...info.value,
    ...(fee !== undefined && Number.isSafeInteger(fee) && fee >= 0 ? { feeRateBps: fee } : {}),
    ...(winner === info.value.yes.tokenId || winner === info.value.no.tokenId ? { winnerTokenId: winner as TokenId } : {}),
    updatedAt,
  });
}

/** A decimal amount as Gamma writes it in text: digits with an optional fraction, nothing else. */
const DECIMAL_TEXT = /^\d+(\.\d+)?$/;

/**
 * A Gamma USDC amount (liquidity, volume): the `…Num` JSON number when present, else the text
 * field (a decimal string, or a JSON number on some payloads). Informational only, so a bad value
 * does not refuse the market: it yields `undefined` and a reason is appended to `issues`.
 */
function gammaAmount(
  field: string,
  num: number | null | undefined,
  text: number | string | null | undefined,
  issues: string[],
): number | undefined {
  if (num != null) {
    if (Number.isFinite(num) && num >= 0) return num;
    issues.push(`${field}Num ${String(num)} is not a non-negative finite number`);
    return undefined;
  }
  if (text == null) return undefined;
  const x = typeof text === "number" ? text : DECIMAL_TEXT.test(text) ? Number(text) : Number.NaN;
  if (Number.isFinite(x) && x >= 0) return x;
  issues.push(`${field} ${JSON.stringify(text)} is not a non-negative decimal`);
  return undefined;
}

export function normalizeGammaMarket(w: WireGammaMarket): Result<GammaMarket, string> {
  const cid = parseConditionId(w.conditionId);
  if (!cid.ok) return err(`conditionId: ${cid.error.reason}`);
  // Gamma sends null for absent optional fields: treat null exactly like a missing field.
  const outcomes = w.outcomes == null ? [] : parseGammaStringArray(w.outcomes);
  if (outcomes === undefined) return err("outcomes is not a JSON array of strings");
  const rawTokens = w.clobTokenIds == null ? [] : parseGammaStringArray(w.clobTokenIds);
  if (rawTokens === undefined) return err("clobTokenIds is not a JSON array of strings");
  const tokenIds: TokenId[] = [];
  for (const t of rawTokens) {
    const r = parseTokenId(t);
    if (!r.ok) return err(`clobTokenIds "${t}": ${r.error.reason}`);
    tokenIds.push(r.value);
  }
  if (tokenIds.length > 0 && tokenIds.length !== outcomes.length) {
    return err(`${tokenIds.length} clobTokenIds for ${outcomes.length} outcomes`);
  }
  let outcomePrices: number[] | undefined;
  if (w.outcomePrices != null) {
    const raw = parseGammaStringArray(w.outcomePrices);
    if (raw === undefined) return err("outcomePrices is not a JSON array");
    outcomePrices = raw.map(Number);
    if (outcomePrices.some((p) => !Number.isFinite(p) || p < 0 || p > 1)) return err("outcomePrices outside [0, 1]");
  }
  const tickSize = numberOrStringTick(w.orderPriceMinTickSize);
  if (w.orderPriceMinTickSize != null && tickSize === undefined) {
    return err(`orderPriceMinTickSize ${String(w.orderPriceMinTickSize)} is not a supported tick size`);
  }
  const minOrderSize = numberOrStringSize(w.orderMinSize);
  if (w.orderMinSize != null && minOrderSize === undefined) return err(`orderMinSize ${String(w.orderMinSize)} is not a size`);
  const issues: string[] = [];
  const liquidity = gammaAmount("liquidity", w.liquidityNum, w.liquidity, issues);
  const volume = gammaAmount("volume", w.volumeNum, w.volume, issues);
  const feeSchedule = gammaFeeSchedule(w, issues);
  return ok({
    id: w.id,
    conditionId: cid.value,
    question: w.question ?? "",
    slug: w.slug ?? "",
    outcomes,
    tokenIds,
    outcomePrices,
    active: w.active ?? false,
    closed: w.closed ?? false,
    archived: w.archived ?? false,
    enableOrderBook: w.enableOrderBook ?? undefined,
    tickSize,
    minOrderSize,
    negRisk: w.negRisk ?? false,
    startTime: isoToEpochMs(w.startDate ?? w.eventStartTime),
    endTime: isoToEpochMs(w.endDate),
    ...(liquidity !== undefined ? { liquidity } : {}),
    ...(volume !== undefined ? { volume } : {}),
    ...(feeSchedule !== undefined ? { feeSchedule } : {}),
    ...(issues.length > 0 ? { issues } : {}),
  });
}

/** The charged taker schedule: `NO_FEES` when `feesEnabled` is false, the parsed `feeSchedule`, or unknown. */
function gammaFeeSchedule(w: WireGammaMarket, issues: string[]): FeeSchedule | undefined {
  if (w.feesEnabled === false) return NO_FEES;
  if (w.feeSchedule === undefined || w.feeSchedule === null) return undefined;
  const r = parseFeeSchedule(w.feeSchedule);
  if (r.ok) return r.value;
  issues.push(`feeSchedule: ${r.error.reason}`);
  return undefined;
}
