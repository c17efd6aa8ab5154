import { BookStore } from "@mm/caches";
import { type FeedLogger, MarketFeed } from "../src/index.js";
import { price, tokenId } from "@mm/types";
import { afterEach, describe, expect, it } from "vitest";
import { eventually, LoopbackWsServer } from "./helpers/loopback.js";

/**
 * Frames the simulator never sends (garbage, wrong types, off-grid levels), from a hand-written
 * loopback server: counted and logged, never fatal, the connection and the books carry on.
 */

const T1 = tokenId("1001");
const T2 = tokenId("1002");
const book = (asset: string, ts: number, bid: string, ask: string) =>
  JSON.stringify({
    event_type: "book",
    asset_id: asset,
    market: `0x${"ab".repeat(32)}`,
    timestamp: String(ts),
    hash: "x",
    bids: [{ price: bid, size: "10" }],
    asks: [{ price: ask, size: "10" }],
  });

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("MarketFeed with malformed frames (loopback server)", () => {
  it("counts and logs undecodable and refused frames without crashing or dropping the connection", async () => {
    const srv = await new LoopbackWsServer().start();
    cleanups.push(() => srv.stop());
    const warnings: Record<string, unknown>[] = [];
    const logger: FeedLogger = { debug() {}, info() {}, error() {}, warn: (f) => warnings.push(f) };
    srv.onText = (ws, text) => {
      const msg = JSON.parse(text) as { assets_ids: string[] };
      if (!msg.assets_ids.includes(T1)) return;
      ws.send(book(T1, 1_000, "0.4", "0.6"));
      ws.send("{not json");
      ws.send(JSON.stringify({ event_type: "book", asset_id: T1, bids: "nope" }));
      ws.send(
        JSON.stringify({
          event_type: "price_change",
          market: "0x1",
          timestamp: "1001",
          price_changes: [{ asset_id: T1, price: "NaN", size: "1", side: "BUY" }],
        }),
      );
      // decodes fine, but 0.405 is off the 0.01 grid: the store refuses the whole frame
      ws.send(
        JSON.stringify({
          event_type: "price_change",
          market: "0x1",
          timestamp: "1002",
          price_changes: [
            { asset_id: T1, price: "0.41", size: "5", side: "BUY" },
            { asset_id: T1, price: "0.405", size: "5", side: "BUY" },
          ],
        }),
      );
      ws.send(Buffer.from([0xff, 0xfe, 0x00]), { binary: true });
      ws.send("NO NEW ASSETS");
      ws.send(
        JSON.stringify({
          event_type: "price_change",
          market: "0x1",
          timestamp: "1003",
          price_changes: [{ asset_id: T1, price: "0.45", size: "3", side: "BUY" }],
        }),
      );
      ws.send(book(T2, 1_000, "0.1", "0.2")); // not subscribed, unknown to the store
    };
    const books = new BookStore();
    const feed = new MarketFeed({ url: srv.url, books, logger, ws: { pingIntervalMs: 100 } });
    cleanups.push(() => feed.stop());
    feed.subscribe([{ tokenId: T1, tickSize: 100 }]);
    feed.start();
    await eventually(() => books.book(T1)?.bestBid() === price("0.45"), 5_000, "last valid update applied");
    expect(feed.stats.decodeErrors).toBe(4); // bad JSON, bad book, NaN price, binary garbage
    expect(feed.decoder.rejectedEvents + feed.decoder.rejectedFrames).toBeGreaterThanOrEqual(4);
    expect(books.stats.rejected.off_grid).toBe(1);
    expect(books.stats.rejected.unknown_token).toBe(1);
    expect(books.book(T1)?.sizeAt("BID", price("0.41"))).toBe(0); // the refused frame left no trace
    expect(feed.shards()[0]?.state).toBe("open");
    expect(feed.totals().connects).toBe(1);
    expect(warnings.some((w) => typeof w.frame === "string" && (w.frame as string).includes("not json"))).toBe(true);
    expect(warnings.some((w) => w.reason === "off_grid")).toBe(true);
  });
});
