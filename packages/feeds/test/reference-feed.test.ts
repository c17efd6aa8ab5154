import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ReferenceCache } from "@mm/caches";
import { afterEach, describe, expect, it } from "vitest";
import { ReferenceFeed } from "../src/index.js";
import { eventually, sleep } from "./helpers/loopback.js";
import { startSim } from "./helpers/sim.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("ReferenceFeed against the simulator's Binance-like server", () => {
  it("streams bookTicker over WebSocket, falls back to bounded REST polling when the stream freezes, and returns", async () => {
    const sim = await startSim({ flow: false, reference: { intervalMs: 20 } });
    cleanups.push(() => sim.stop());
    const cache = new ReferenceCache();
    const feed = new ReferenceFeed({
      wsUrl: sim.urls.binanceWs,
      restUrl: sim.urls.binance,
      symbols: ["btcusdt"],
      cache,
      pollIntervalMs: 100,
      wsStaleMs: 300,
      ws: { pingIntervalMs: 200, backoff: { initialMs: 50, maxMs: 1_000 } },
    });
    cleanups.push(() => feed.stop());
    feed.start();
    await eventually(() => feed.stats.wsUpdates >= 5, 5_000, "ws updates");
    expect(feed.mode).toBe("ws");
    expect(feed.stats.restRequests).toBe(0);
    const q = cache.reference("BTCUSDT")!;
    expect(q.bid).toBeGreaterThan(0);
    expect(q.ask).toBeGreaterThanOrEqual(q.bid);

    sim.venue.applyFault({ type: "freeze", channel: "binance" });
    await eventually(() => feed.stats.restUpdates >= 3, 5_000, "REST fallback");
    expect(feed.mode).toBe("rest");
    const before = feed.stats.restRequests;
    await sleep(1_000);
    const rate = feed.stats.restRequests - before;
    expect(rate).toBeGreaterThanOrEqual(3);
    expect(rate).toBeLessThanOrEqual(11); // 100 ms period: ≤ 10/s, never a spin
    expect(feed.stats.restFailures).toBe(0);

    sim.venue.applyFault({ type: "freeze", channel: "binance", frozen: false });
    await eventually(() => feed.mode === "ws", 5_000, "back on the stream");
    const polled = feed.stats.restRequests;
    await sleep(300);
    expect(feed.stats.restRequests - polled).toBeLessThanOrEqual(1);
  });

  it("follows several symbols over the combined stream", async () => {
    const sim = await startSim({
      flow: false,
      reference: {
        intervalMs: 20,
        symbols: [
          { symbol: "BTCUSDT", initialPrice: 96_500 },
          { symbol: "ETHUSDT", initialPrice: 3_400 },
        ],
      },
    });
    cleanups.push(() => sim.stop());
    const cache = new ReferenceCache();
    const feed = new ReferenceFeed({ wsUrl: sim.urls.binanceWs, symbols: ["BTCUSDT", "ethusdt"], cache, ws: { pingIntervalMs: 500 } });
    cleanups.push(() => feed.stop());
    feed.start();
    await eventually(
      () => (cache.reference("BTCUSDT")?.updateCount ?? 0) > 2 && (cache.reference("ETHUSDT")?.updateCount ?? 0) > 2,
      5_000,
      "both",
    );
    expect(cache.reference("ETHUSDT")!.mid).toBeGreaterThan(1_000);
    expect(cache.reference("ETHUSDT")!.mid).toBeLessThan(10_000);
    expect(cache.reference("BTCUSDT")!.mid).toBeGreaterThan(50_000);
    expect(feed.stats.decodeErrors).toBe(0);
  });

  it("never polls faster than 20 Hz whatever the settings", () => {
    const feed = new ReferenceFeed({
      restUrl: "http://127.0.0.1:9",
      symbols: ["BTCUSDT", "ETHUSDT"],
      cache: new ReferenceCache(),
      pollIntervalMs: 1,
    });
    expect(feed.pollPeriodMs).toBe(100); // 2 symbols × 50 ms
  });
});

describe("ReferenceFeed REST fallback against a failing server (loopback)", () => {
  it("survives 5xx, timeouts and garbage with backoff, then recovers", async () => {
    let mode: "500" | "hang" | "garbage" | "ok" = "500";
    const hits: number[] = [];
    const server: Server = createServer((req, res) => {
      hits.push(Date.now());
      if (!req.url?.startsWith("/api/v3/ticker/bookTicker")) {
        res.statusCode = 404;
        res.end();
        return;
      }
      if (mode === "500") {
        res.statusCode = 503;
        res.end('{"code":-1003,"msg":"overloaded"}');
      } else if (mode === "hang") {
        // never answers
      } else if (mode === "garbage") {
        res.end("<html>not json</html>");
      } else {
        res.setHeader("content-type", "application/json");
        res.end(
          JSON.stringify({ symbol: "BTCUSDT", bidPrice: "64000.10000000", bidQty: "1.0", askPrice: "64000.20000000", askQty: "2.0" }),
        );
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    cleanups.push(async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    });
    const cache = new ReferenceCache();
    const feed = new ReferenceFeed({
      restUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      symbols: ["BTCUSDT"],
      cache,
      pollIntervalMs: 50,
      requestTimeoutMs: 150,
      restBackoff: { initialMs: 100, maxMs: 2_000, factor: 2, jitter: 0 },
    });
    cleanups.push(() => feed.stop());
    feed.start();

    // 5xx: 100, 200, 400, 800 ms waits ⇒ at most 5 requests in ~1.2 s (a spin would make hundreds)
    await sleep(1_200);
    expect(feed.stats.restFailures).toBeGreaterThanOrEqual(3);
    expect(hits.length).toBeLessThanOrEqual(5);
    expect(feed.stats.lastRestError).toBe("HTTP 503");
    expect(cache.reference("BTCUSDT")).toBeUndefined();
    expect(feed.mode).toBe("down");

    mode = "ok";
    await eventually(() => cache.reference("BTCUSDT") !== undefined, 5_000, "recovered");
    expect(cache.reference("BTCUSDT")).toMatchObject({ bid: 64000.1, ask: 64000.2 });
    expect(feed.stats.consecutiveRestFailures).toBe(0);
    expect(feed.mode).toBe("rest");

    mode = "hang";
    const failuresBefore = feed.stats.restFailures;
    await eventually(() => feed.stats.restFailures >= failuresBefore + 2, 5_000, "timeouts counted");
    expect(feed.stats.lastRestError).toMatch(/abort|timeout/i);

    mode = "garbage";
    await eventually(() => feed.stats.decodeErrors >= 1, 5_000, "garbage counted");

    // stopping while a request hangs is prompt
    mode = "hang";
    await sleep(100);
    const t0 = Date.now();
    await feed.stop();
    expect(Date.now() - t0).toBeLessThan(1_000);
    const after = hits.length;
    await sleep(300);
    expect(hits.length).toBe(after);
  });
});
