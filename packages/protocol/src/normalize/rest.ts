/**
 * REST records → domain values: open orders → `VenueOpenOrder`, CLOB trades → `UserFillEvent`,
 * CLOB / Gamma markets → `MarketInfo`, and cursor handling. Inputs are `unknown` JSON (untrusted);
 * each record either normalizes or yields a typed error, never a throw.
 */
import {
  type ConditionId,
  type FeeSchedule,
  isTickSize,
  type MarketInfo,
  NO_FEES,
  parseFeeSchedule,
  type Price,
  PRICE_SCALE,
  priceFromNumber,
  type Size,
  type TokenId,
  ok,
  parseConditionId,
  parseOrderId,
  parseTokenId,
  type Result,
  sizeFromNumber,
  type TickSize,
  type UserFillEvent,
  type VenueOpenOrder,
} from "@mm/types";
import { fieldError, type Obj, reqPrice, reqSide, reqSize, reqString } from "../decode/fields.js";
import { decodeUserTrade } from "../decode/user-messages.js";
import { toEpochMs } from "../internal/time.js";
import { END_CURSOR } from "../wire/common.js";
import { parseGammaStringArray } from "../wire/gamma.js";
import { type NormalizeError, normErr } from "./errors.js";
import { type OwnIdentity, parseOrderType, userFillsFromTrade } from "./user.js";

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** A cursor page: `end` is true when `next_cursor` is "LTE=" (or missing/empty). */
export interface PageCursor {
  readonly next: string | undefined;
  readonly end: boolean;
}

export function pageCursor(body: unknown): PageCursor {
  const next = isObj(body) && typeof body.next_cursor === "string" ? body.next_cursor : undefined;
  return { next, end: next === undefined || next === "" || next === END_CURSOR };
}

export interface NormalizedPage<T> {
  readonly items: T[];
  readonly rejected: { readonly index: number; readonly error: NormalizeError }[];
  readonly cursor: PageCursor;
}

function pageItems(body: unknown): unknown[] | undefined {
  if (Array.isArray(body)) return body;
  if (isObj(body) && Array.isArray(body.data)) return body.data;
  return undefined;
}

/** `GET /data/orders` record (or `/data/order/{id}`) → `VenueOpenOrder`. */
export function normalizeOpenOrder(record: unknown): Result<VenueOpenOrder, NormalizeError> {
  if (!isObj(record)) return normErr("invalid_record", "expected an object");
  const id = reqString(record, "id");
  if (id === undefined) return normErr("missing_field", fieldError.detail);
  const orderId = parseOrderId(id);
  if (!orderId.ok) return normErr("invalid_id", `id: ${orderId.error.reason}`);
  const market = parseConditionId(String(record.market));
  if (!market.ok) return normErr("invalid_id", `market: ${market.error.reason}`);
  const token = parseTokenId(String(record.asset_id));
  if (!token.ok) return normErr("invalid_id", `asset_id: ${token.error.reason}`);
  const side = reqSide(record, "side");
  if (side === undefined) return normErr("invalid_record", fieldError.detail);
  const price = reqPrice(record, "price");
  if (price < 0) return normErr("invalid_number", fieldError.detail);
  const originalSize = reqSize(record, "original_size");
  if (originalSize < 0) return normErr("invalid_number", fieldError.detail);
  const sizeMatched = reqSize(record, "size_matched", true);
  if (sizeMatched < 0) return normErr("invalid_number", fieldError.detail);
  const orderType = parseOrderType(typeof record.order_type === "string" ? record.order_type : undefined);
  if (orderType === undefined) return normErr("unknown_order_type", `order_type ${JSON.stringify(record.order_type)}`);
  const createdAt = toEpochMs(record.created_at);
  if (createdAt === undefined) return normErr("missing_field", "created_at: expected unix seconds");
  return ok({
    orderId: orderId.value,
    conditionId: market.value,
    tokenId: token.value,
    side,
    price: price as VenueOpenOrder["price"],
    originalSize: originalSize as VenueOpenOrder["originalSize"],
    sizeMatched: sizeMatched as VenueOpenOrder["sizeMatched"],
    status: typeof record.status === "string" ? record.status : "",
    orderType,
    createdAt,
  });
}

/** `GET /data/orders` page → open orders + rejects + cursor. */
export function normalizeOpenOrdersPage(body: unknown): Result<NormalizedPage<VenueOpenOrder>, NormalizeError> {
  const items = pageItems(body);
  if (items === undefined) return normErr("invalid_record", "expected {data:[...], next_cursor} or an array");
  const out: VenueOpenOrder[] = [];
  const rejected: { index: number; error: NormalizeError }[] = [];
  items.forEach((it, index) => {
    const r = normalizeOpenOrder(it);
    if (r.ok) out.push(r.value);
    else rejected.push({ index, error: r.error });
  });
  return ok({ items: out, rejected, cursor: pageCursor(body) });
}

/** One CLOB `/data/trades` record → OUR fills (see `userFillsFromTrade`). */
export function fillsFromClobTrade(record: unknown, identity: OwnIdentity): Result<UserFillEvent[], NormalizeError> {
  if (!isObj(record)) return normErr("invalid_record", "expected an object");
  const m = decodeUserTrade(record);
  if (m === undefined) return normErr("invalid_record", fieldError.detail);
  return userFillsFromTrade(m, identity);
}

/** `GET /data/trades` page → OUR fills across all records + rejects + cursor. */
export function normalizeClobTradesPage(body: unknown, identity: OwnIdentity): Result<NormalizedPage<UserFillEvent>, NormalizeError> {
  const items = pageItems(body);
  if (items === undefined) return normErr("invalid_record", "expected {data:[...], next_cursor} or an array");
  const out: UserFillEvent[] = [];
  const rejected: { index: number; error: NormalizeError }[] = [];
  items.forEach((it, index) => {
    const r = fillsFromClobTrade(it, identity);
    if (r.ok) out.push(...r.value);
    else rejected.push({ index, error: r.error });
  });
  return ok({ items: out, rejected, cursor: pageCursor(body) });
}

function tickFromAny(v: unknown): TickSize | undefined {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return undefined;
    const u = Math.round(v * 10_000);
    return isTickSize(u) && Math.abs(u / 10_000 - v) < 1e-12 ? u : undefined;
  }
  if (typeof v === "string") {
    const n = Number(v);
    return v.length > 0 && Number.isFinite(n) ? tickFromAny(n) : undefined;
  }
  return undefined;
}

function sizeFromAny(v: unknown): number | undefined {
  const n = typeof v === "number" ? v : typeof v === "string" && v.length > 0 ? Number(v) : Number.NaN;
  return sizeFromNumber(n);
}

const isYesLabel = (s: string): boolean => s.trim().toLowerCase() === "yes";

/** Picks YES/NO among two labelled tokens: the one labelled "Yes" if any, else the first outcome. */
function pair(
  tokens: { tokenId: string; label: string }[],
): Result<{ yes: { tokenId: string; label: string }; no: { tokenId: string; label: string } }, NormalizeError> {
  if (tokens.length !== 2) return normErr("not_binary", `expected 2 outcome tokens, got ${tokens.length}`);
  const [a, b] = tokens as [{ tokenId: string; label: string }, { tokenId: string; label: string }];
  return ok(isYesLabel(b.label) && !isYesLabel(a.label) ? { yes: b, no: a } : { yes: a, no: b });
}

function endTime(v: unknown): number | undefined {
  return typeof v === "string" && v.length > 0 ? toEpochMs(v) : undefined;
}

/** CLOB `GET /markets/{cid}` record → `MarketInfo` (binary markets only). */
export function marketInfoFromClob(record: unknown): Result<MarketInfo, NormalizeError> {
  if (!isObj(record)) return normErr("invalid_record", "expected an object");
  const cid = parseConditionId(String(record.condition_id));
  if (!cid.ok) return normErr("invalid_id", `condition_id: ${cid.error.reason}`);
  if (!Array.isArray(record.tokens)) return normErr("missing_field", "tokens: expected an array");
  const tokens: { tokenId: string; label: string }[] = [];
  for (const t of record.tokens) {
    if (!isObj(t)) return normErr("invalid_record", "tokens[]: expected objects");
    const tid = parseTokenId(String(t.token_id));
    if (!tid.ok) return normErr("invalid_id", `tokens[].token_id: ${tid.error.reason}`);
    tokens.push({ tokenId: tid.value, label: typeof t.outcome === "string" ? t.outcome : "" });
  }
  const p = pair(tokens);
  if (!p.ok) return p;
  const tickSize = tickFromAny(record.minimum_tick_size);
  if (tickSize === undefined) return normErr("invalid_tick_size", `minimum_tick_size ${JSON.stringify(record.minimum_tick_size)}`);
  const minOrderSize = sizeFromAny(record.minimum_order_size);
  if (minOrderSize === undefined) return normErr("invalid_number", `minimum_order_size ${JSON.stringify(record.minimum_order_size)}`);
  const end = endTime(record.end_date_iso);
  return ok({
    conditionId: cid.value,
    question: typeof record.question === "string" ? record.question : "",
    slug: typeof record.market_slug === "string" ? record.market_slug : "",
    yes: p.value.yes as MarketInfo["yes"],
    no: p.value.no as MarketInfo["no"],
    tickSize,
    minOrderSize: minOrderSize as MarketInfo["minOrderSize"],
    negRisk: record.neg_risk === true,
    ...(end !== undefined ? { endTime: end } : {}),
    active: record.active === true,
    closed: record.closed === true,
  });
}

/** Gamma market (JSON-encoded `outcomes` / `clobTokenIds`) → `MarketInfo` (binary markets only). */
export function marketInfoFromGamma(record: unknown): Result<MarketInfo, NormalizeError> {
  if (!isObj(record)) return normErr("invalid_record", "expected an object");
  const cid = parseConditionId(String(record.conditionId));
  if (!cid.ok) return normErr("invalid_id", `conditionId: ${cid.error.reason}`);
  const ids = parseGammaStringArray(record.clobTokenIds);
  if (ids === undefined) return normErr("missing_field", "clobTokenIds: expected a JSON-encoded array of token ids");
  const labels = parseGammaStringArray(record.outcomes) ?? [];
  const tokens: { tokenId: string; label: string }[] = [];
  for (let i = 0; i < ids.length; i++) {
    const tid = parseTokenId(ids[i]!);
    if (!tid.ok) return normErr("invalid_id", `clobTokenIds[${i}]: ${tid.error.reason}`);
    tokens.push({ tokenId: tid.value, label: labels[i] ?? "" });
  }
  const p = pair(tokens);
  if (!p.ok) return p;
  const tickSize = tickFromAny(record.orderPriceMinTickSize);
  if (tickSize === undefined) return normErr("invalid_tick_size", `orderPriceMinTickSize ${JSON.stringify(record.orderPriceMinTickSize)}`);
  const minOrderSize = sizeFromAny(record.orderMinSize);
  if (minOrderSize === undefined) return normErr("invalid_number", `orderMinSize ${JSON.stringify(record.orderMinSize)}`);
  const end = endTime(record.endDate);
  const start = endTime(record.eventStartTime);
  const feeSchedule = gammaFeeSchedule(record);
  return ok({
    conditionId: cid.value,
    question: typeof record.question === "string" ? record.question : "",
    slug: typeof record.slug === "string" ? record.slug : "",
    yes: p.value.yes as MarketInfo["yes"],
    no: p.value.no as MarketInfo["no"],
    tickSize,
    minOrderSize: minOrderSize as MarketInfo["minOrderSize"],
    negRisk: record.negRisk === true,
    ...(end !== undefined ? { endTime: end } : {}),
    ...(start !== undefined ? { startTime: start } : {}),
    active: record.active === true,
    closed: record.closed === true,
    ...(feeSchedule !== undefined ? { feeSchedule } : {}),
  });
}

/**
 * The charged taker fee schedule of a Gamma market: `NO_FEES` when `feesEnabled` is false, the parsed
 * `feeSchedule` when present and valid, otherwise unknown (`makerBaseFee`/`takerBaseFee` are caps,
 * not rates, so they are not used).
 */
function gammaFeeSchedule(record: Record<string, unknown>): FeeSchedule | undefined {
  if (record.feesEnabled === false) return NO_FEES;
  if (record.feeSchedule === undefined || record.feeSchedule === null) return undefined;
  const s = parseFeeSchedule(record.feeSchedule);
  return s.ok ? s.value : undefined;
}

/** A Data-API `/trades` row with exact integer numbers (the API sends JSON floats and seconds). */
export interface DataApiTrade {
  readonly tokenId: TokenId;
  readonly conditionId: ConditionId;
  readonly side: "BUY" | "SELL";
  readonly price: Price;
  readonly size: Size;
  /** Epoch ms. */
  readonly timestamp: number;
  readonly transactionHash: string | undefined;
  readonly proxyWallet: string | undefined;
  readonly outcome: string | undefined;
}

/**
 * Data-API trade row → `DataApiTrade`. Prices must be on the 1e-4 grid and sizes on the 1e-6 grid
 * (float noise below 1e-9 tolerated); anything else is rejected rather than silently rounded.
 */
export function normalizeDataTrade(record: unknown): Result<DataApiTrade, NormalizeError> {
  if (!isObj(record)) return normErr("invalid_record", "expected an object");
  const tid = parseTokenId(String(record.asset));
  if (!tid.ok) return normErr("invalid_id", `asset: ${tid.error.reason}`);
  const cid = parseConditionId(String(record.conditionId));
  if (!cid.ok) return normErr("invalid_id", `conditionId: ${cid.error.reason}`);
  const side = record.side;
  if (side !== "BUY" && side !== "SELL") return normErr("invalid_record", `side ${JSON.stringify(side)}`);
  const p = typeof record.price === "number" ? priceFromNumber(record.price) : undefined;
  if (p === undefined || Math.abs(p / PRICE_SCALE - (record.price as number)) > 1e-9)
    return normErr("invalid_number", `price ${JSON.stringify(record.price)}`);
  const s = typeof record.size === "number" ? sizeFromNumber(record.size) : undefined;
  if (s === undefined || Math.abs(s / 1e6 - (record.size as number)) > 1e-9 * Math.max(1, record.size as number))
    return normErr("invalid_number", `size ${JSON.stringify(record.size)}`);
  const ts = toEpochMs(record.timestamp);
  if (ts === undefined) return normErr("missing_field", "timestamp: expected unix seconds");
  return ok({
    tokenId: tid.value,
    conditionId: cid.value,
    side,
    price: p,
    size: s,
    timestamp: ts,
    transactionHash: typeof record.transactionHash === "string" ? record.transactionHash : undefined,
    proxyWallet: typeof record.proxyWallet === "string" ? record.proxyWallet : undefined,
    outcome: typeof record.outcome === "string" ? record.outcome : undefined,
  });
}
