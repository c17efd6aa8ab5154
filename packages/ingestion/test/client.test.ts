import { END_CURSOR } from "@mm/protocol";
import { ManualClock, price, size, type TokenId } from "@mm/types";
import { afterEach, describe, expect, it } from "vitest";
import { PolymarketApiError, type RetryInfo } from "../src/index.js";
import { matchYesTrade, restYesBid, startTestVenue, type TestVenue } from "./sim.js";

let venue: TestVenue | undefined;
afterEach(async () => {
  await venue?.stop();
  venue = undefined;
});

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

describe("books", () => {
  it("GET /book returns a best-first snapshot with integer prices and sizes", async () => {
    venue = await startTestVenue();
    const m = venue.markets[0]!;
    restYesBid(venue.sim, m, price("0.4"), size("10"));
    restYesBid(venue.sim, m, price("0.45"), size("6.5"));
    restYesBid(venue.sim, m, price("0.3"), size("5"));
    const book = await venue.client().getBook(m.info.yes.tokenId);
    expect(book.tokenId).toBe(m.info.yes.tokenId);
    expect(book.conditionId).toBe(m.info.conditionId);
    expect(book.bids).toEqual([
      { price: price("0.45"), size: size("6.5") },
      { price: price("0.4"), size: size("10") },
      { price: price("0.3"), size: size("5") },
    ]);
    expect(book.tickSize).toBe(100);
    expect(book.minOrderSize).toBe(size("5"));
  });

  it("POST /books is split into requests of at most 500 tokens", async () => {
    venue = await startTestVenue();
    const tokens = venue.markets.flatMap((m) => [m.info.yes.tokenId, m.info.no.tokenId]);
    const client = venue.client();
    const small = await client.getBooks(tokens, { batchSize: 2 });
    expect(small.items.map((b) => b.tokenId)).toEqual(tokens);
    expect(venue.sim.venue.requestCount("POST /books")).toBe(3);
    const many: TokenId[] = Array.from({ length: 1001 }, (_, i) => tokens[i % tokens.length]!);
    const big = await client.getBooks(many);
    expect(big.items).toHaveLength(1001);
    expect(big.rejected).toEqual([]);
    expect(venue.sim.venue.requestCount("POST /books")).toBe(3 + 3); // 500 + 500 + 1
    await expect(client.getBooks(tokens, { batchSize: 501 })).rejects.toThrow(RangeError);
  });
});

describe("retries, typed errors and cancellation", () => {
  it("retries 5xx until it succeeds", async () => {
    venue = await startTestVenue();
    const m = venue.markets[0]!;
    const retries: RetryInfo[] = [];
    const client = venue.client({ onRetry: (r) => retries.push(r) });
    venue.sim.venue.applyFault({ type: "http", kind: "5xx", route: "GET /book", count: 2, status: 503, message: "upstream busy" });
    const book = await client.getBook(m.info.yes.tokenId);
    expect(book.tokenId).toBe(m.info.yes.tokenId);
    expect(venue.sim.venue.requestCount("GET /book")).toBe(3);
    expect(retries.map((r) => [r.attempt, r.error.status, r.error.venueMessage])).toEqual([
      [1, 503, "upstream busy"],
      [2, 503, "upstream busy"],
    ]);
  });

  it("gives up after maxAttempts with the last status and the venue's message", async () => {
    venue = await startTestVenue();
    const m = venue.markets[0]!;
    venue.sim.venue.applyFault({ type: "http", kind: "5xx", route: "GET /book", count: 10 });
    const e = await rejection(venue.client({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } }).getBook(m.info.yes.tokenId));
    expect(e).toBeInstanceOf(PolymarketApiError);
    expect(e).toMatchObject({ reason: "http_status", status: 500, venueMessage: "Internal Server Error", attempts: 3, retryable: true });
    expect(venue.sim.venue.requestCount("GET /book")).toBe(3);
  });

  it("does not retry a 4xx and reports status and venue message", async () => {
    venue = await startTestVenue();
    const client = venue.client();
    const e = await rejection(client.getBook("123456789" as TokenId));
    expect(e).toMatchObject({
      name: "PolymarketApiError",
      reason: "http_status",
      status: 404,
      venueMessage: "No orderbook exists for the requested token id",
      attempts: 1,
      retryable: false,
    });
    expect((e as Error).message).toContain("HTTP 404: No orderbook exists");
    expect(venue.sim.venue.requestCount("GET /book")).toBe(1);
    const bad = await rejection(client.getClobMarketsPage("not-a-cursor"));
    expect(bad).toMatchObject({ status: 400, attempts: 1 });
  });

  it("honours a 429's Retry-After before retrying", async () => {
    venue = await startTestVenue();
    const m = venue.markets[0]!;
    const clock = new ManualClock(0);
    const delays: number[] = [];
    const client = venue.client({
      clock,
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
      onRetry: (r) => {
        delays.push(r.delayMs);
        setImmediate(() => clock.advance(r.delayMs)); // virtual backoff
      },
    });
    venue.sim.venue.applyFault({ type: "http", kind: "429", route: "GET /book", retryAfterSec: 3 });
    await client.getBook(m.info.yes.tokenId);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(3_000);
    expect(clock.now()).toBeGreaterThanOrEqual(3_000);
    expect(venue.sim.venue.requestCount("GET /book")).toBe(2);
  });

  it("fails fast (retryable) when Retry-After is longer than the policy allows", async () => {
    venue = await startTestVenue();
    const m = venue.markets[0]!;
    venue.sim.venue.applyFault({ type: "http", kind: "429", route: "GET /book", retryAfterSec: 120 });
    const e = await rejection(venue.client({ retry: { maxRetryAfterMs: 10_000 } }).getBook(m.info.yes.tokenId));
    expect(e).toMatchObject({ status: 429, retryable: true, retryAfterMs: 120_000, attempts: 1 });
  });

  it("cancellation during a backoff wait rejects at once with the signal's reason", async () => {
    venue = await startTestVenue();
    const m = venue.markets[0]!;
    const controller = new AbortController();
    const reason = new Error("shutting down");
    const client = venue.client({
      retry: { baseDelayMs: 60_000, maxDelayMs: 60_000 },
      onRetry: () => setImmediate(() => controller.abort(reason)),
    });
    venue.sim.venue.applyFault({ type: "http", kind: "5xx", route: "GET /book", count: 100 });
    const started = Date.now();
    const e = await rejection(client.getBook(m.info.yes.tokenId, { signal: controller.signal }));
    expect(e).toBe(reason);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(venue.sim.venue.requestCount("GET /book")).toBe(1);
  });

  it("cancellation of an in-flight request rejects with the signal's reason (not a timeout, not swallowed)", async () => {
    venue = await startTestVenue();
    const m = venue.markets[0]!;
    venue.sim.venue.applyFault({ type: "http", kind: "timeout", route: "GET /book", holdMs: 10_000 });
    const client = venue.client({ timeoutMs: 20_000 });
    const e = await rejection(client.getBook(m.info.yes.tokenId, { signal: AbortSignal.timeout(100) }));
    expect(e).toBeInstanceOf(DOMException);
    expect((e as DOMException).name).toBe("TimeoutError");
    expect(venue.sim.venue.requestCount("GET /book")).toBe(1);
    const already = new AbortController();
    already.abort("never started");
    expect(await rejection(client.getBook(m.info.yes.tokenId, { signal: already.signal }))).toBe("never started");
    expect(venue.sim.venue.requestCount("GET /book")).toBe(1);
  });

  it("times out a held request per attempt and retries it", async () => {
    venue = await startTestVenue();
    const m = venue.markets[0]!;
    venue.sim.venue.applyFault({ type: "http", kind: "timeout", route: "GET /book", holdMs: 10_000 });
    const retries: RetryInfo[] = [];
    const book = await venue.client({ timeoutMs: 1_000, onRetry: (r) => retries.push(r) }).getBook(m.info.yes.tokenId);
    expect(retries.map((r) => r.error.reason)).toEqual(["timeout"]);
    expect(book.tokenId).toBe(m.info.yes.tokenId);
    expect(venue.sim.venue.requestCount("GET /book")).toBe(2);
  });

  it("retries a dropped connection", async () => {
    venue = await startTestVenue();
    const m = venue.markets[0]!;
    venue.sim.venue.applyFault({ type: "http", kind: "drop", route: "GET /markets/:cid" });
    const client = venue.client();
    const market = await client.getClobMarket(m.info.conditionId);
    expect(market.condition_id).toBe(m.info.conditionId);
    expect(client.stats.retries).toBe(1);
  });
});

describe("pagination", () => {
  it("walks every CLOB /markets page exactly once, to LTE=", async () => {
    venue = await startTestVenue({ markets: 5, pageSize: 2 });
    const client = venue.client();
    const cursors: string[] = [];
    const ids: string[] = [];
    for await (const page of client.clobMarketPages()) {
      cursors.push(page.nextCursor);
      ids.push(...page.items.map((m) => m.condition_id));
    }
    expect(cursors).toHaveLength(3);
    expect(cursors.at(-1)).toBe(END_CURSOR);
    expect(ids.sort()).toEqual(venue.markets.map((m) => m.info.conditionId as string).sort());
    expect(venue.sim.venue.requestCount("GET /markets")).toBe(3);
    // A page budget ends the walk quietly; the loop guard fails it loudly.
    const budgeted = [];
    for await (const page of client.clobMarketPages({ stopAfterPages: 2 })) budgeted.push(page);
    expect(budgeted).toHaveLength(2);
    await expect(
      (async () => {
        for await (const _page of client.clobMarketPages({ maxPages: 2 })) {
          // consume
        }
      })(),
    ).rejects.toMatchObject({ reason: "pagination" });
  });

  it("walks every Gamma /markets and /events page exactly once and decodes the JSON-string fields", async () => {
    venue = await startTestVenue({ markets: 5 });
    const client = venue.client();
    const gammaCount = (route: string) => venue!.sim.venue.gamma.requestCounts.get(route) ?? 0;
    const markets = [];
    for await (const page of client.gammaMarketPages({}, { pageSize: 2 })) {
      expect(page.rejected).toEqual([]);
      markets.push(...page.items);
    }
    expect(gammaCount("GET /markets")).toBe(3); // offsets 0, 2, 4 (the last page is short)
    expect(markets.map((m) => m.conditionId).sort()).toEqual(venue.markets.map((m) => m.info.conditionId as string).sort());
    for (const gm of markets) {
      const sm = venue.markets.find((m) => m.info.conditionId === gm.conditionId)!;
      expect(gm.outcomes).toEqual(["Up", "Down"]);
      expect(gm.tokenIds).toEqual([sm.info.yes.tokenId, sm.info.no.tokenId]);
      expect(gm.outcomePrices).toHaveLength(2);
      expect(gm.tickSize).toBe(100);
      expect(gm.minOrderSize).toBe(size("5"));
      expect(gm.endTime).toBe(sm.endTime);
    }
    const events = [];
    for await (const page of client.gammaEventPages({}, { pageSize: 5 })) events.push(...page.items);
    expect(gammaCount("GET /events")).toBe(2); // a full page, then an empty one
    expect(events).toHaveLength(5);
    expect(events.every((e) => e.markets.length === 1 && e.rejectedMarkets.length === 0)).toBe(true);
  });
});

describe("Data-API trades", () => {
  it("normalizes seconds to ms, numbers to integer units, and gives each print a stable key", async () => {
    venue = await startTestVenue();
    const m = venue.markets[1]!;
    matchYesTrade(venue.sim, m, price("0.37"), size("12.34"));
    const client = venue.client();
    const a = await client.getTrades({ markets: [m.info.conditionId] });
    const b = await client.getTrades({ markets: [m.info.conditionId] });
    expect(a.rejected).toEqual([]);
    expect(a.items).toHaveLength(1);
    expect(a.items[0]).toMatchObject({ price: price("0.37"), size: size("12.34"), side: "BUY", tokenId: m.info.yes.tokenId });
    expect(a.items[0]!.timestamp % 1000).toBe(0);
    expect(a.items[0]!.timestamp).toBe(Math.floor(venue.clock.now() / 1000) * 1000);
    expect(b.items[0]!.key).toBe(a.items[0]!.key);
  });
});
