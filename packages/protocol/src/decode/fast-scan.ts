/**
 * Single-pass byte scanner for the hot market-channel shapes: `price_change` (all three schemas),
 * `book`, `best_bid_ask` and `last_trade_price`, as object or array frames. Prices, sizes and
 * timestamps are read straight from the bytes into integers (no number strings, no Decimal), and
 * the events built are exactly those of the generic JSON.parse path (same fields, same key order,
 * same values, same level order).
 *
 * Conservative by construction: `fastScanFrame` returns `undefined` ("bail") on anything it does not
 * fully understand, and the caller then decodes the frame with the generic path, so behaviour on
 * odd, malformed or hostile input is unchanged. It bails on: escapes or non-ASCII bytes anywhere
 * in the frame, control characters in a string, unknown or duplicate keys, JSON numbers / booleans / null,
 * unexpected nesting, truncation, trailing bytes, unknown or absent-and-uninferable event types,
 * and every value the generic path would reject (bad side, off-scale or malformed number, empty
 * id, non-digit timestamp...). It never throws.
 *
 * Buffers are scanned in place, with two native checks (no backslash, all ASCII) before a frame
 * is accepted; other `Uint8Array`s through a Buffer view over the same memory; strings are first
 * encoded into a reused scratch buffer (one native copy, which also detects non-ASCII text at
 * once: written bytes ≠ characters read). Event strings of frames ≤ SHARED_TEXT_MAX_BYTES are substrings of one text
 * of the frame (so a kept id or hash may keep up to that many bytes alive); larger frames copy
 * each string on its own.
 */
import { isAscii } from "node:buffer";
import type { BookLevel, Price, Size } from "@mm/types";
import type { BestBidAskEvent, BookEvent, LastTradePriceEvent, LevelChange, PriceChangeEvent, WsEvent } from "./events.js";

// Key ids (bit positions in the per-object `seen` mask).
const K_EVENT_TYPE = 0;
const K_MARKET = 1;
const K_ASSET_ID = 2;
const K_TIMESTAMP = 3;
const K_HASH = 4;
const K_PRICE_CHANGES = 5;
const K_CHANGES = 6;
const K_BIDS = 7;
const K_ASKS = 8;
const K_PRICE = 9;
const K_SIZE = 10;
const K_SIDE = 11;
const K_BEST_BID = 12;
const K_BEST_ASK = 13;
const K_FEE_RATE_BPS = 14;
/** `best_bid_ask` carries a `spread` the decoder does not read: the only key skipped unread. */
const K_SPREAD = 15;

const KEY_NAMES = [
  "event_type",
  "market",
  "asset_id",
  "timestamp",
  "hash",
  "price_changes",
  "changes",
  "bids",
  "asks",
  "price",
  "size",
  "side",
  "best_bid",
  "best_ask",
  "fee_rate_bps",
  "spread",
];

/** Keys allowed in a `price_changes[]` entry, in a `changes[]` entry and in a book level. */
const ENTRY_KEYS = bits(K_ASSET_ID, K_PRICE, K_SIZE, K_SIDE, K_HASH, K_BEST_BID, K_BEST_ASK);
const CHANGE_KEYS = bits(K_PRICE, K_SIZE, K_SIDE);
const LEVEL_KEYS = bits(K_PRICE, K_SIZE);

function bits(...ids: number[]): number {
  let m = 0;
  for (const id of ids) m |= 1 << id;
  return m;
}

/**
 * Candidate keys by first byte: id and the name's bytes followed by the closing quote, most
 * frequent first within a bucket (level and change keys before the once-per-event ones).
 */
const KEYS_BY_FIRST: { id: number; bytes: Uint8Array }[][] = Array.from({ length: 128 }, () => []);
const KEY_PRIORITY = [
  K_PRICE,
  K_SIZE,
  K_SIDE,
  K_BEST_BID,
  K_BEST_ASK,
  K_ASSET_ID,
  K_HASH,
  K_MARKET,
  K_TIMESTAMP,
  K_EVENT_TYPE,
  K_PRICE_CHANGES,
  K_CHANGES,
  K_BIDS,
  K_ASKS,
  K_FEE_RATE_BPS,
  K_SPREAD,
];
for (const id of new Set([...KEY_PRIORITY, ...KEY_NAMES.keys()])) {
  const name = KEY_NAMES[id]!;
  KEYS_BY_FIRST[name.charCodeAt(0)]!.push({ id, bytes: Buffer.from(`${name}"`, "latin1") });
}

// Event type ids.
const T_NONE = 0;
const T_BOOK = 1;
const T_PRICE_CHANGE = 2;
const T_LAST_TRADE = 3;
const T_BEST_BID_ASK = 4;

const TYPE_NAMES: [number, Uint8Array][] = [
  [T_BOOK, Buffer.from("book")],
  [T_PRICE_CHANGE, Buffer.from("price_change")],
  [T_LAST_TRADE, Buffer.from("last_trade_price")],
  [T_BEST_BID_ASK, Buffer.from("best_bid_ask")],
];

const SIDE_BUY = 0;
const SIDE_SELL = 1;
const SIDE_OTHER = 2;

const PRICE_MAX = 10_000;
const PRICE_DECIMALS = 4;
const SIZE_DECIMALS = 6;
const POW10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];
/** Same bound as `toEpochMs`: smaller digit strings are seconds. */
const SECONDS_THRESHOLD = 1e11;

const encoder = new TextEncoder();
/** String frames above this go to the generic path (the scratch buffer never grows past it). */
const SCRATCH_MAX = 1024 * 1024;
let scratch = Buffer.allocUnsafeSlow(64 * 1024);

/** Content range of the last string scanned (`scanString`). */
let vs = 0;
let ve = 0;
/** Output of the array scanners (reset to the shared empty lists after each frame; never mutated). */
const NO_CHANGES: LevelChange[] = [];
const NO_LEVELS: BookLevel[] = [];
const NO_NUMBERS: number[] = [];
let scannedChanges = NO_CHANGES;
let scannedLevels = NO_LEVELS;
/** `changes[]` of a legacy event as (side, price, size) triples; consumed when the event is built. */
let legacyChanges = NO_NUMBERS;

/**
 * Decodes a frame made only of the hot shapes, every event valid. `undefined` means "not handled
 * here": decode the frame with the generic path.
 */
export function fastScanFrame(raw: string | Uint8Array): WsEvent[] | undefined {
  const events = scanFrame(raw);
  // Keep nothing of this frame alive in module state.
  frameText = undefined;
  scannedChanges = NO_CHANGES;
  scannedLevels = NO_LEVELS;
  legacyChanges = NO_NUMBERS;
  return events;
}

function scanFrame(raw: string | Uint8Array): WsEvent[] | undefined {
  let b: Buffer;
  let n: number;
  if (typeof raw === "string") {
    n = raw.length;
    if (n > scratch.length) {
      if (n > SCRATCH_MAX) return undefined;
      scratch = Buffer.allocUnsafeSlow(Math.min(SCRATCH_MAX, Math.max(n, scratch.length * 2)));
    }
    if (raw.indexOf("\\") >= 0) return undefined; // escapes: let JSON.parse resolve them
    const r = encoder.encodeInto(raw, scratch);
    if (r.read !== n || r.written !== n) return undefined; // non-ASCII text
    b = scratch;
    frameText = raw;
  } else {
    if (raw.length === 0) return undefined; // empty, or a view of a detached buffer: the generic path reports it
    b = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    n = b.length;
  }
  frameLen = n;
  const out: WsEvent[] = [];
  let i = skipWs(b, 0, n);
  if (i >= n) return undefined;
  const c = b[i];
  if (c === 123 /* { */) {
    i = scanEvent(b, i, n, out);
    if (i < 0) return undefined;
  } else if (c === 91 /* [ */) {
    i = skipWs(b, i + 1, n);
    if (i < n && b[i] === 93 /* ] */) i++;
    else {
      for (;;) {
        if (i >= n || b[i] !== 123) return undefined;
        i = scanEvent(b, i, n, out);
        if (i < 0) return undefined;
        i = skipWs(b, i, n);
        if (i >= n) return undefined;
        const d = b[i];
        if (d === 44 /* , */) {
          i = skipWs(b, i + 1, n);
          continue;
        }
        if (d !== 93) return undefined;
        i++;
        break;
      }
    }
  } else {
    return undefined;
  }
  if (skipWs(b, i, n) !== n) return undefined;
  // The string scanner tests one condition per byte and relies on the frame holding no backslash
  // and no byte ≥ 0x80: two native scans decide, once the frame is otherwise understood (a frame
  // that bails early never pays for them; what was built from such a frame is dropped here).
  if (typeof raw !== "string" && (b.indexOf(92) >= 0 || !isAscii(b))) return undefined;
  return out;
}

/** JSON whitespace only (space, tab, LF, CR): anything else ≤ 32 makes JSON.parse fail. */
function skipWs(b: Buffer, i: number, n: number): number {
  while (i < n) {
    const c = b[i];
    if (c === 32 || c === 10 || c === 13 || c === 9) i++;
    else break;
  }
  return i;
}

/**
 * `b[i]` is `"`. String → index after the closing quote, content in vs/ve; -1 on a control
 * character or a missing closing quote. Backslashes and bytes ≥ 0x80 are not looked for here: a
 * frame holding any is rejected as a whole before `scanFrame` returns (string input: up front).
 */
function scanString(b: Buffer, i: number, n: number): number {
  const s = i + 1;
  for (let j = s; j < n; j++) {
    const c = b[j]!;
    if (c > 34) continue;
    if (c === 34) {
      vs = s;
      ve = j;
      return j + 1;
    }
    if (c < 32) return -1; // raw control character: JSON.parse rejects it
  }
  return -1;
}

function matchType(b: Buffer, s: number, e: number): number {
  for (let k = 0; k < TYPE_NAMES.length; k++) {
    const [id, bytes] = TYPE_NAMES[k]!;
    if (bytes.length === e - s && equalAt(b, s, bytes)) return id;
  }
  return -1;
}

function equalAt(b: Buffer, s: number, bytes: Uint8Array): boolean {
  for (let j = 0; j < bytes.length; j++) if (b[s + j] !== bytes[j]) return false;
  return true;
}

function sideAt(b: Buffer, s: number, e: number): number {
  const len = e - s;
  if (len === 3 && b[s] === 66 && b[s + 1] === 85 && b[s + 2] === 89) return SIDE_BUY; // BUY
  if (len === 4 && b[s] === 83 && b[s + 1] === 69 && b[s + 2] === 76 && b[s + 3] === 76) return SIDE_SELL; // SELL
  return SIDE_OTHER;
}

/**
 * The @mm/types `scanDecimal` over bytes, same arithmetic step by step (so the same result for
 * every input): plain non-negative decimal scaled by 10^decimals, extra decimals only as zeros.
 * Negative on failure.
 */
function decimalAt(b: Buffer, s: number, e: number, decimals: number, maxValue: number): number {
  const len = e - s;
  if (len === 0 || len > 40) return -1;
  let value = 0;
  let i = s;
  let digits = 0;
  for (; i < e; i++) {
    const c = b[i]!;
    if (c === 46) break;
    if (c < 48 || c > 57) return -1;
    value = value * 10 + (c - 48);
    digits++;
    if (value > maxValue) return -1;
  }
  let frac = 0;
  let fracDigits = 0;
  if (i < e) {
    i++;
    if (i === e) return -1;
    for (; i < e; i++) {
      const c = b[i]!;
      if (c < 48 || c > 57) return -1;
      if (fracDigits < decimals) {
        frac = frac * 10 + (c - 48);
        fracDigits++;
      } else if (c !== 48) {
        return -1;
      }
      digits++;
    }
  }
  if (digits === 0) return -1;
  for (; fracDigits < decimals; fracDigits++) frac *= 10;
  const scaled = value * POW10[decimals]! + frac;
  return scaled > maxValue ? -1 : scaled;
}

const priceAt = (b: Buffer, s: number, e: number): number => decimalAt(b, s, e, PRICE_DECIMALS, PRICE_MAX);
const sizeAt = (b: Buffer, s: number, e: number): number => decimalAt(b, s, e, SIZE_DECIMALS, Number.MAX_SAFE_INTEGER);

/** `toEpochMs` for an all-digit string (≤ 16 digits, seconds below 1e11); -1 for anything else. */
function epochMsAt(b: Buffer, s: number, e: number): number {
  const len = e - s;
  if (len === 0 || len > 16) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = b[i]!;
    if (c < 48 || c > 57) return -1;
    v = v * 10 + (c - 48);
  }
  return v < SECONDS_THRESHOLD ? v * 1000 : v;
}

/** `intField(v, -1)` of the generic path: digit string of ≤ 15 → its value, anything else → -1. */
function intAt(b: Buffer, s: number, e: number): number {
  const len = e - s;
  if (len === 0 || len > 15) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = b[i]!;
    if (c < 48 || c > 57) return -1;
    v = v * 10 + (c - 48);
  }
  return v;
}

type Latin1Slicer = { latin1Slice?: (this: Buffer, start: number, end: number) => string };
const nativeLatin1Slice = (Buffer.prototype as Latin1Slicer).latin1Slice;
/** String of an ASCII byte range: `latin1Slice` is what `toString("latin1", s, e)` ends in, minus its argument checks. */
const sliceText: (b: Buffer, s: number, e: number) => string =
  typeof nativeLatin1Slice === "function" ? (b, s, e) => nativeLatin1Slice.call(b, s, e) : (b, s, e) => b.toString("latin1", s, e);

/**
 * Frames up to this many bytes get one text for the whole frame (the string input itself, or one
 * native copy of the bytes), and their strings are substrings of it: one native call per frame
 * instead of one per string. A kept substring can keep that text alive, so this is bounded to
 * small frames (the hot price_change frames); larger frames (books) copy each string on its own.
 */
export const SHARED_TEXT_MAX_BYTES = 1024;
let frameLen = 0;
let frameText: string | undefined;

function str(b: Buffer, s: number, e: number): string {
  if (frameLen > SHARED_TEXT_MAX_BYTES) return sliceText(b, s, e);
  if (frameText === undefined) frameText = sliceText(b, 0, frameLen);
  return frameText.substring(s, e);
}

/**
 * Asset ids repeat on every frame of a market, so the decoder hands out one string per id instead of
 * a new substring each time: consumers' map lookups by asset id (the book store's, per change) reuse
 * the hash V8 keeps in the string; hashing a fresh 77-digit id there was the largest single cost of a
 * book update. (Condition ids are not looked up per frame: they stay plain substrings.)
 * Direct-mapped and bounded (`ID_SLOTS` strings, each its own copy, never a view of a frame: ≤ ~2 MB);
 * a slot holding another id is simply replaced. Returns an equal string either way.
 */
const ID_SLOTS = 16_384;
const ID_MIN_BYTES = 8;
const ID_MAX_BYTES = 128;
const idSlots: (string | undefined)[] = new Array<string | undefined>(ID_SLOTS).fill(undefined);

function id(b: Buffer, s: number, e: number): string {
  const len = e - s;
  if (len < ID_MIN_BYTES || len > ID_MAX_BYTES) return str(b, s, e);
  // Slot from the length and the last 8 bytes (where ids of one market differ).
  let h = len;
  for (let i = e - 8; i < e; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  const slot = (h ^ (h >>> 15)) & (ID_SLOTS - 1);
  const text = str(b, s, e);
  const cached = idSlots[slot];
  // A native content comparison: cheaper than hashing the new text again in every lookup downstream.
  if (cached === text) return cached;
  // The slot keeps its own copy, never a view that would keep a frame's text alive.
  const own = frameLen > SHARED_TEXT_MAX_BYTES ? text : sliceText(b, s, e);
  idSlots[slot] = own;
  return own;
}

/** Skips whitespace, then expects `,` (→ index after it, whitespace skipped) or `close` (→ -2 - index after it). */
function next(b: Buffer, i: number, n: number, close: number): number {
  i = skipWs(b, i, n);
  if (i >= n) return -1;
  const c = b[i];
  if (c === 44) return skipWs(b, i + 1, n);
  return c === close ? -2 - (i + 1) : -1;
}

/** Key id of the last `keyColon`. */
let lastKey = 0;

/**
 * Reads `"key"` `:` (one pass: the key must be one of KEY_NAMES, byte for byte) and skips to the
 * value. Returns the value's index (key id in `lastKey`), -1 on failure.
 */
function keyColon(b: Buffer, i: number, n: number): number {
  if (i + 1 >= n || b[i] !== 34) return -1;
  const first = b[i + 1]!;
  const list = first < 128 ? KEYS_BY_FIRST[first]! : undefined;
  if (list === undefined) return -1;
  const s = i + 1;
  let k = 0;
  for (; k < list.length; k++) {
    const bytes = list[k]!.bytes;
    const m = bytes.length;
    if (s + m > n) continue;
    let j = 1;
    while (j < m && b[s + j] === bytes[j]) j++;
    if (j === m) break;
  }
  if (k === list.length) return -1;
  const hit = list[k]!;
  lastKey = hit.id;
  i = skipWs(b, s + hit.bytes.length, n);
  if (i >= n || b[i] !== 58 /* : */) return -1;
  i = skipWs(b, i + 1, n);
  return i < n ? i : -1;
}

/** `b[i]` is `{`. Scans one event, appends it to `out`; index after `}` or -1. */
function scanEvent(b: Buffer, i: number, n: number, out: WsEvent[]): number {
  let seen = 0;
  let type = T_NONE;
  let marketS = 0;
  let marketE = 0;
  let assetS = 0;
  let assetE = 0;
  let hashS = 0;
  let hashE = 0;
  let timestamp = -1;
  let price = -1;
  let size = -1;
  let side = SIDE_OTHER;
  let bestBid = -1;
  let bestAsk = -1;
  let fee = -1;
  let changes: LevelChange[] | undefined;
  let bids: BookLevel[] | undefined;
  let asks: BookLevel[] | undefined;
  i = skipWs(b, i + 1, n);
  for (;;) {
    i = keyColon(b, i, n);
    if (i < 0) return -1;
    const key = lastKey;
    const bit = 1 << key;
    if ((seen & bit) !== 0) return -1; // duplicate key: JSON.parse keeps the last one
    seen |= bit;
    const c = b[i];
    if (c === 34) {
      i = scanString(b, i, n);
      if (i < 0) return -1;
      switch (key) {
        case K_EVENT_TYPE:
          type = matchType(b, vs, ve);
          if (type < 0) return -1;
          break;
        case K_MARKET:
          marketS = vs;
          marketE = ve;
          break;
        case K_ASSET_ID:
          assetS = vs;
          assetE = ve;
          break;
        case K_HASH:
          hashS = vs;
          hashE = ve;
          break;
        case K_TIMESTAMP:
          timestamp = epochMsAt(b, vs, ve);
          if (timestamp < 0) return -1;
          break;
        case K_PRICE:
          price = priceAt(b, vs, ve);
          if (price < 0) return -1;
          break;
        case K_SIZE:
          size = sizeAt(b, vs, ve);
          if (size < 0) return -1;
          break;
        case K_SIDE:
          side = sideAt(b, vs, ve);
          break;
        case K_BEST_BID:
          bestBid = priceAt(b, vs, ve);
          if (bestBid < 0) return -1;
          break;
        case K_BEST_ASK:
          bestAsk = priceAt(b, vs, ve);
          if (bestAsk < 0) return -1;
          break;
        case K_FEE_RATE_BPS:
          fee = intAt(b, vs, ve);
          break;
        case K_SPREAD:
          break;
        default:
          return -1; // an array key holding a string
      }
    } else if (c === 91) {
      switch (key) {
        case K_PRICE_CHANGES:
          i = scanPriceChanges(b, i, n);
          changes = scannedChanges;
          break;
        case K_CHANGES:
          i = scanLegacyChanges(b, i, n);
          break;
        case K_BIDS:
          i = scanLevels(b, i, n);
          bids = scannedLevels;
          break;
        case K_ASKS:
          i = scanLevels(b, i, n);
          asks = scannedLevels;
          break;
        default:
          return -1;
      }
      if (i < 0) return -1;
    } else {
      return -1;
    }
    i = next(b, i, n, 125);
    if (i === -1) return -1;
    if (i < -1) {
      i = -2 - i;
      break;
    }
  }

  if (type === T_NONE) type = inferType(seen);
  let ev: WsEvent;
  switch (type) {
    case T_PRICE_CHANGE: {
      if (marketE === marketS || timestamp < 0) return -1;
      const market = str(b, marketS, marketE);
      if (changes !== undefined) {
        ev = { kind: "price_change", market, timestamp, schema: "current", changes } satisfies PriceChangeEvent;
        break;
      }
      if (assetE === assetS) return -1;
      const assetId = id(b, assetS, assetE);
      const hash = hashE > hashS ? str(b, hashS, hashE) : undefined;
      if ((seen & (1 << K_CHANGES)) !== 0) {
        const m = legacyChanges.length / 3;
        const list = new Array<LevelChange>(m);
        for (let k = 0; k < m; k++) {
          list[k] = {
            assetId,
            side: legacyChanges[3 * k] === SIDE_BUY ? "BID" : "ASK",
            price: legacyChanges[3 * k + 1]! as Price,
            size: legacyChanges[3 * k + 2]! as Size,
            bestBid: undefined,
            bestAsk: undefined,
            hash,
          };
        }
        ev = { kind: "price_change", market, timestamp, schema: "legacy_changes", changes: list } satisfies PriceChangeEvent;
        break;
      }
      if (side === SIDE_OTHER || price < 0 || size < 0) return -1;
      const change: LevelChange = {
        assetId,
        side: side === SIDE_BUY ? "BID" : "ASK",
        price: price as Price,
        size: size as Size,
        bestBid: undefined,
        bestAsk: undefined,
        hash,
      };
      ev = { kind: "price_change", market, timestamp, schema: "legacy_flat", changes: [change] } satisfies PriceChangeEvent;
      break;
    }
    case T_BOOK: {
      if (assetE === assetS || marketE === marketS || timestamp < 0 || bids === undefined || asks === undefined) return -1;
      ev = {
        kind: "book",
        assetId: id(b, assetS, assetE),
        market: str(b, marketS, marketE),
        timestamp,
        hash: hashE > hashS ? str(b, hashS, hashE) : undefined,
        bids: bestFirst(bids, true),
        asks: bestFirst(asks, false),
      } satisfies BookEvent;
      break;
    }
    case T_LAST_TRADE: {
      if (assetE === assetS || marketE === marketS || price < 0 || size < 0 || timestamp < 0) return -1;
      ev = {
        kind: "last_trade_price",
        assetId: id(b, assetS, assetE),
        market: str(b, marketS, marketE),
        price: price as Price,
        size: size as Size,
        side: side === SIDE_BUY ? "BUY" : side === SIDE_SELL ? "SELL" : undefined,
        feeRateBps: fee < 0 ? undefined : fee,
        timestamp,
      } satisfies LastTradePriceEvent;
      break;
    }
    case T_BEST_BID_ASK: {
      if (assetE === assetS || marketE === marketS || bestBid < 0 || bestAsk < 0 || timestamp < 0) return -1;
      ev = {
        kind: "best_bid_ask",
        assetId: id(b, assetS, assetE),
        market: str(b, marketS, marketE),
        bestBid: bestBid as Price,
        bestAsk: bestAsk as Price,
        timestamp,
      } satisfies BestBidAskEvent;
      break;
    }
    default:
      return -1; // unknown: the generic path counts it
  }
  out.push(ev);
  return i;
}

/**
 * `inferEventType` of the generic path restricted to the keys this scanner accepts (any other key
 * has already bailed, so its checks on `new_tick_size`, `type`, `taker_order_id`... cannot match).
 */
function inferType(seen: number): number {
  const has = (k: number) => (seen & (1 << k)) !== 0;
  if (has(K_BIDS) && has(K_ASKS)) return T_BOOK;
  if (has(K_PRICE_CHANGES) || has(K_CHANGES)) return T_PRICE_CHANGE;
  if (has(K_BEST_BID) && has(K_BEST_ASK)) return T_BEST_BID_ASK;
  if (has(K_PRICE) && has(K_SIZE) && has(K_SIDE)) {
    if (has(K_FEE_RATE_BPS)) return T_LAST_TRADE;
    if (has(K_HASH)) return T_PRICE_CHANGE;
  }
  return T_NONE;
}

/** `parseLevels` ordering: bids descending, asks ascending; reversed when the wire is the other way, else sorted. */
function bestFirst(out: BookLevel[], bids: boolean): BookLevel[] {
  let ascending = true;
  let descending = true;
  let prev = -1;
  for (let k = 0; k < out.length; k++) {
    const p = out[k]!.price;
    if (k > 0) {
      if (p < prev) ascending = false;
      else if (p > prev) descending = false;
    }
    prev = p;
  }
  if (bids ? descending : ascending) return out;
  if (bids ? ascending : descending) return out.reverse();
  return out.sort(bids ? (a, b) => b.price - a.price : (a, b) => a.price - b.price);
}

/** Opens an array at `[`: index of the first element, or -2 - (index after `]`) when empty, -1 on failure. */
function openArray(b: Buffer, i: number, n: number): number {
  i = skipWs(b, i + 1, n);
  if (i >= n) return -1;
  return b[i] === 93 ? -2 - (i + 1) : i;
}

/** `price_changes: [...]` (current schema) → `scannedChanges`; index after `]` or -1. */
function scanPriceChanges(b: Buffer, i: number, n: number): number {
  const list: LevelChange[] = [];
  scannedChanges = list;
  i = openArray(b, i, n);
  if (i < -1) return -2 - i;
  while (i >= 0) {
    if (b[i] !== 123) return -1;
    i = skipWs(b, i + 1, n);
    let seen = 0;
    let assetS = 0;
    let assetE = 0;
    let hashS = 0;
    let hashE = 0;
    let price = -1;
    let size = -1;
    let side = SIDE_OTHER;
    // -1 absent or "" (optional: undefined), else units
    let bestBid = -1;
    let bestAsk = -1;
    for (;;) {
      i = keyColon(b, i, n);
      if (i < 0) return -1;
      const key = lastKey;
      const bit = 1 << key;
      if ((ENTRY_KEYS & bit) === 0 || (seen & bit) !== 0) return -1;
      seen |= bit;
      if (b[i] !== 34) return -1;
      i = scanString(b, i, n);
      if (i < 0) return -1;
      switch (key) {
        case K_ASSET_ID:
          assetS = vs;
          assetE = ve;
          break;
        case K_HASH:
          hashS = vs;
          hashE = ve;
          break;
        case K_PRICE:
          price = priceAt(b, vs, ve);
          if (price < 0) return -1;
          break;
        case K_SIZE:
          size = sizeAt(b, vs, ve);
          if (size < 0) return -1;
          break;
        case K_SIDE:
          side = sideAt(b, vs, ve);
          if (side === SIDE_OTHER) return -1;
          break;
        case K_BEST_BID:
          if (ve > vs) {
            bestBid = priceAt(b, vs, ve);
            if (bestBid < 0) return -1;
          }
          break;
        default: // K_BEST_ASK
          if (ve > vs) {
            bestAsk = priceAt(b, vs, ve);
            if (bestAsk < 0) return -1;
          }
      }
      i = next(b, i, n, 125);
      if (i === -1) return -1;
      if (i < -1) {
        i = -2 - i;
        break;
      }
    }
    if (assetE === assetS || side === SIDE_OTHER || price < 0 || size < 0) return -1;
    list.push({
      assetId: id(b, assetS, assetE),
      side: side === SIDE_BUY ? "BID" : "ASK",
      price: price as Price,
      size: size as Size,
      bestBid: bestBid < 0 ? undefined : (bestBid as Price),
      bestAsk: bestAsk < 0 ? undefined : (bestAsk as Price),
      hash: hashE > hashS ? str(b, hashS, hashE) : undefined,
    });
    i = next(b, i, n, 93);
    if (i < -1) return -2 - i;
  }
  return -1;
}

/** Legacy `changes: [...]` → (side, price, size) triples in `legacyChanges`; index after `]` or -1. */
function scanLegacyChanges(b: Buffer, i: number, n: number): number {
  legacyChanges = [];
  i = openArray(b, i, n);
  if (i < -1) return -2 - i;
  while (i >= 0) {
    if (b[i] !== 123) return -1;
    i = skipWs(b, i + 1, n);
    let seen = 0;
    let price = -1;
    let size = -1;
    let side = SIDE_OTHER;
    for (;;) {
      i = keyColon(b, i, n);
      if (i < 0) return -1;
      const key = lastKey;
      const bit = 1 << key;
      if ((CHANGE_KEYS & bit) === 0 || (seen & bit) !== 0) return -1;
      seen |= bit;
      if (b[i] !== 34) return -1;
      i = scanString(b, i, n);
      if (i < 0) return -1;
      if (key === K_PRICE) price = priceAt(b, vs, ve);
      else if (key === K_SIZE) size = sizeAt(b, vs, ve);
      else side = sideAt(b, vs, ve);
      i = next(b, i, n, 125);
      if (i === -1) return -1;
      if (i < -1) {
        i = -2 - i;
        break;
      }
    }
    if (side === SIDE_OTHER || price < 0 || size < 0) return -1;
    legacyChanges.push(side, price, size);
    i = next(b, i, n, 93);
    if (i < -1) return -2 - i;
  }
  return -1;
}

/** Book levels `[{"price","size"}...]` in wire order → `scannedLevels`; index after `]` or -1. */
function scanLevels(b: Buffer, i: number, n: number): number {
  const list: BookLevel[] = [];
  scannedLevels = list;
  i = openArray(b, i, n);
  if (i < -1) return -2 - i;
  while (i >= 0) {
    if (b[i] !== 123) return -1;
    i = skipWs(b, i + 1, n);
    let seen = 0;
    let price = -1;
    let size = -1;
    for (;;) {
      i = keyColon(b, i, n);
      if (i < 0) return -1;
      const key = lastKey;
      const bit = 1 << key;
      if ((LEVEL_KEYS & bit) === 0 || (seen & bit) !== 0) return -1;
      seen |= bit;
      if (b[i] !== 34) return -1;
      i = scanString(b, i, n);
      if (i < 0) return -1;
      if (key === K_PRICE) {
        price = priceAt(b, vs, ve);
        if (price < 0) return -1;
      } else {
        size = sizeAt(b, vs, ve);
        if (size < 0) return -1;
      }
      i = next(b, i, n, 125);
      if (i === -1) return -1;
      if (i < -1) {
        i = -2 - i;
        break;
      }
    }
    if (price < 0 || size < 0) return -1;
    list.push({ price: price as Price, size: size as Size });
    i = next(b, i, n, 93);
    if (i < -1) return -2 - i;
  }
  return -1;
}
