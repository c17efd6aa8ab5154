import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStorage } from "@mm/storage";
import { price, size } from "@mm/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TradeSync } from "../src/index.js";
import { DAY, matchYesTrade, NOW, startTestVenue, type TestVenue } from "./sim.js";

let venue: TestVenue | undefined;
let dir: string;
let storage: SqliteStorage;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mm-trade-sync-"));
  storage = SqliteStorage.open({ path: join(dir, "trades.db") });
});
afterEach(async () => {
  await venue?.stop();
  venue = undefined;
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("TradeSync (archive) against the simulator", () => {
  it("stores every print once across pages, then resumes from the watermark", async () => {
    venue = await startTestVenue({ startAt: NOW - 2 * DAY });
    const m = venue.markets[0]!;
    for (let i = 0; i < 7; i++) {
      matchYesTrade(venue.sim, m, price("0.5"), size(String(5 + i)));
      venue.clock.advance(60_000);
    }
    const sync = new TradeSync({ source: venue.client(), trades: storage.trades, watermarks: storage.watermarks, pageSize: 3 });
    const first = await sync.syncMarket(m.info.conditionId);
    expect(first).toMatchObject({ fetched: 7, inserted: 7, unchanged: 0, truncated: false, rejected: [] });
    expect(await storage.trades.count(m.info.conditionId)).toBe(7);
    const newest = (await storage.trades.recent(m.info.conditionId, 0, 1))[0]!;
    expect(first.watermark).toBe(newest.timestamp);
    expect(newest.size).toBe(size("11"));
    const dataRequests = () => venue!.sim.venue.data.requestCounts.get("GET /trades") ?? 0;
    expect(dataRequests()).toBe(3); // 3 + 3 + 1

    venue.clock.advance(60_000);
    matchYesTrade(venue.sim, m, price("0.52"), size("9"));
    const second = await sync.syncMarket(m.info.conditionId);
    // Stops at the first page: it already reaches prints older than the watermark.
    expect(dataRequests()).toBe(4);
    expect(second).toMatchObject({ inserted: 1, unchanged: 1 }); // the new print + the one at the watermark itself
    expect(await storage.trades.count(m.info.conditionId)).toBe(8);
    expect((await storage.watermarks.get(m.info.conditionId))?.timestamp).toBe(Math.floor(venue.clock.now() / 1000) * 1000);
  });

  it("keeps a print's key when its transaction hash appears later (listed before mining)", async () => {
    venue = await startTestVenue({ startAt: NOW - DAY });
    const m = venue.markets[1]!;
    matchYesTrade(venue.sim, m, price("0.3"), size("6"));
    const sync = new TradeSync({ source: venue.client(), trades: storage.trades, watermarks: storage.watermarks });
    expect(await sync.syncMarket(m.info.conditionId)).toMatchObject({ inserted: 1 });
    const [before] = await storage.trades.recent(m.info.conditionId, 0);
    expect(before?.txHash).toBeUndefined(); // MATCHED, not mined yet: the venue lists it with an empty hash
    venue.clock.advance(120_000); // the venue mines it
    expect(await sync.syncMarket(m.info.conditionId)).toMatchObject({ inserted: 0, updated: 1 });
    const [after] = await storage.trades.recent(m.info.conditionId, 0);
    expect(after?.key).toBe(before?.key);
    expect(after?.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await storage.trades.count(m.info.conditionId)).toBe(1);
  });
});
