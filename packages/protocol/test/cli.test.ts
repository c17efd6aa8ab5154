import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { canonicalDecimal, decodeContent } from "../src/cli/decode-file.js";
import { readFixture } from "./fixtures.js";

const run = promisify(execFile);
const BIN = join(dirname(fileURLToPath(import.meta.url)), "../bin/mm-protocol.mjs");

describe("mm-protocol decode (content → lines)", () => {
  it("ws: one JSON document", () => {
    expect(decodeContent(readFixture("docs_examples/ws_market_book.json"), "ws")).toEqual([
      {
        type: "book",
        asset: "65818619657568813474341868652308942079804919287380422192892211131408793125422",
        market: "0xbd31dc8a20211944f6b70f31557f1001557b59905b7738480ca09bd4532f84af",
        bestBid: "0.5",
        bestAsk: "0.52",
        bids: 3,
        asks: 3,
        ts: 1757908892351,
      },
    ]);
  });

  it("ws: NDJSON of mixed frames (text, arrays, legacy price_change, garbage)", () => {
    const A = "100";
    const lines = [
      "PONG",
      JSON.stringify([
        {
          event_type: "price_change",
          asset_id: A,
          market: "0xm",
          price: "0.50",
          side: "BUY",
          size: "10.10",
          hash: "h",
          timestamp: "1723967931411",
        },
      ]),
      JSON.stringify({
        event_type: "tick_size_change",
        asset_id: A,
        market: "0xm",
        old_tick_size: "0.01",
        new_tick_size: "0.001",
        timestamp: "1739068041853",
      }),
      JSON.stringify({
        event_type: "last_trade_price",
        asset_id: A,
        market: "0xm",
        price: "0.491",
        size: "85.36",
        fee_rate_bps: "0",
        timestamp: "1724564136087",
      }),
      JSON.stringify({
        event_type: "best_bid_ask",
        asset_id: A,
        market: "0xm",
        best_bid: "0.73",
        best_ask: "0.77",
        spread: "0.04",
        timestamp: "1766789469958",
      }),
      JSON.stringify({ event_type: "market_resolved", market: "0xm", winning_asset_id: A, timestamp: "1" }),
      JSON.stringify({ event_type: "new_market", market: "0xm", assets_ids: [A, "200"], timestamp: "1" }),
      JSON.stringify({ event_type: "book", asset_id: A, market: "0xm", bids: [], asks: [{ price: "0.6", size: "1" }], timestamp: "1" }),
      "{broken",
      JSON.stringify({ event_type: "unknown_future_event" }),
      "",
    ].join("\n");
    expect(decodeContent(lines, "ws")).toEqual([
      { type: "text", value: "PONG" },
      { type: "level", asset: A, side: "BID", price: "0.5", size: "10.1", ts: 1723967931411 },
      { type: "tick", asset: A, from: "0.01", to: "0.001", ts: 1739068041853 },
      { type: "trade", asset: A, price: "0.491", size: "85.36", side: null, ts: 1724564136087 },
      { type: "bbo", asset: A, bestBid: "0.73", bestAsk: "0.77", ts: 1766789469958 },
      { type: "resolved", market: "0xm", winner: A },
      { type: "new_market", market: "0xm", assets: [A, "200"] },
      { type: "book", asset: A, market: "0xm", bestBid: null, bestAsk: "0.6", bids: 0, asks: 1, ts: 1000 },
      { type: "error", reason: expect.stringMatching(/^invalid_json/) },
    ]);
  });

  it("ws: recorder-style wrapped lines and JSON-string lines", () => {
    const frame = readFixture("docs_examples/ws_market_last_trade_price.json").replace(/\n\s*/g, "");
    const content = `\uFEFF${JSON.stringify({ ts: 1, frame })}\n${JSON.stringify(frame)}\n${JSON.stringify({ recv: 2, data: JSON.parse(frame) })}\n`;
    expect(decodeContent(content, "ws").map((l) => l.type)).toEqual(["trade", "trade", "trade"]);
    expect(decodeContent(JSON.stringify(["PONG", frame]), "ws").map((l) => l.type)).toEqual(["text", "trade"]);
  });

  it("ws: user frames", () => {
    const [o] = decodeContent(readFixture("nautilus_rust/ws_user_order_fok_killed.json"), "ws");
    expect(o).toMatchObject({
      type: "order",
      event: "CANCELLATION",
      sizeMatched: "0",
      originalSize: "12",
      price: "0.6",
      ts: 1777824065000,
    });
    const [t] = decodeContent(readFixture("nautilus_py/ws_messages/user_trade4.json"), "ws");
    expect(t).toEqual({
      type: "user_trade",
      id: "83b5c849-620e-4c23-b63b-2e779c04a6e7",
      status: "CONFIRMED",
      asset: "21742633143463906290569050155826241533067272736897614950488156847949938836455",
      side: "SELL",
      price: "0.5",
      size: "15",
      traderSide: "MAKER",
      makerLegs: 3,
      crossAssetLegs: 0,
      ts: 1762776436000,
    });
  });

  it("REST kinds", () => {
    const page = JSON.stringify({
      limit: 1,
      count: 1,
      next_cursor: "MTAw",
      data: [JSON.parse(readFixture("nautilus_rust/clob_market_closed_binary_accepting_true.json"))],
    });
    const out = decodeContent(page, "clob-markets");
    expect(out[0]).toMatchObject({ type: "market", tick: "0.01", minSize: "5", negRisk: false, active: true, closed: true });
    expect(out[1]).toEqual({ type: "cursor", next: "MTAw", end: false });
    expect(decodeContent(JSON.stringify({ data: [], next_cursor: "LTE=" }), "clob-markets")).toEqual([
      { type: "cursor", next: "LTE=", end: true },
    ]);
    const g = decodeContent(readFixture("nautilus_rust/gamma_market_closed_binary_accepting_true.json"), "gamma-markets");
    expect(g[0]).toMatchObject({ type: "market", tick: "0.01", minSize: "5", tokens: [{ outcome: "Yes" }, { outcome: "No" }] });
    const keyset = decodeContent(
      JSON.stringify({ markets: [JSON.parse(readFixture("nautilus_rust/gamma_market_closed_binary_accepting_true.json"))] }),
      "gamma-markets",
    );
    expect(keyset[1]).toEqual({ type: "cursor", next: null, end: true });
    expect(decodeContent(readFixture("nautilus_rust/clob_book_response.json"), "book")[0]).toMatchObject({
      type: "book",
      bestBid: "0.5",
      bestAsk: "0.51",
      bids: 3,
      asks: 3,
      ts: 1703875200000,
    });
    expect(decodeContent(readFixture("nautilus_rust/data_api_trades_response.json"), "data-trades")[0]).toMatchObject({
      type: "rest_trade",
      price: "0.55",
      size: "100",
      side: "BUY",
      ts: 1710000000000,
    });
    expect(decodeContent("[1]", "data-trades")).toEqual([{ type: "error", reason: expect.stringMatching(/not_an_object/) }]);
  });

  it("canonical decimals", () => {
    expect(["0.50", ".48", "100.0", "007", "0.0000", 0.01, 5, 1e-7, "x"].map(canonicalDecimal)).toEqual([
      "0.5",
      "0.48",
      "100",
      "7",
      "0",
      "0.01",
      "5",
      "0.0000001",
      null,
    ]);
  });
});

describe("mm-protocol bin", () => {
  it("runs from source through the launcher and exits 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mm-protocol-"));
    const file = join(dir, "frames.ndjson");
    writeFileSync(file, `PONG\n${readFixture("docs_examples/ws_market_price_change_v2_2025-09.json").replace(/\n\s*/g, "")}\n`);
    const { stdout } = await run(process.execPath, [BIN, "decode", file]);
    const lines = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(["text", "level", "level"]);
    await expect(run(process.execPath, [BIN, "decode", join(dir, "missing.json")])).rejects.toMatchObject({ code: 1 });
  }, 30_000);
});
