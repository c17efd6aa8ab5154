import { ManualClock, price, type Size, size } from "@mm/types";
import { afterEach, describe, expect, it } from "vitest";
import { EventProcessor, type PriceUpdate, type SizeBackfill, TradeFetcher, tradeFetcherBackfill } from "../src/index.js";
import { matchYesTrade, NOW, startTestVenue, type TestVenue } from "./sim.js";

let venue: TestVenue | undefined;
afterEach(async () => {
  await venue?.stop();
  venue = undefined;
});

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe("EventProcessor size backfill over REST (G3)", () => {
  it("backfills size-less updates from the venue's Data API and keeps sized ones as they are", async () => {
    venue = await startTestVenue({ startAt: NOW - 20_000 });
    const m = venue.markets[0]!;
    matchYesTrade(venue.sim, m, price("0.61"), size("8"));
    venue.clock.advanceTo(NOW);
    const fetcher = new TradeFetcher({ source: venue.client(), clock: venue.clock });
    const seen: string[] = [];
    const processor = new EventProcessor({
      backfill: tradeFetcherBackfill(fetcher),
      clock: venue.clock,
      onEvent: (e) => seen.push(e.sizeSource),
    });
    const base = { conditionId: m.info.conditionId, tokenId: m.info.yes.tokenId, timestamp: NOW - 1_000 };
    const a = await processor.process({ ...base, price: price("0.61") });
    expect(a).toMatchObject({ size: size("8"), sizeSource: "backfill", processedAt: NOW });
    const b = await processor.process({ ...base, price: price("0.7") }); // no print at 70¢
    expect(b).toMatchObject({ size: undefined, sizeSource: "unavailable" });
    const c = await processor.process({ ...base, price: price("0.7"), size: size("3") });
    expect(c).toMatchObject({ size: size("3"), sizeSource: "update" });
    expect(processor.stats).toEqual({ processed: 3, backfilled: 1, failed: 1, errors: 0, rejected: 0, inFlight: 0, listenerErrors: 0 });
    expect(seen).toEqual(["backfill", "unavailable", "update"]);
  });

  it("runs N concurrent backfills in about one backfill's time, not N", async () => {
    venue = await startTestVenue({ startAt: NOW - 20_000 });
    const m = venue.markets[0]!;
    matchYesTrade(venue.sim, m, price("0.5"), size("5"));
    venue.clock.advanceTo(NOW);
    const fetcher = new TradeFetcher({ source: venue.client(), clock: venue.clock });
    const real = tradeFetcherBackfill(fetcher);
    const BACKFILL_MS = 300;
    let concurrent = 0;
    let maxConcurrent = 0;
    // Each backfill is a real REST call to the simulator plus a fixed 300 ms of latency.
    const slow: SizeBackfill = {
      async sizeFor(u, o) {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        try {
          await delay(BACKFILL_MS);
          return await real.sizeFor(u, o);
        } finally {
          concurrent--;
        }
      },
    };
    const processor = new EventProcessor({ backfill: slow, clock: venue.clock });
    const N = 12;
    const updates: PriceUpdate[] = Array.from({ length: N }, (_, i) => ({
      conditionId: m.info.conditionId,
      tokenId: m.info.yes.tokenId,
      price: price("0.5"),
      timestamp: NOW - i,
    }));
    const started = performance.now();
    const events = await Promise.all(updates.map((u) => processor.process(u)));
    const elapsed = performance.now() - started;
    expect(events.every((e) => e.size === size("5") && e.sizeSource === "backfill")).toBe(true);
    expect(maxConcurrent).toBe(N);
    expect(elapsed).toBeGreaterThanOrEqual(BACKFILL_MS - 5);
    expect(elapsed).toBeLessThan(3 * BACKFILL_MS); // serial would be N × 300 ms = 3.6 s (margin for a loaded 2-core box)
    expect(processor.stats).toMatchObject({ processed: N, backfilled: N, failed: 0, inFlight: 0 });
  });
});

describe("EventProcessor (unit)", () => {
  const u = (i: number, extra: Partial<PriceUpdate> = {}): PriceUpdate =>
    ({ conditionId: `0x${"1".repeat(64)}`, tokenId: "42", price: price("0.5"), timestamp: i, ...extra }) as PriceUpdate;

  it("keeps a bounded buffer of recent events, oldest first", async () => {
    const p = new EventProcessor({ recentCapacity: 3, clock: new ManualClock(7) });
    for (let i = 0; i < 5; i++) await p.process(u(i, { size: size("1") }));
    expect(p.recentEvents().map((e) => e.timestamp)).toEqual([2, 3, 4]);
    expect(p.stats.processed).toBe(5);
    const q = new EventProcessor();
    await q.process(u(1));
    expect(q.recentEvents().map((e) => e.sizeSource)).toEqual(["none"]);
  });

  it("counts failed backfills (no size, or an error) and refuses malformed updates", async () => {
    let calls = 0;
    const flaky: SizeBackfill = {
      async sizeFor() {
        calls++;
        if (calls === 1) throw new Error("venue down");
        return calls === 2 ? undefined : (9 as Size);
      },
    };
    const p = new EventProcessor({ backfill: flaky });
    expect(await p.process(u(1))).toMatchObject({ sizeSource: "unavailable", backfillError: "venue down" });
    expect(await p.process(u(2))).toMatchObject({ sizeSource: "unavailable" });
    expect(await p.process(u(3))).toMatchObject({ sizeSource: "backfill", size: 9 });
    await expect(p.process(u(4, { price: 10_001 as never }))).rejects.toThrow(RangeError);
    await expect(p.process(u(Number.NaN))).rejects.toThrow(RangeError);
    expect(p.stats).toEqual({ processed: 3, backfilled: 1, failed: 2, errors: 1, rejected: 2, inFlight: 0, listenerErrors: 0 });
  });

  it("a throwing listener does not fail processing; it is counted", async () => {
    const p = new EventProcessor({
      onEvent: () => {
        throw new Error("listener bug");
      },
    });
    const e = await p.process(u(1, { size: size("2") }));
    expect(e.size).toBe(size("2"));
    expect(p.stats).toMatchObject({ processed: 1, listenerErrors: 1 });
    expect(p.recentEvents()).toHaveLength(1);
  });

  it("propagates cancellation of a backfill with the signal's reason and records nothing", async () => {
    const hanging: SizeBackfill = {
      sizeFor: (_u, o) =>
        new Promise((_resolve, reject) => o.signal?.addEventListener("abort", () => reject(new Error("aborted request")), { once: true })),
    };
    const p = new EventProcessor({ backfill: hanging });
    const controller = new AbortController();
    const pending = p.process(u(1), { signal: controller.signal });
    expect(p.stats.inFlight).toBe(1);
    controller.abort("stop");
    await expect(pending).rejects.toBe("stop");
    expect(p.stats).toMatchObject({ processed: 0, failed: 0, inFlight: 0 });
  });
});
