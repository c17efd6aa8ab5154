import { request as httpRequest } from "node:http";
import { type BenchSpec, defineBenches, median } from "@mm/bench";
import { type ConditionId, ManualClock, price, type Size, size, type TokenId } from "@mm/types";
import { startVenueSim } from "@mm/venue-sim";
import { EventProcessor, PolymarketClient, type PriceUpdate, type SizeBackfill } from "../src/index.js";

/** N size-less updates with a fixed-latency backfill: concurrent processing vs one at a time. */
const concurrentBackfill: BenchSpec = {
  name: "ingestion/EventProcessor N concurrent backfills vs serial",
  unit: "updates/s",
  better: "higher",
  target: { minRatio: 8 },
  async measure(ctx) {
    const n = ctx.n(32, 4);
    const latencyMs = ctx.smoke ? 5 : 50;
    const backfill: SizeBackfill = { sizeFor: () => new Promise<Size>((r) => setTimeout(() => r(size("5")), latencyMs)) };
    const updates: PriceUpdate[] = Array.from({ length: n }, (_, i) => ({
      conditionId: `0x${"1".repeat(64)}` as ConditionId,
      tokenId: "7" as TokenId,
      price: price("0.5"),
      timestamp: i,
    }));
    const concurrent: number[] = [];
    const serial: number[] = [];
    for (let rep = 0; rep < (ctx.smoke ? 1 : 3); rep++) {
      const p1 = new EventProcessor({ backfill });
      let t = performance.now();
      await Promise.all(updates.map((u) => p1.process(u)));
      concurrent.push(n / ((performance.now() - t) / 1000));
      const p2 = new EventProcessor({ backfill });
      t = performance.now();
      for (const u of updates) await p2.process(u);
      serial.push(n / ((performance.now() - t) / 1000));
      if (p1.stats.backfilled !== n || p2.stats.backfilled !== n) throw new Error("backfill count mismatch");
    }
    return { value: median(concurrent), baseline: median(serial), details: { updates: n, backfillLatencyMs: latencyMs } };
  },
};

/** Sequential GET /book over the client's keep-alive pool vs a new TCP connection per request (same simulator). */
const keepAlive: BenchSpec = {
  name: "ingestion/GET /book keep-alive pool vs connection per request",
  unit: "req/s",
  better: "higher",
  target: { minRatio: 1.1 },
  async measure(ctx) {
    const n = ctx.n(2_000, 5);
    const sim = await startVenueSim({
      seed: 3,
      markets: 1,
      flow: false,
      rateLimits: false,
      clock: new ManualClock(1_790_000_000_000),
      reference: { intervalMs: 0 },
    });
    const token = sim.venue.allMarkets()[0]!.info.yes.tokenId;
    const client = new PolymarketClient({ clobUrl: sim.urls.clob });
    const url = new URL(`${sim.urls.clob}/book?token_id=${token}`);
    const fresh = () =>
      new Promise<void>((resolve, reject) => {
        const req = httpRequest(url, { agent: false, headers: { connection: "close" } }, (res) => {
          let body = "";
          res.on("data", (c: Buffer) => {
            body += c.toString();
          });
          res.on("end", () => (res.statusCode === 200 && body.includes(token) ? resolve() : reject(new Error(`status ${res.statusCode}`))));
        });
        req.on("error", reject);
        req.end();
      });
    try {
      const pooled: number[] = [];
      const perRequest: number[] = [];
      for (let rep = 0; rep < (ctx.smoke ? 1 : 3); rep++) {
        let t = performance.now();
        for (let i = 0; i < n; i++) {
          const b = await client.getBook(token);
          if (b.tokenId !== token) throw new Error("wrong book");
        }
        pooled.push(n / ((performance.now() - t) / 1000));
        t = performance.now();
        for (let i = 0; i < n; i++) await fresh();
        perRequest.push(n / ((performance.now() - t) / 1000));
      }
      return { value: median(pooled), baseline: median(perRequest), details: { requests: n } };
    } finally {
      await client.close();
      await sim.stop();
    }
  },
};

export default defineBenches([concurrentBackfill, keepAlive]);
