/**
 * Recorder segments → tape. Reads the orderbook-recorder's segments for a time range and a set of
 * markets through its reader (`readEvents`: raw frames decoded by @mm/protocol), and normalizes them
 * to YES-space tape events: `book` → SNAPSHOT (a NO book is mirrored), `price_change` → LEVEL,
 * `last_trade_price` → TRADE (a NO print is the YES print with the taker side flipped at 1 − p),
 * `tick_size_change` → TICK_SIZE, `market_resolved` → RESOLVE.
 *
 * Within one receive millisecond, trades are written before level updates, so the queue model
 * attributes a level's decrease to the prints at it before counting the rest as cancels. Receive
 * times (the recorder's clock) order the tape; an out-of-order time is clamped to the previous one.
 * A range that starts mid-session opens with the books as of `fromMs`, rebuilt by the recorder's own
 * `BookReplayer` over the records of the `bookLookbackMs` before it (default 1 h); a book the
 * replayer does not trust there (no snapshot in the lookback) waits for the venue's next `book`
 * message, and until then the bot's book is untrusted and strategies pull.
 */
import type { MarketInfo, TickSize } from "@mm/types";
import { isTickSize, PRICE_SCALE } from "@mm/types";
import { BookReplayer, readEvents, readRecords } from "orderbook-recorder";
import { EventKind, SIDE_ASK, SIDE_BID, TAKER_BUY, TAKER_SELL, type Tape, TapeBuilder } from "./tape.js";

export interface RecorderQuery {
  /** The recorder's data directory. */
  readonly dir: string;
  /** Markets to extract (their token ids select the events). */
  readonly markets: readonly MarketInfo[];
  readonly fromMs?: number;
  readonly toMs?: number;
  /** Segment file prefix, when several recorders share a directory. */
  readonly prefix?: string;
  /** With `fromMs`: how far back to replay records to rebuild the opening books, ms (default 1 h). */
  readonly bookLookbackMs?: number;
}

export interface RecorderImportStats {
  frames: number;
  events: number;
  decodeErrors: number;
  /** Events dropped: unknown asset, invalid price, duplicate NO-side level update. */
  skipped: number;
}

type Pending = [kind: number, market: number, side: number, price: number, size: number];

export async function tapeFromRecorder(q: RecorderQuery, stats?: RecorderImportStats): Promise<Tape> {
  const byAsset = new Map<string, { market: number; yes: boolean }>();
  q.markets.forEach((m, i) => {
    byAsset.set(m.yes.tokenId, { market: i, yes: true });
    byAsset.set(m.no.tokenId, { market: i, yes: false });
  });
  const from = q.fromMs !== undefined ? `${new Date(q.fromMs).toISOString()}` : "start";
  const to = q.toMs !== undefined ? `${new Date(q.toMs).toISOString()}` : "end";
  const b = new TapeBuilder({ markets: q.markets, symbols: [], source: `recorder ${q.dir} ${from}..${to}` }, 1 << 16);
  const decodeErrors = { count: 0 };
  const st: RecorderImportStats = stats ?? { frames: 0, events: 0, decodeErrors: 0, skipped: 0 };
  // Whether the last snapshot of a market came from its YES book: then NO-side level updates are the
  // same information mirrored and are skipped (the venue sends both).
  const yesBooked = new Set<number>();
  let curT = Number.NEGATIVE_INFINITY;
  const trades: Pending[] = [];
  const rest: (Pending | { snapshot: number; bids: [number, number][]; asks: [number, number][] })[] = [];
  const flush = () => {
    for (const [k, m, s, p, z] of trades) b.push(curT, k as EventKind, m, s, p, z);
    for (const e of rest) {
      if (Array.isArray(e)) b.push(curT, e[0] as EventKind, e[1], e[2], e[3], e[4]);
      else
        b.snapshot(
          curT,
          e.snapshot,
          e.bids.map(([price, size]) => ({ price, size })),
          e.asks.map(([price, size]) => ({ price, size })),
        );
    }
    trades.length = 0;
    rest.length = 0;
  };
  const assets = new Set(byAsset.keys());
  if (q.fromMs !== undefined) {
    // Opening books: the recorder's replayer over the records before the range.
    const replayer = new BookReplayer({ accept: (a) => assets.has(a) });
    const lookback = q.bookLookbackMs ?? 3_600_000;
    for await (const r of readRecords(q.dir, {
      fromMs: q.fromMs - lookback,
      toMs: q.fromMs - 1,
      ...(q.prefix !== undefined ? { prefix: q.prefix } : {}),
    }))
      replayer.apply(r);
    curT = q.fromMs;
    q.markets.forEach((m, i) => {
      const yes = replayer.book(m.yes.tokenId);
      const no = replayer.book(m.no.tokenId);
      const levels = (book: NonNullable<typeof yes>, side: "BID" | "ASK"): [number, number][] =>
        book.topLevels(side, book.levelCount(side)).map((l) => [l.price, l.size]);
      if (yes?.trusted) {
        yesBooked.add(i);
        rest.push({ snapshot: i, bids: levels(yes, "BID"), asks: levels(yes, "ASK") });
      } else if (no?.trusted) {
        const mirror = (ls: [number, number][]): [number, number][] => ls.map(([p, z]) => [PRICE_SCALE - p, z]);
        rest.push({ snapshot: i, bids: mirror(levels(no, "ASK")), asks: mirror(levels(no, "BID")) });
      }
    });
  }
  for await (const r of readEvents(q.dir, {
    assets,
    decodeErrors,
    ...(q.fromMs !== undefined ? { fromMs: q.fromMs } : {}),
    ...(q.toMs !== undefined ? { toMs: q.toMs } : {}),
    ...(q.prefix !== undefined ? { prefix: q.prefix } : {}),
  })) {
    st.events++;
    const t = Math.max(curT, r.tsMs);
    if (t !== curT) {
      flush();
      curT = t;
    }
    const e = r.event;
    const okPrice = (p: number) => Number.isInteger(p) && p > 0 && p < PRICE_SCALE;
    switch (e.kind) {
      case "book": {
        const a = byAsset.get(e.assetId);
        if (a === undefined) {
          st.skipped++;
          break;
        }
        const bids: [number, number][] = [];
        const asks: [number, number][] = [];
        for (const l of e.bids) if (okPrice(l.price)) (a.yes ? bids : asks).push([a.yes ? l.price : PRICE_SCALE - l.price, l.size]);
        for (const l of e.asks) if (okPrice(l.price)) (a.yes ? asks : bids).push([a.yes ? l.price : PRICE_SCALE - l.price, l.size]);
        if (a.yes) yesBooked.add(a.market);
        else if (yesBooked.has(a.market)) break; // the YES book already carries it
        rest.push({ snapshot: a.market, bids, asks });
        break;
      }
      case "price_change":
        for (const c of e.changes) {
          const a = byAsset.get(c.assetId);
          if (a === undefined || !okPrice(c.price)) {
            st.skipped++;
            continue;
          }
          if (!a.yes && yesBooked.has(a.market)) {
            st.skipped++;
            continue;
          }
          const bid = (c.side === "BID") === a.yes;
          rest.push([EventKind.LEVEL, a.market, bid ? SIDE_BID : SIDE_ASK, a.yes ? c.price : PRICE_SCALE - c.price, c.size]);
        }
        break;
      case "last_trade_price": {
        const a = byAsset.get(e.assetId);
        if (a === undefined || !okPrice(e.price) || e.side === undefined) {
          st.skipped++;
          break;
        }
        const takerBuysYes = (e.side === "BUY") === a.yes;
        trades.push([EventKind.TRADE, a.market, takerBuysYes ? TAKER_BUY : TAKER_SELL, a.yes ? e.price : PRICE_SCALE - e.price, e.size]);
        break;
      }
      case "tick_size_change": {
        const a = byAsset.get(e.assetId);
        if (a === undefined || !a.yes || !isTickSize(e.newTickSize)) break;
        rest.push([EventKind.TICK_SIZE, a.market, 0, e.newTickSize as TickSize, 0]);
        break;
      }
      case "market_resolved": {
        const a = byAsset.get(e.winningAssetId);
        if (a === undefined) {
          st.skipped++;
          break;
        }
        rest.push([EventKind.RESOLVE, a.market, a.yes ? 0 : 1, 0, 0]);
        break;
      }
      default:
        break;
    }
  }
  flush();
  st.decodeErrors += decodeErrors.count;
  return b.build();
}
