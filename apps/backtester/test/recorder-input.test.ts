/**
 * Recorder segments → tape → replay: frames written by the recorder's own SegmentWriter, read back
 * through its reader, normalized to YES-space and replayed with the queue model.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RecordType, SegmentWriter } from "orderbook-recorder";
import { afterAll, describe, expect, it } from "vitest";
import { EventKind, type RecorderImportStats, runBacktest, SIDE_BID, TAKER_SELL, tapeFromRecorder } from "../src/index.js";
import { fixedQuotes, goldenConfig, MARKET, SH, T0 } from "./support/tapes.js";

const dir = mkdtempSync(join(tmpdir(), "bt-rec-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const YES = MARKET.yes.tokenId;
const NO = MARKET.no.tokenId;
const frame = (o: object) => Buffer.from(JSON.stringify(o));
const book = (asset: string, ts: number, bids: [string, string][], asks: [string, string][]) =>
  frame({
    event_type: "book",
    market: MARKET.conditionId,
    asset_id: asset,
    timestamp: String(ts),
    hash: "h",
    bids: bids.map(([price, size]) => ({ price, size })),
    asks: asks.map(([price, size]) => ({ price, size })),
  });
const change = (asset: string, ts: number, side: "BUY" | "SELL", price: string, size: string) =>
  frame({
    event_type: "price_change",
    market: MARKET.conditionId,
    timestamp: String(ts),
    price_changes: [{ asset_id: asset, side, price, size, hash: "x", best_bid: "0", best_ask: "1" }],
  });
const print = (asset: string, ts: number, side: "BUY" | "SELL", price: string, size: string) =>
  frame({
    event_type: "last_trade_price",
    asset_id: asset,
    market: MARKET.conditionId,
    price,
    side,
    size,
    fee_rate_bps: "0",
    timestamp: String(ts),
  });

describe("recorder segments", () => {
  it("decode to a YES-space tape (NO prints mirrored, trades before their level updates) and replay with queue fills", async () => {
    const w = new SegmentWriter({ dir, codec: "gzip", blockBytes: 4096, flushIntervalMs: 0 });
    let seq = 0;
    w.appendControl(RecordType.subscribe, 1, T0, { assets: [YES, NO] });
    w.appendFrame(1, ++seq, T0, book(YES, T0, [["0.48", "100"]], [["0.52", "100"]]));
    w.appendFrame(1, ++seq, T0, book(NO, T0, [["0.48", "100"]], [["0.52", "100"]]));
    // A NO buyer lifts 0.52 = a YES seller hitting 0.48; the level update is received first in the same ms.
    w.appendFrame(1, ++seq, T0 + 1_000, change(YES, T0 + 1_000, "BUY", "0.48", "40"));
    w.appendFrame(1, ++seq, T0 + 1_000, change(NO, T0 + 1_000, "SELL", "0.52", "40"));
    w.appendFrame(1, ++seq, T0 + 1_000, print(NO, T0 + 1_000, "BUY", "0.52", "60"));
    w.appendFrame(1, ++seq, T0 + 2_000, print(YES, T0 + 2_000, "SELL", "0.48", "50"));
    w.appendFrame(1, ++seq, T0 + 2_000, change(YES, T0 + 2_000, "BUY", "0.48", "0"));
    w.appendFrame(1, ++seq, T0 + 3_000, frame({ event_type: "not_a_thing" }));
    w.appendFrame(
      1,
      ++seq,
      T0 + 4_000,
      frame({
        event_type: "market_resolved",
        market: MARKET.conditionId,
        assets_ids: [YES, NO],
        winning_asset_id: YES,
        winning_outcome: "Yes",
        timestamp: String(T0 + 4_000),
      }),
    );
    await w.close();

    const stats: RecorderImportStats = { frames: 0, events: 0, decodeErrors: 0, skipped: 0 };
    const tape = await tapeFromRecorder({ dir, markets: [MARKET] }, stats);
    const rows = Array.from({ length: tape.length }, (_, i) => [
      tape.time[i]! - T0,
      tape.kind[i],
      tape.side[i],
      tape.price[i],
      tape.size[i],
    ]);
    expect(rows).toEqual([
      [0, EventKind.SNAPSHOT, 0, 0, 2],
      [0, EventKind.LEVEL, SIDE_BID, 4800, 100 * SH],
      [0, EventKind.LEVEL, 1, 5200, 100 * SH],
      [1_000, EventKind.TRADE, TAKER_SELL, 4800, 60 * SH],
      [1_000, EventKind.LEVEL, SIDE_BID, 4800, 40 * SH],
      [2_000, EventKind.TRADE, TAKER_SELL, 4800, 50 * SH],
      [2_000, EventKind.LEVEL, SIDE_BID, 4800, 0],
      [4_000, EventKind.RESOLVE, 0, 0, 0],
    ]);
    expect(stats.skipped).toBe(1); // the NO-side mirror of the level update

    const r = runBacktest(tape, goldenConfig(fixedQuotes([4800, 10])));
    expect(r.fills.map((f) => [f.time - T0, f.price, f.size])).toEqual([[2_000, 4800, 10 * SH]]);
    expect(r.summary.pnl.atResolution).toBeCloseTo(10 * 0.52, 6);

    // A time range selects part of it, opening with the books as of its start (rebuilt by the
    // recorder's BookReplayer from the records before it).
    const part = await tapeFromRecorder({ dir, markets: [MARKET], fromMs: T0 + 1_500, toMs: T0 + 2_500 });
    const partRows = Array.from({ length: part.length }, (_, i) => [
      part.time[i]! - T0,
      part.kind[i],
      part.side[i],
      part.price[i],
      part.size[i],
    ]);
    expect(partRows).toEqual([
      [1_500, EventKind.SNAPSHOT, 0, 0, 2],
      [1_500, EventKind.LEVEL, SIDE_BID, 4800, 40 * SH],
      [1_500, EventKind.LEVEL, 1, 5200, 100 * SH],
      [2_000, EventKind.TRADE, TAKER_SELL, 4800, 50 * SH],
      [2_000, EventKind.LEVEL, SIDE_BID, 4800, 0],
    ]);
    // Replayed from there, our bid joins 40 ahead: the 50 print fills 10.
    const r2 = runBacktest(part, goldenConfig(fixedQuotes([4800, 10])));
    expect(r2.fills.map((f) => [f.time - T0, f.size])).toEqual([[2_000, 10 * SH]]);
  });
});
