/**
 * The fast WebSocket frame decoder (market and user channel). Raw frame (string, Buffer or
 * Uint8Array) → `DecodedFrame`. No zod, no Decimal, no exceptions escape: every failure is a
 * `FrameError`.
 *
 * Two paths, one result: frames made only of valid hot market events (`price_change`, `book`,
 * `best_bid_ask`, `last_trade_price`) are decoded by the byte scanner of `fast-scan.ts`; anything
 * it does not fully understand (it bails out) goes through the generic path: JSON.parse, then
 * hand-written field extraction into integers with the @mm/types scanners. Both give the same
 * events, errors and stats for every input (differential tests in test/fast-scan.test.ts).
 *
 * - Object or array frames; non-JSON text frames (PONG, NO NEW ASSETS) reported as `text`.
 * - `book` levels are returned best-first whatever the wire order (the wire sends worst-first).
 * - All three `price_change` schemas; events without `event_type` are recognized by shape
 *   (third-party recordings strip it).
 * - Unknown event types are counted (in the frame and in `DecoderStats`) and skipped.
 * - A malformed event is rejected whole (a half-applied price_change would corrupt a book); the
 *   other events of the frame are still delivered.
 */
import type { BookLevel, BookSide, Price, Side, Size } from "@mm/types";
import { toEpochMs } from "../internal/time.js";
import type {
  BestBidAskEvent,
  BookEvent,
  DecodedFrame,
  FrameError,
  FrameErrorReason,
  LastTradePriceEvent,
  LevelChange,
  MarketResolvedEvent,
  NewMarketEvent,
  PriceChangeEvent,
  TickSizeChangeEvent,
  WsEvent,
} from "./events.js";
import { fastScanFrame } from "./fast-scan.js";
import {
  fail,
  fieldError,
  intField,
  type Obj,
  optString,
  preview,
  reqPrice,
  reqSide,
  reqSize,
  reqString,
  stringArray,
  tickFrom,
} from "./fields.js";
import { decodeUserOrder, decodeUserTrade } from "./user-messages.js";

export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** Running counters a feed keeps per connection (export them as metrics). */
export class DecoderStats {
  frames = 0;
  events = 0;
  textFrames = 0;
  rejectedEvents = 0;
  rejectedFrames = 0;
  unknownEvents = 0;
  /** Unknown `event_type` values and how often they were seen (capped at 64 distinct keys). */
  readonly unknownTypes = new Map<string, number>();

  countUnknown(type: string): void {
    this.unknownEvents++;
    const key = type.length > 64 ? type.slice(0, 64) : type;
    const n = this.unknownTypes.get(key);
    if (n !== undefined) this.unknownTypes.set(key, n + 1);
    else if (this.unknownTypes.size < 64) this.unknownTypes.set(key, 1);
  }
}

export interface DecodeOptions {
  readonly stats?: DecoderStats;
  /** Frames longer than this (bytes or UTF-16 units) are rejected unparsed. */
  readonly maxFrameBytes?: number;
}

const EMPTY_ERRORS: FrameError[] = [];
const textDecoder = new TextDecoder("utf-8", { fatal: false });
const KNOWN_TEXT = new Set(["PONG", "PING", "NO NEW ASSETS"]);
const JSON_SCALAR = /^(?:null|true|false|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|"[^"]*")$/;

/** Shared empty list for frames without events (never mutated: `add` replaces it). */
const NO_EVENTS: WsEvent[] = [];

class Frame implements DecodedFrame {
  events: WsEvent[] = NO_EVENTS;
  errors: FrameError[] = EMPTY_ERRORS;
  text: string | undefined = undefined;
  unknown = 0;
  /** Appends an event; a one-event frame gets an exactly sized array (no push growth). */
  add(ev: WsEvent): void {
    if (this.events === NO_EVENTS) this.events = [ev];
    else this.events.push(ev);
  }
  reject(reason: FrameErrorReason, detail: string, eventType: string | undefined): void {
    if (this.errors === EMPTY_ERRORS) this.errors = [];
    this.errors.push({ reason, detail, eventType });
  }
}

/** Decodes one WebSocket frame. Never throws. */
export function decodeWsFrame(raw: string | Uint8Array, options?: DecodeOptions): DecodedFrame {
  return decodeFrame(raw, options, true);
}

/**
 * Internal (not exported from the package index): `decodeWsFrame` without the byte-scanner fast
 * path, for the differential tests and benches.
 */
export function decodeWsFrameGeneric(raw: string | Uint8Array, options?: DecodeOptions): DecodedFrame {
  return decodeFrame(raw, options, false);
}

function decodeFrame(raw: string | Uint8Array, options: DecodeOptions | undefined, fast: boolean): DecodedFrame {
  const frame = new Frame();
  const stats = options?.stats;
  if (stats) stats.frames++;
  const max = options?.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  let text: string;
  if (typeof raw === "string") {
    if (raw.length > max) return rejectFrame(frame, stats, "oversized_frame", `${raw.length} chars > ${max}`);
    if (fast && fastPath(raw, frame, stats)) return frame;
    text = raw;
  } else if (raw instanceof Uint8Array) {
    if (raw.length > max) return rejectFrame(frame, stats, "oversized_frame", `${raw.length} bytes > ${max}`);
    if (fast && fastPath(raw, frame, stats)) return frame;
    text = Buffer.isBuffer(raw) ? raw.toString("utf8") : textDecoder.decode(raw);
  } else {
    return rejectFrame(frame, stats, "invalid_json", `unsupported frame type ${typeof raw}`);
  }
  if (text.length > max) return rejectFrame(frame, stats, "oversized_frame", `${text.length} chars > ${max}`);
  let first = 0;
  while (first < text.length && text.charCodeAt(first) <= 32) first++;
  if (first === text.length) return rejectFrame(frame, stats, "empty_frame", "empty or whitespace-only frame");
  const c0 = text.charCodeAt(first);
  if (c0 !== 123 /* { */ && c0 !== 91 /* [ */) {
    const t = text.trim();
    if (JSON_SCALAR.test(t)) return rejectFrame(frame, stats, "not_an_event", `JSON scalar frame ${preview(t)}`);
    if (KNOWN_TEXT.has(t) || isPlainText(t)) {
      frame.text = t;
      if (stats) stats.textFrames++;
      return frame;
    }
    return rejectFrame(frame, stats, "invalid_json", `not JSON and not a text notice: ${preview(t)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return rejectFrame(frame, stats, "invalid_json", e instanceof Error ? e.message.slice(0, 120) : "JSON.parse failed");
  }
  if (Array.isArray(parsed)) {
    for (let i = 0; i < parsed.length; i++) decodeEvent(parsed[i], frame, stats);
  } else {
    decodeEvent(parsed, frame, stats);
  }
  return frame;
}

/** The byte scanner; false when it bailed out (the generic path then decodes the frame from scratch). */
function fastPath(raw: string | Uint8Array, frame: Frame, stats: DecoderStats | undefined): boolean {
  let events: WsEvent[] | undefined;
  try {
    events = fastScanFrame(raw);
  } catch {
    return false; // not expected (the scanner does not throw); the generic path decides, never a crash
  }
  if (events === undefined) return false;
  if (events.length > 0) frame.events = events;
  if (stats) stats.events += events.length;
  return true;
}

function rejectFrame(frame: Frame, stats: DecoderStats | undefined, reason: FrameErrorReason, detail: string): Frame {
  frame.reject(reason, detail, undefined);
  if (stats) stats.rejectedFrames++;
  return frame;
}

/** Short printable ASCII without JSON punctuation: a server notice such as "NO NEW ASSETS". */
function isPlainText(t: string): boolean {
  if (t.length === 0 || t.length > 256) return false;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 32 || c > 126 || c === 123 || c === 125 || c === 91 || c === 93 || c === 34) return false;
  }
  return true;
}

/** Recognizes an event without `event_type` by its fields. */
export function inferEventType(o: Obj): string | undefined {
  if (o.bids !== undefined && o.asks !== undefined) return "book";
  if (o.price_changes !== undefined || o.changes !== undefined) return "price_change";
  if (o.new_tick_size !== undefined) return "tick_size_change";
  if (o.winning_asset_id !== undefined) return "market_resolved";
  if (o.taker_order_id !== undefined || o.maker_orders !== undefined || o.type === "TRADE") return "trade";
  if (o.original_size !== undefined && (o.type === "PLACEMENT" || o.type === "UPDATE" || o.type === "CANCELLATION")) return "order";
  if (o.best_bid !== undefined && o.best_ask !== undefined) return "best_bid_ask";
  if (o.price !== undefined && o.size !== undefined && o.side !== undefined) {
    if (o.fee_rate_bps !== undefined) return "last_trade_price";
    if (o.hash !== undefined) return "price_change";
  }
  return undefined;
}

function decodeEvent(value: unknown, frame: Frame, stats: DecoderStats | undefined): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    frame.reject("not_an_event", `expected an event object, got ${preview(value)}`, undefined);
    if (stats) stats.rejectedEvents++;
    return;
  }
  const o = value as Obj;
  let type = o.event_type;
  if (type === undefined) type = inferEventType(o);
  let ev: WsEvent | undefined;
  switch (type) {
    case "book":
      ev = decodeBook(o);
      break;
    case "price_change":
      ev = decodePriceChange(o);
      break;
    case "last_trade_price":
      ev = decodeLastTrade(o);
      break;
    case "tick_size_change":
      ev = decodeTickSizeChange(o);
      break;
    case "best_bid_ask":
      ev = decodeBestBidAsk(o);
      break;
    case "new_market":
      ev = decodeNewMarket(o);
      break;
    case "market_resolved":
      ev = decodeMarketResolved(o);
      break;
    case "order":
      ev = decodeUserOrder(o);
      break;
    case "trade":
      ev = decodeUserTrade(o);
      break;
    default: {
      frame.unknown++;
      if (stats) stats.countUnknown(typeof type === "string" ? type : "<missing event_type>");
      return;
    }
  }
  if (ev === undefined) {
    frame.reject(fieldError.reason, fieldError.detail, type);
    if (stats) stats.rejectedEvents++;
    return;
  }
  frame.add(ev);
  if (stats) stats.events++;
}

function reqTimestamp(o: Obj): number | undefined {
  const t = toEpochMs(o.timestamp);
  return t ?? fail(o.timestamp === undefined ? "missing_field" : "invalid_field", `timestamp: expected epoch ms (${preview(o.timestamp)})`);
}

/**
 * Parses book levels and returns them best-first: bids by descending price, asks ascending.
 * The wire is normally worst-first (reversed in O(n)); anything else is sorted.
 */
export function parseLevels(arr: unknown, bids: boolean, key: string): BookLevel[] | undefined {
  if (!Array.isArray(arr)) return fail(arr === undefined ? "missing_field" : "invalid_field", `${key}: expected an array of levels`);
  const n = arr.length;
  const out = new Array<BookLevel>(n);
  let ascending = true;
  let descending = true;
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const l = arr[i] as Obj;
    if (typeof l !== "object" || l === null) return fail("invalid_field", `${key}[${i}]: expected {price,size}`);
    const p = reqPrice(l, "price");
    if (p < 0) return fail(fieldError.reason, `${key}[${i}].${fieldError.detail}`);
    const s = reqSize(l, "size");
    if (s < 0) return fail(fieldError.reason, `${key}[${i}].${fieldError.detail}`);
    if (i > 0) {
      if (p < prev) ascending = false;
      else if (p > prev) descending = false;
    }
    prev = p;
    out[i] = { price: p as Price, size: s as Size };
  }
  // Best-first: bids descending, asks ascending.
  if (bids ? descending : ascending) return out;
  if (bids ? ascending : descending) return out.reverse();
  return out.sort(bids ? (a, b) => b.price - a.price : (a, b) => a.price - b.price);
}

function decodeBook(o: Obj): BookEvent | undefined {
  const assetId = reqString(o, "asset_id");
  if (assetId === undefined) return undefined;
  const market = reqString(o, "market");
  if (market === undefined) return undefined;
  const timestamp = reqTimestamp(o);
  if (timestamp === undefined) return undefined;
  // Very old docs used buys/sells.
  const bids = parseLevels(o.bids ?? o.buys, true, "bids");
  if (bids === undefined) return undefined;
  const asks = parseLevels(o.asks ?? o.sells, false, "asks");
  if (asks === undefined) return undefined;
  return { kind: "book", assetId, market, timestamp, hash: optString(o, "hash"), bids, asks };
}

function bookSide(side: Side): BookSide {
  return side === "BUY" ? "BID" : "ASK";
}

function optPrice(o: Obj, key: string): Price | undefined | null {
  const v = o[key];
  if (v === undefined || v === null || v === "") return undefined;
  const p = reqPrice(o, key);
  return p < 0 ? null : (p as Price);
}

function decodeChange(o: Obj, assetId: string, hash: string | undefined, withBbo: boolean): LevelChange | undefined {
  const side = reqSide(o, "side");
  if (side === undefined) return undefined;
  const price = reqPrice(o, "price");
  if (price < 0) return undefined;
  const size = reqSize(o, "size");
  if (size < 0) return undefined;
  let bestBid: Price | undefined;
  let bestAsk: Price | undefined;
  if (withBbo) {
    const bb = optPrice(o, "best_bid");
    if (bb === null) return undefined;
    const ba = optPrice(o, "best_ask");
    if (ba === null) return undefined;
    bestBid = bb;
    bestAsk = ba;
  }
  return { assetId, side: bookSide(side), price: price as Price, size: size as Size, bestBid, bestAsk, hash };
}

function decodePriceChange(o: Obj): PriceChangeEvent | undefined {
  const market = reqString(o, "market");
  if (market === undefined) return undefined;
  const timestamp = reqTimestamp(o);
  if (timestamp === undefined) return undefined;
  const pcs = o.price_changes;
  if (pcs !== undefined) {
    if (!Array.isArray(pcs)) return fail("invalid_field", "price_changes: expected an array");
    const changes = new Array<LevelChange>(pcs.length);
    for (let i = 0; i < pcs.length; i++) {
      const e = pcs[i] as Obj;
      if (typeof e !== "object" || e === null) return fail("invalid_field", `price_changes[${i}]: expected an object`);
      const assetId = reqString(e, "asset_id");
      if (assetId === undefined) return fail(fieldError.reason, `price_changes[${i}].${fieldError.detail}`);
      const c = decodeChange(e, assetId, optString(e, "hash"), true);
      if (c === undefined) return fail(fieldError.reason, `price_changes[${i}].${fieldError.detail}`);
      changes[i] = c;
    }
    return { kind: "price_change", market, timestamp, schema: "current", changes };
  }
  const assetId = reqString(o, "asset_id");
  if (assetId === undefined) return undefined;
  const hash = optString(o, "hash");
  const chs = o.changes;
  if (chs !== undefined) {
    if (!Array.isArray(chs)) return fail("invalid_field", "changes: expected an array");
    const changes = new Array<LevelChange>(chs.length);
    for (let i = 0; i < chs.length; i++) {
      const e = chs[i] as Obj;
      if (typeof e !== "object" || e === null) return fail("invalid_field", `changes[${i}]: expected an object`);
      const c = decodeChange(e, assetId, hash, false);
      if (c === undefined) return fail(fieldError.reason, `changes[${i}].${fieldError.detail}`);
      changes[i] = c;
    }
    return { kind: "price_change", market, timestamp, schema: "legacy_changes", changes };
  }
  const c = decodeChange(o, assetId, hash, false);
  if (c === undefined) return undefined;
  return { kind: "price_change", market, timestamp, schema: "legacy_flat", changes: [c] };
}

function decodeLastTrade(o: Obj): LastTradePriceEvent | undefined {
  const assetId = reqString(o, "asset_id");
  if (assetId === undefined) return undefined;
  const market = reqString(o, "market");
  if (market === undefined) return undefined;
  const price = reqPrice(o, "price");
  if (price < 0) return undefined;
  const size = reqSize(o, "size");
  if (size < 0) return undefined;
  const timestamp = reqTimestamp(o);
  if (timestamp === undefined) return undefined;
  const side = o.side === "BUY" || o.side === "SELL" ? o.side : undefined;
  const fee = intField(o.fee_rate_bps, -1);
  return {
    kind: "last_trade_price",
    assetId,
    market,
    price: price as Price,
    size: size as Size,
    side,
    feeRateBps: fee < 0 ? undefined : fee,
    timestamp,
  };
}

function decodeTickSizeChange(o: Obj): TickSizeChangeEvent | undefined {
  const assetId = reqString(o, "asset_id");
  if (assetId === undefined) return undefined;
  const market = reqString(o, "market");
  if (market === undefined) return undefined;
  const oldTickSize = tickFrom(o.old_tick_size, "old_tick_size");
  if (oldTickSize === undefined) return undefined;
  const newTickSize = tickFrom(o.new_tick_size, "new_tick_size");
  if (newTickSize === undefined) return undefined;
  const timestamp = reqTimestamp(o);
  if (timestamp === undefined) return undefined;
  return { kind: "tick_size_change", assetId, market, oldTickSize, newTickSize, timestamp };
}

function decodeBestBidAsk(o: Obj): BestBidAskEvent | undefined {
  const assetId = reqString(o, "asset_id");
  if (assetId === undefined) return undefined;
  const market = reqString(o, "market");
  if (market === undefined) return undefined;
  const bestBid = reqPrice(o, "best_bid");
  if (bestBid < 0) return undefined;
  const bestAsk = reqPrice(o, "best_ask");
  if (bestAsk < 0) return undefined;
  const timestamp = reqTimestamp(o);
  if (timestamp === undefined) return undefined;
  return { kind: "best_bid_ask", assetId, market, bestBid: bestBid as Price, bestAsk: bestAsk as Price, timestamp };
}

function decodeNewMarket(o: Obj): NewMarketEvent | undefined {
  const market = optString(o, "market") ?? optString(o, "condition_id");
  if (market === undefined) return fail("missing_field", "market: expected the condition id");
  const assetIds = stringArray(o.assets_ids) ?? stringArray(o.clob_token_ids);
  if (assetIds === undefined) return fail("missing_field", "assets_ids: expected an array of token ids");
  const timestamp = reqTimestamp(o);
  if (timestamp === undefined) return undefined;
  let tickSize: NewMarketEvent["tickSize"];
  if (o.order_price_min_tick_size !== undefined && o.order_price_min_tick_size !== "") {
    tickSize = tickFrom(o.order_price_min_tick_size, "order_price_min_tick_size");
    if (tickSize === undefined) return undefined;
  }
  return {
    kind: "new_market",
    market,
    assetIds,
    outcomes: stringArray(o.outcomes) ?? [],
    question: optString(o, "question"),
    slug: optString(o, "slug"),
    tickSize,
    active: typeof o.active === "boolean" ? o.active : undefined,
    timestamp,
  };
}

function decodeMarketResolved(o: Obj): MarketResolvedEvent | undefined {
  const market = optString(o, "market") ?? optString(o, "condition_id");
  if (market === undefined) return fail("missing_field", "market: expected the condition id");
  const winningAssetId = reqString(o, "winning_asset_id");
  if (winningAssetId === undefined) return undefined;
  const timestamp = reqTimestamp(o);
  if (timestamp === undefined) return undefined;
  return {
    kind: "market_resolved",
    market,
    assetIds: stringArray(o.assets_ids) ?? [],
    winningAssetId,
    winningOutcome: optString(o, "winning_outcome"),
    timestamp,
  };
}
