/**
 * `mm-protocol decode [--as KIND] FILE`: turns a file of raw frames or REST bodies into NDJSON
 * lines (one per event; decimals canonical, times in epoch ms). Pure: content in, lines out.
 */
import { formatPrice, formatSize, parsePriceUnits, parseSizeUnits } from "@mm/types";
import type { WsEvent } from "../decode/events.js";
import { decodeWsFrame, inferEventType, parseLevels } from "../decode/ws-decoder.js";
import { fieldError } from "../decode/fields.js";
import { decodeUserTrade } from "../decode/user-messages.js";
import { toEpochMs } from "../internal/time.js";
import { END_CURSOR } from "../wire/common.js";
import { parseGammaStringArray } from "../wire/gamma.js";

export const DECODE_KINDS = ["ws", "book", "clob-markets", "clob-market", "gamma-markets", "data-trades"] as const;
export type DecodeKind = (typeof DECODE_KINDS)[number];

export type Line = Record<string, unknown>;
/** Where output records go (an array, or a writer that streams them). */
export interface LineSink {
  push(line: Line): unknown;
}
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Canonical decimal text of a wire decimal string or JSON number ("0.50" → "0.5", 100.0 → "100"); null if not a plain non-negative decimal. */
export function canonicalDecimal(v: unknown): string | null {
  let s: string;
  if (typeof v === "number") {
    if (!Number.isFinite(v) || v < 0) return null;
    s = Number.isInteger(v) ? String(v) : v.toFixed(12);
  } else if (typeof v === "string") s = v.trim();
  else return null;
  if (!/^(?:\d+(?:\.\d*)?|\.\d+)$/.test(s)) return null;
  let [int = "", frac = ""] = s.split(".");
  int = int.replace(/^0+(?=\d)/, "");
  if (int === "") int = "0";
  frac = frac.replace(/0+$/, "");
  return frac.length > 0 ? `${int}.${frac}` : int;
}

const err = (reason: string): Line => ({ type: "error", reason });

function wsEventLines(ev: WsEvent, out: LineSink): void {
  switch (ev.kind) {
    case "book":
      out.push({
        type: "book",
        asset: ev.assetId,
        market: ev.market,
        bestBid: ev.bids[0] ? formatPrice(ev.bids[0].price) : null,
        bestAsk: ev.asks[0] ? formatPrice(ev.asks[0].price) : null,
        bids: ev.bids.length,
        asks: ev.asks.length,
        ts: ev.timestamp,
      });
      return;
    case "price_change":
      for (const c of ev.changes)
        out.push({
          type: "level",
          asset: c.assetId,
          side: c.side,
          price: formatPrice(c.price),
          size: formatSize(c.size),
          ts: ev.timestamp,
        });
      return;
    case "last_trade_price":
      out.push({
        type: "trade",
        asset: ev.assetId,
        price: formatPrice(ev.price),
        size: formatSize(ev.size),
        side: ev.side ?? null,
        ts: ev.timestamp,
      });
      return;
    case "tick_size_change":
      out.push({ type: "tick", asset: ev.assetId, from: formatPrice(ev.oldTickSize), to: formatPrice(ev.newTickSize), ts: ev.timestamp });
      return;
    case "best_bid_ask":
      out.push({ type: "bbo", asset: ev.assetId, bestBid: formatPrice(ev.bestBid), bestAsk: formatPrice(ev.bestAsk), ts: ev.timestamp });
      return;
    case "new_market":
      out.push({ type: "new_market", market: ev.market, assets: ev.assetIds });
      return;
    case "market_resolved":
      out.push({ type: "resolved", market: ev.market, winner: ev.winningAssetId });
      return;
    case "user_order":
      out.push({
        type: "order",
        id: ev.id,
        event: ev.eventType,
        status: ev.status === "" ? null : ev.status,
        asset: ev.assetId,
        side: ev.side,
        price: formatPrice(ev.price),
        originalSize: formatSize(ev.originalSize),
        sizeMatched: formatSize(ev.sizeMatched),
        ts: ev.timestamp,
      });
      return;
    case "user_trade": {
      let cross = 0;
      for (const l of ev.makerOrders) if (l.assetId !== ev.assetId) cross++;
      out.push({
        type: "user_trade",
        id: ev.id,
        status: ev.status ?? ev.rawStatus,
        asset: ev.assetId,
        side: ev.side,
        price: formatPrice(ev.price),
        size: formatSize(ev.size),
        traderSide: ev.traderSide ?? null,
        makerLegs: ev.makerOrders.length,
        crossAssetLegs: cross,
        ts: ev.timestamp,
      });
      return;
    }
  }
}

function decodeFrameLines(frame: string, out: LineSink): void {
  const d = decodeWsFrame(frame);
  if (d.text !== undefined) out.push({ type: "text", value: d.text });
  for (const ev of d.events) wsEventLines(ev, out);
  for (const e of d.errors) out.push(err(`${e.reason}: ${e.detail}`));
}

/** Splits the file into raw frames: one JSON document, or NDJSON / line-delimited raw frames. */
function frames(content: string): { whole: unknown; ok: true } | { lines: string[]; ok: false } {
  const trimmed = content.trim();
  if (trimmed.length === 0) return { lines: [], ok: false };
  try {
    return { whole: JSON.parse(trimmed), ok: true };
  } catch {
    return { lines: content.split(/\r?\n/).filter((l) => l.trim().length > 0), ok: false };
  }
}

const WRAPPER_KEYS = ["frame", "raw", "data", "payload", "message", "msg", "text"] as const;

/**
 * A line may itself be a JSON string holding the raw frame, or a recorder record wrapping it
 * (`{"ts":…, "frame":"…"}`): unwrap when the object is not itself an event.
 */
function unwrapFrameLine(line: string): string {
  const t = line.trim();
  const c = t.charCodeAt(0);
  if (c !== 34 /* " */ && c !== 123 /* { */) return line;
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    return line;
  }
  if (typeof v === "string") return v;
  if (!isObj(v) || v.event_type !== undefined || inferEventType(v) !== undefined) return line;
  for (const k of WRAPPER_KEYS) {
    const inner = v[k];
    if (typeof inner === "string") return inner;
    if (isObj(inner) || Array.isArray(inner)) return JSON.stringify(inner);
  }
  return line;
}

function wsLines(content: string, out: LineSink): void {
  const f = frames(content);
  if (f.ok) {
    // A JSON array of strings is a list of raw frames; anything else is one frame.
    if (Array.isArray(f.whole) && f.whole.length > 0 && f.whole.every((x) => typeof x === "string")) {
      for (const s of f.whole as string[]) decodeFrameLines(s, out);
    } else decodeFrameLines(content, out);
  } else for (const l of f.lines) decodeFrameLines(unwrapFrameLine(l), out);
}

/** Parses every REST document in the file (one JSON document or NDJSON); invalid JSON → an error line. */
function restDocs(content: string, out: LineSink): unknown[] {
  const f = frames(content);
  if (f.ok) return [f.whole];
  const docs: unknown[] = [];
  for (const l of f.lines) {
    try {
      docs.push(JSON.parse(l));
    } catch {
      out.push(err(`invalid_json: ${l.trim().slice(0, 60)}`));
    }
  }
  return docs;
}

function restBookLine(o: unknown): Line {
  if (!isObj(o)) return err("not_an_object: expected a book summary object");
  if (typeof o.asset_id !== "string" || o.asset_id === "") return err("missing_field: asset_id");
  const bids = parseLevels(o.bids, true, "bids");
  if (bids === undefined) return err(`${fieldError.reason}: ${fieldError.detail}`);
  const asks = parseLevels(o.asks, false, "asks");
  if (asks === undefined) return err(`${fieldError.reason}: ${fieldError.detail}`);
  return {
    type: "book",
    asset: o.asset_id,
    market: typeof o.market === "string" ? o.market : null,
    bestBid: bids[0] ? formatPrice(bids[0].price) : null,
    bestAsk: asks[0] ? formatPrice(asks[0].price) : null,
    bids: bids.length,
    asks: asks.length,
    ts: toEpochMs(o.timestamp) ?? null,
  };
}

const boolOrNull = (v: unknown): boolean | null => (typeof v === "boolean" ? v : null);

function clobMarketLine(o: unknown): Line {
  if (!isObj(o)) return err("not_an_object: expected a market object");
  if (typeof o.condition_id !== "string" || o.condition_id === "") return err("missing_field: condition_id");
  if (!Array.isArray(o.tokens)) return err("missing_field: tokens");
  const tokens: Line[] = [];
  for (const t of o.tokens) {
    if (!isObj(t) || typeof t.token_id !== "string") return err("invalid_field: tokens[] needs token_id strings");
    tokens.push({ tokenId: t.token_id, outcome: typeof t.outcome === "string" ? t.outcome : null });
  }
  return {
    type: "market",
    conditionId: o.condition_id,
    tokens,
    tick: canonicalDecimal(o.minimum_tick_size),
    minSize: canonicalDecimal(o.minimum_order_size),
    negRisk: o.neg_risk === true,
    active: boolOrNull(o.active),
    closed: boolOrNull(o.closed),
  };
}

function gammaMarketLine(o: unknown): Line {
  if (!isObj(o)) return err("not_an_object: expected a Gamma market object");
  if (typeof o.conditionId !== "string" || o.conditionId === "") return err("missing_field: conditionId");
  const ids = o.clobTokenIds === undefined ? [] : parseGammaStringArray(o.clobTokenIds);
  if (ids === undefined) return err("invalid_field: clobTokenIds is not a JSON-encoded string array");
  const outcomes = o.outcomes === undefined ? [] : parseGammaStringArray(o.outcomes);
  if (outcomes === undefined) return err("invalid_field: outcomes is not a JSON-encoded string array");
  return {
    type: "market",
    conditionId: o.conditionId,
    tokens: ids.map((tokenId, i) => ({ tokenId, outcome: outcomes[i] ?? null })),
    tick: canonicalDecimal(o.orderPriceMinTickSize),
    minSize: canonicalDecimal(o.orderMinSize),
    negRisk: o.negRisk === true,
    active: boolOrNull(o.active),
    closed: boolOrNull(o.closed),
  };
}

const cursorLine = (next: unknown): Line => {
  const n = typeof next === "string" && next.length > 0 ? next : null;
  return { type: "cursor", next: n, end: n === null || n === END_CURSOR };
};

function clobMarketsLines(doc: unknown, out: LineSink): void {
  if (Array.isArray(doc)) for (const m of doc) out.push(clobMarketLine(m));
  else if (isObj(doc) && Array.isArray(doc.data)) {
    for (const m of doc.data) out.push(clobMarketLine(m));
    out.push(cursorLine(doc.next_cursor));
  } else out.push(clobMarketLine(doc));
}

function gammaLines(doc: unknown, out: LineSink): void {
  if (Array.isArray(doc)) {
    for (const m of doc) gammaLines(m, out);
    return;
  }
  if (!isObj(doc)) {
    out.push(err("not_an_object: expected Gamma markets or events"));
    return;
  }
  if (Array.isArray(doc.markets) && doc.conditionId === undefined) {
    for (const m of doc.markets) out.push(gammaMarketLine(m));
    // Keyset pages carry next_cursor (absent on the last page); events have none.
    if (!("id" in doc)) out.push(cursorLine(doc.next_cursor));
    return;
  }
  if (Array.isArray(doc.events)) {
    for (const e of doc.events) gammaLines(e, out);
    return;
  }
  out.push(gammaMarketLine(doc));
}

function priceText(v: unknown): string | null {
  if (typeof v === "number") {
    const c = canonicalDecimal(v);
    return c !== null && parsePriceUnits(c) >= 0 ? c : null;
  }
  const u = parsePriceUnits(v);
  return u < 0 ? null : formatPrice(u);
}
function sizeText(v: unknown): string | null {
  if (typeof v === "number") {
    const c = canonicalDecimal(v);
    return c !== null && parseSizeUnits(c) >= 0 ? c : null;
  }
  const u = parseSizeUnits(v);
  return u < 0 ? null : formatSize(u);
}

function restTradeLine(o: unknown): Line {
  if (!isObj(o)) return err("not_an_object: expected a trade object");
  if (typeof o.asset === "string") {
    // Data API row.
    const price = priceText(o.price);
    const size = sizeText(o.size);
    if (price === null) return err(`invalid_number: price ${JSON.stringify(o.price)}`);
    if (size === null) return err(`invalid_number: size ${JSON.stringify(o.size)}`);
    if (o.side !== "BUY" && o.side !== "SELL") return err("invalid_field: side");
    return {
      type: "rest_trade",
      id: typeof o.transactionHash === "string" ? o.transactionHash : null,
      asset: o.asset,
      price,
      size,
      side: o.side,
      ts: toEpochMs(o.timestamp) ?? null,
    };
  }
  const m = decodeUserTrade(o);
  if (m === undefined) return err(`${fieldError.reason}: ${fieldError.detail}`);
  return {
    type: "rest_trade",
    id: m.id,
    asset: m.assetId,
    price: formatPrice(m.price),
    size: formatSize(m.size),
    side: m.side,
    ts: m.matchTime,
  };
}

function dataTradesLines(doc: unknown, out: LineSink): void {
  if (Array.isArray(doc)) for (const t of doc) out.push(restTradeLine(t));
  else if (isObj(doc) && Array.isArray(doc.data)) {
    for (const t of doc.data) out.push(restTradeLine(t));
    const p = doc.pagination;
    out.push(cursorLine(isObj(p) ? (p.has_more === false ? undefined : p.next_cursor) : doc.next_cursor));
  } else out.push(restTradeLine(doc));
}

/** Decodes file content as `kind` into output records (serialize each with JSON.stringify). */
export function decodeContent(raw: string, kind: DecodeKind): Line[] {
  const out: Line[] = [];
  decodeContentTo(raw, kind, out);
  return out;
}

/** Same as `decodeContent`, streaming each record into `out` as it is produced. */
export function decodeContentTo(raw: string, kind: DecodeKind, out: LineSink): void {
  const content = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  if (kind === "ws") {
    wsLines(content, out);
    return;
  }
  for (const doc of restDocs(content, out)) {
    switch (kind) {
      case "book":
        if (Array.isArray(doc)) for (const b of doc) out.push(restBookLine(b));
        else out.push(restBookLine(doc));
        break;
      case "clob-markets":
      case "clob-market":
        clobMarketsLines(doc, out);
        break;
      case "gamma-markets":
        gammaLines(doc, out);
        break;
      case "data-trades":
        dataTradesLines(doc, out);
        break;
    }
  }
}
