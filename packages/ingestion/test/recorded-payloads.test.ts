/**
 * Cases the simulator cannot produce (recorded third-party payload shapes, malformed responses,
 * misbehaving pagination, price history): a minimal hand-written node:http server on loopback
 * serves recorded fixtures from /work/shared/protocol/fixtures or explicit bad payloads.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { END_CURSOR } from "@mm/protocol";
import { SqliteStorage } from "@mm/storage";
import { type ConditionId, ManualClock, price, size, type TokenId } from "@mm/types";
import { afterEach, describe, expect, it } from "vitest";
import { MetadataSync, PolymarketClient, TradeFetcher } from "../src/index.js";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "../../../../shared/protocol/fixtures");
const fixture = (path: string): unknown => JSON.parse(readFileSync(join(FIXTURES, path), "utf8"));

type Handler = (req: IncomingMessage, url: URL, res: ServerResponse) => void;
let server: Server | undefined;
let client: PolymarketClient | undefined;
const hits = new Map<string, number>();

async function serve(handler: Handler): Promise<PolymarketClient> {
  hits.clear();
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
    req.resume();
    req.on("end", () => handler(req, url, res));
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new PolymarketClient({
    clobUrl: base,
    gammaUrl: base,
    dataApiUrl: base,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
    maxResponseBytes: 64 * 1024,
  });
  return client;
}

const json = (res: ServerResponse, body: unknown, status = 200) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
};

afterEach(async () => {
  await client?.close();
  client = undefined;
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

describe("recorded payloads", () => {
  it("decodes a recorded Gamma market with JSON-encoded outcomes / clobTokenIds / outcomePrices", async () => {
    const c = await serve((_q, _u, res) => json(res, [fixture("nautilus_rust/gamma_market_closed_binary_accepting_true.json")]));
    const page = await c.getGammaMarketsPage();
    expect(page.rejected).toEqual([]);
    expect(page.items[0]).toMatchObject({
      id: "1812085",
      outcomes: ["Yes", "No"],
      tokenIds: [
        "22978793223071892222859460592277435458011604214087068523744633723809814935807",
        "108268928354766371660560153450121076545199284531791348447523752861907448942629",
      ],
      outcomePrices: [1, 0],
      tickSize: 100,
      minOrderSize: size("5"),
      closed: true,
      endTime: Date.parse("2027-12-31T00:00:00Z"),
    });
  });

  it("decodes a recorded Gamma event with its markets", async () => {
    const c = await serve((_q, _u, res) => json(res, fixture("nautilus_rust/gamma_event.json")));
    const page = await c.getGammaEventsPage();
    expect(page.items).toHaveLength(1);
    expect(page.items[0]!.markets).toHaveLength(2);
    expect(page.items[0]!.rejectedMarkets).toEqual([]);
    expect(page.items[0]!.markets[0]!.tickSize).toBe(10);
  });

  it("normalizes Data-API trades (seconds → ms, numbers → integer units)", async () => {
    const c = await serve((_q, url, res) => {
      expect(url.searchParams.get("market")).toBe(`0x${"c8".repeat(32)},0x${"ab".repeat(32)}`);
      json(res, fixture("nautilus_rust/data_api_trades_response.json"));
    });
    const r = await c.getTrades({ markets: [`0x${"c8".repeat(32)}`, `0x${"ab".repeat(32)}`] as ConditionId[] });
    expect(r.rejected).toEqual([]);
    expect(r.items.map((t) => [t.price, t.size, t.timestamp])).toEqual([
      [price("0.55"), size("100"), 1_710_000_000_000],
      [price("0.53"), size("50"), 1_709_999_900_000],
      [price("0.45"), size("75"), 1_709_999_800_000],
    ]);
  });

  it("normalizes trade timestamps given in seconds or in milliseconds alike before the G1 window", async () => {
    const rows = fixture("nautilus_rust/data_api_trades_response.json") as Record<string, unknown>[];
    const now = 1_710_000_100_000; // 100 s after the newest print
    const c = await serve((_q, _u, res) =>
      json(res, [
        { ...rows[0], timestamp: 1_710_000_000 }, // seconds, 100 s old
        { ...rows[1], timestamp: 1_709_999_990_000 }, // milliseconds, 110 s old
        { ...rows[2], timestamp: 1_709_999_000 }, // seconds, 1100 s old
      ]),
    );
    const fetcher = new TradeFetcher({ source: c, clock: new ManualClock(now) });
    const r = await fetcher.fetchTrades([`0x${"c8".repeat(32)}` as ConditionId]);
    expect(r.trades.map((t) => t.timestamp)).toEqual([1_710_000_000_000, 1_709_999_990_000]);
    expect(r.stale).toBe(1);
  });

  it("sorts a recorded worst-to-best book best-first", async () => {
    const c = await serve((_q, _u, res) =>
      json(res, { ...(fixture("nautilus_rust/clob_book_response.json") as object), tick_size: "0.01", min_order_size: "5" }),
    );
    const book = await c.getBook("12345678901234567890" as TokenId);
    expect(book.bids.map((l) => l.price)).toEqual([price("0.5"), price("0.49"), price("0.48")]);
    expect(book.asks.map((l) => l.price)).toEqual([price("0.51"), price("0.52"), price("0.53")]);
    expect(book.timestamp).toBe(1_703_875_200_000);
  });

  it("syncs a recorded closed, resolved CLOB market into storage", async () => {
    const recorded = fixture("nautilus_rust/clob_market_closed_binary_accepting_true.json") as { condition_id: ConditionId };
    const c = await serve((_q, _u, res) => json(res, recorded));
    const storage = SqliteStorage.open({ path: ":memory:" });
    const sync = new MetadataSync({ source: c, markets: storage.markets, conditionIds: [recorded.condition_id] });
    const report = await sync.syncOnce();
    expect(report.added).toBe(1);
    const m = await storage.markets.get(recorded.condition_id);
    expect(m).toMatchObject({ closed: true, tickSize: 100, minOrderSize: size("5"), yes: { label: "Yes" }, no: { label: "No" } });
    expect(m?.winnerTokenId).toBe(m?.yes.tokenId);
    await storage.close();
  });

  it("reads /prices-history points (doc-shaped payload)", async () => {
    const c = await serve((_q, url, res) => {
      expect(url.searchParams.get("market")).toBe("42");
      expect(url.searchParams.get("interval")).toBe("1d");
      json(res, {
        history: [
          { t: 1697875200, p: 0.52 },
          { t: 1697875260, p: 0.5234 },
          { t: 1697875320, p: 1.5 },
        ],
      });
    });
    const r = await c.getPriceHistory({ tokenId: "42" as TokenId, interval: "1d" });
    expect(r.items).toEqual([
      { timestamp: 1_697_875_200_000, price: price("0.52") },
      { timestamp: 1_697_875_260_000, price: price("0.5234") },
    ]);
    expect(r.rejected).toHaveLength(1);
  });
});

describe("untrusted responses", () => {
  it("keeps the good elements of a list and reports the malformed ones with a reason", async () => {
    const good = (fixture("nautilus_rust/data_api_trades_response.json") as Record<string, unknown>[])[0]!;
    const c = await serve((_q, _u, res) =>
      json(res, [
        good,
        { ...good, price: "0.5" },
        { ...good, price: Number.MAX_VALUE },
        { ...good, price: 0.12345 },
        { ...good, asset: "0x12" },
      ]),
    );
    const r = await c.getTrades();
    expect(r.items).toHaveLength(1);
    expect(r.rejected.map((x) => x.index)).toEqual([1, 2, 3, 4]);
    expect(r.rejected[2]!.reason).toContain("0.0001 grid");
  });

  it("refuses a 200 that is not JSON, and a body over the size bound, without retrying", async () => {
    let c = await serve((_q, url, res) => (url.pathname === "/book" ? json(res, "<html>oops") : json(res, "x".repeat(100_000))));
    await expect(c.getBook("1" as TokenId)).rejects.toMatchObject({ reason: "invalid_response", attempts: 1 });
    await expect(c.getTrades()).rejects.toMatchObject({ reason: "response_too_large", retryable: false });
    expect(hits.get("/trades")).toBe(1);
    await client?.close();
    await new Promise<void>((r) => server!.close(() => r()));
    c = await serve((_q, _u, res) => json(res, { data: "nope" }));
    await expect(c.getClobMarketsPage()).rejects.toMatchObject({ reason: "invalid_response" });
  });

  it("stops a CLOB walk whose cursor repeats instead of looping forever", async () => {
    const market = fixture("nautilus_rust/clob_market_closed_binary_accepting_true.json");
    const c = await serve((_q, _u, res) => json(res, { data: [market], next_cursor: "MTAw" }));
    const pages: number[] = [];
    await expect(
      (async () => {
        for await (const p of c.clobMarketPages()) pages.push(p.items.length);
      })(),
    ).rejects.toMatchObject({ reason: "pagination" });
    expect(pages).toEqual([1, 1]); // MA== then MTAw, whose next cursor is MTAw again
    expect(hits.get("/markets")).toBe(2);
  });

  it("stops a Gamma walk when the server ignores the offset (GOTCHAS 18)", async () => {
    const m = fixture("nautilus_rust/gamma_market_closed_binary_accepting_true.json") as Record<string, unknown>;
    const c = await serve((_q, _u, res) => json(res, [m, { ...m, id: "2" }]));
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const p of c.gammaMarketPages({}, { pageSize: 2 })) seen.push(...p.items.map((x) => x.id));
      })(),
    ).rejects.toMatchObject({ reason: "pagination" });
    expect(seen).toEqual(["1812085", "2"]);
  });

  it("walks Gamma keyset pages with after_cursor to the page without next_cursor", async () => {
    const m = fixture("nautilus_rust/gamma_market_closed_binary_accepting_true.json") as Record<string, unknown>;
    const all = Array.from({ length: 5 }, (_, i) => ({ ...m, id: String(100 + i) }));
    const cursors: (string | null)[] = [];
    const c = await serve((_q, url, res) => {
      expect(url.pathname).toBe("/markets/keyset");
      expect(url.searchParams.get("offset")).toBeNull(); // keyset endpoints reject offset
      const after = url.searchParams.get("after_cursor");
      cursors.push(after);
      const start = after === null ? 0 : Number(Buffer.from(after, "base64").toString());
      const limit = Number(url.searchParams.get("limit"));
      const next = start + limit < all.length ? Buffer.from(String(start + limit)).toString("base64") : undefined;
      json(res, { markets: all.slice(start, start + limit), ...(next === undefined ? {} : { next_cursor: next }) });
    });
    const ids: string[] = [];
    for await (const p of c.gammaMarketKeysetPages({ closed: true }, { pageSize: 2 })) ids.push(...p.items.map((x) => x.id));
    expect(ids).toEqual(["100", "101", "102", "103", "104"]);
    expect(cursors).toEqual([null, "Mg==", "NA=="]);
  });

  it("stops a Gamma keyset walk whose cursor is ignored (same page again)", async () => {
    const m = fixture("nautilus_rust/gamma_market_closed_binary_accepting_true.json") as Record<string, unknown>;
    let n = 0;
    const c = await serve((_q, _u, res) => json(res, { markets: [m], next_cursor: `c${++n}` }));
    await expect(
      (async () => {
        for await (const _p of c.gammaMarketKeysetPages({}, { pageSize: 1 })) {
          // consume
        }
      })(),
    ).rejects.toMatchObject({ reason: "pagination" });
    expect(hits.get("/markets/keyset")).toBe(2);
  });

  it("treats an empty first CLOB page with LTE= as the end", async () => {
    const c = await serve((_q, _u, res) => json(res, { data: [], next_cursor: END_CURSOR }));
    const pages = [];
    for await (const p of c.clobMarketPages()) pages.push(p);
    expect(pages).toHaveLength(1);
  });
});
