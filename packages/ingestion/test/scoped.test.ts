import { SqliteStorage } from "@mm/storage";
import { ManualClock } from "@mm/types";
import { Effect } from "effect";
import { afterEach, describe, expect, it } from "vitest";
import { metadataSyncScoped, type MetadataSync, polymarketClientScoped } from "../src/index.js";
import { startTestVenue, type TestVenue } from "./sim.js";

let venue: TestVenue | undefined;
afterEach(async () => {
  await venue?.stop();
  venue = undefined;
});

describe("Effect scoped resources", () => {
  it("runs the metadata sync inside a scope and stops it (and closes the client) when the scope ends", async () => {
    venue = await startTestVenue({ markets: 2 });
    const urls = venue.sim.urls;
    const storage = SqliteStorage.open({ path: ":memory:" });
    const clock = new ManualClock(0);
    let sync: MetadataSync | undefined;
    const stored = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const client = yield* polymarketClientScoped({ clobUrl: urls.clob, gammaUrl: urls.gamma, dataApiUrl: urls.data });
          sync = yield* metadataSyncScoped({ source: client, markets: storage.markets, clock, intervalMs: 1_000 });
          const s = sync;
          yield* Effect.promise(async () => {
            for (let i = 0; i < 400 && s.stats.runs === 0; i++) await new Promise((r) => setTimeout(r, 5));
          });
          return yield* Effect.promise(() => storage.markets.list());
        }),
      ),
    );
    expect(stored).toHaveLength(2);
    expect(sync?.stats.runs).toBe(1);
    expect(clock.pendingTimers).toBe(0); // stopped: no next run scheduled
    await storage.close();
  });
});
