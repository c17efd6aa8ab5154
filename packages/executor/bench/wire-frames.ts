/**
 * Deterministic market-channel wire frames for the G4 bench: a random walk of one binary market's
 * YES book (the NO book mirrors it), written in the exact wire format of the current `price_change`
 * schema (POLYMARKET.md §2.5: compact JSON, prices and sizes as decimal strings, absolute sizes with
 * "0" = level removed, one entry per token with that token's best_bid / best_ask after the change,
 * 13-digit millisecond timestamp as a string) and `book` snapshots (§2.4: bids ascending, asks
 * descending, best last).
 *
 * Every frame is one order-book event as the venue emits it: an order placed or cancelled changes
 * one YES level and the mirrored NO level. A configurable share of frames moves the top of book
 * (a new best level inside the spread, or the best level removed); the rest change the size of a
 * resting level (most real `price_change` traffic), which leaves the mid, and so the strategy's
 * answer, unchanged. All frames are packed into one Buffer (held in memory, like a recording).
 */
import { formatPrice, formatSize, PRICE_SCALE } from "@mm/types";

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface WireMarket {
  readonly conditionId: string;
  readonly yes: string;
  readonly no: string;
  /** Price units (0.0001). */
  readonly tick: number;
}

export interface FrameTapeOptions {
  readonly frames: number;
  readonly seed: number;
  /** Share of frames that move the top of book (the rest change a resting level's size). */
  readonly topMoveShare: number;
  /** First frame's venue timestamp, ms. */
  readonly startTs: number;
  /** Venue time between frames, ms. */
  readonly stepMs: number;
}

export interface FrameTape {
  /** `book` frames of YES and NO (the initial state), to apply before the timed frames. */
  readonly snapshots: readonly Buffer[];
  /** All `price_change` frames back to back. */
  readonly data: Buffer;
  /** Frame i is `data[offsets[i], offsets[i + 1])`. */
  readonly offsets: Uint32Array;
  readonly count: number;
  /** YES top of book after the last frame (cross-check). */
  readonly finalBestBid: number;
  readonly finalBestAsk: number;
  /** Frames that moved the YES top of book. */
  readonly topMoves: number;
}

const MIN_PRICE = 3000;
const MAX_PRICE = 7000;
const MAX_SPREAD = 800;
const MIN_DEPTH = 3;
const MAX_DEPTH = 8;

/** Sizes in micro-shares with 2 decimals (the venue's granularity), 50 – 2,000 shares. */
function levelSize(u: () => number): number {
  return Math.round(50 + u() * 1950) * 1_000_000 + Math.floor(u() * 100) * 10_000;
}

function hashHex(u: () => number): string {
  let s = "";
  for (let i = 0; i < 5; i++)
    s += Math.floor(u() * 0x100000000)
      .toString(16)
      .padStart(8, "0");
  return s;
}

export function makeFrameTape(market: WireMarket, o: FrameTapeOptions): FrameTape {
  const u = rng(o.seed);
  const tick = market.tick;
  // YES book: price → size (micro-shares).
  const bids = new Map<number, number>();
  const asks = new Map<number, number>();
  for (let k = 1; k <= 5; k++) {
    bids.set(5000 - k * tick, levelSize(u));
    asks.set(5000 + k * tick, levelSize(u));
  }
  const best = (m: Map<number, number>, dir: 1 | -1): number => {
    let b = dir > 0 ? -1 : PRICE_SCALE + 1;
    for (const p of m.keys()) if ((p - b) * dir > 0) b = p;
    return b;
  };
  const snapshot = (asset: string, side: "yes" | "no", ts: number): string => {
    // NO book mirrors YES: NO bid at 1 − p for each YES ask at p, NO ask at 1 − p for each YES bid.
    const b = side === "yes" ? [...bids] : [...asks].map(([p, s]) => [PRICE_SCALE - p, s] as const);
    const a = side === "yes" ? [...asks] : [...bids].map(([p, s]) => [PRICE_SCALE - p, s] as const);
    b.sort((x, y) => x[0] - y[0]); // bids ascending (best last)
    a.sort((x, y) => y[0] - x[0]); // asks descending (best last)
    const lv = (l: readonly (readonly [number, number])[]) =>
      l.map(([p, s]) => `{"price":"${formatPrice(p)}","size":"${formatSize(s)}"}`).join(",");
    return (
      `{"event_type":"book","asset_id":"${asset}","market":"${market.conditionId}",` +
      `"bids":[${lv(b)}],"asks":[${lv(a)}],"timestamp":"${ts}","hash":"${hashHex(u)}"}`
    );
  };
  const snapshots = [Buffer.from(snapshot(market.yes, "yes", o.startTs - 1)), Buffer.from(snapshot(market.no, "no", o.startTs - 1))];

  // ~560 bytes a frame; grown on demand.
  let data = Buffer.allocUnsafe(Math.max(4096, o.frames * 600));
  let len = 0;
  const offsets = new Uint32Array(o.frames + 1);
  let topMoves = 0;
  for (let i = 0; i < o.frames; i++) {
    const bb = best(bids, 1);
    const ba = best(asks, -1);
    // One YES level change: [book side, price, new absolute size].
    let side: "BUY" | "SELL" = "BUY";
    let price = 0;
    let size = 0;
    let moved = false;
    if (u() < o.topMoveShare) {
      const onBid = u() < 0.5;
      const book = onBid ? bids : asks;
      const inward = onBid ? bb + tick : ba - tick; // improves the top
      const canAdd = inward < (onBid ? ba : PRICE_SCALE) && inward > (onBid ? 0 : bb) && ba - bb > tick;
      const inRange = onBid ? inward <= MAX_PRICE && ba - inward <= MAX_SPREAD : inward >= MIN_PRICE && inward - bb <= MAX_SPREAD;
      const canRemove =
        book.size > MIN_DEPTH &&
        (onBid ? ba - (bb - tick) <= MAX_SPREAD && bb - tick >= MIN_PRICE : ba + tick - bb <= MAX_SPREAD && ba + tick <= MAX_PRICE);
      const add = canAdd && inRange && (book.size < MAX_DEPTH ? !canRemove || u() < 0.5 : !canRemove);
      side = onBid ? "BUY" : "SELL";
      if (add) {
        price = inward;
        size = levelSize(u);
        book.set(price, size);
        moved = true;
      } else if (canRemove) {
        price = onBid ? bb : ba;
        size = 0;
        book.delete(price);
        moved = true;
      }
    }
    if (!moved) {
      // Size change of a resting level.
      const onBid = u() < 0.5;
      const book = onBid ? bids : asks;
      const k = Math.floor(u() * book.size);
      let j = 0;
      for (const p of book.keys()) {
        if (j++ === k) {
          price = p;
          break;
        }
      }
      side = onBid ? "BUY" : "SELL";
      size = levelSize(u);
      book.set(price, size);
    } else topMoves++;
    const nb = best(bids, 1);
    const na = best(asks, -1);
    const ts = o.startTs + i * o.stepMs;
    // The NO entry mirrors the YES one: a YES bid at p is a NO ask at 1 − p.
    const frame =
      `{"event_type":"price_change","market":"${market.conditionId}","price_changes":[` +
      `{"asset_id":"${market.yes}","price":"${formatPrice(price)}","size":"${formatSize(size)}","side":"${side}",` +
      `"hash":"${hashHex(u)}","best_bid":"${formatPrice(nb)}","best_ask":"${formatPrice(na)}"},` +
      `{"asset_id":"${market.no}","price":"${formatPrice(PRICE_SCALE - price)}","size":"${formatSize(size)}",` +
      `"side":"${side === "BUY" ? "SELL" : "BUY"}","hash":"${hashHex(u)}",` +
      `"best_bid":"${formatPrice(PRICE_SCALE - na)}","best_ask":"${formatPrice(PRICE_SCALE - nb)}"}],` +
      `"timestamp":"${ts}"}`;
    const need = Buffer.byteLength(frame);
    if (len + need > data.length) {
      const grown = Buffer.allocUnsafe(Math.max(data.length * 2, len + need));
      data.copy(grown, 0, 0, len);
      data = grown;
    }
    offsets[i] = len;
    len += data.write(frame, len, "utf8");
  }
  offsets[o.frames] = len;
  return {
    snapshots,
    data: data.subarray(0, len),
    offsets,
    count: o.frames,
    finalBestBid: best(bids, 1),
    finalBestAsk: best(asks, -1),
    topMoves,
  };
}
