import { BookStore } from "@mm/caches";
import type { TokenId } from "@mm/types";
import type { VenueSimHandle } from "@mm/venue-sim";
import { Effect } from "effect";
import { afterEach, describe, expect, it } from "vitest";
import { MarketFeed, type MarketFeedOptions } from "../src/index.js";
import { eventually, sleep } from "./helpers/loopback.js";
import { bookDiffs, marketWsUrl, startSim } from "./helpers/sim.js";

/**
 * The market feed against the venue simulator over loopback: real sockets, real wire frames,
 * the simulator's seeded order flow and its fault injection.
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(feedOptions: Partial<MarketFeedOptions> = {}, flow: boolean | object = { intervalMs: 20, takerRatePerSec: 20 }) {
  const sim = await startSim({ flow: flow as never });
  cleanups.push(() => sim.stop());
  const books = new BookStore();
  const feed = new MarketFeed({
    url: marketWsUrl(sim),
    books,
    staggerMs: 20,
    ws: { pingIntervalMs: 500, backoff: { initialMs: 50, maxMs: 1_000, jitter: 0.1 }, stableAfterMs: 100 },
    ...feedOptions,
  });
  cleanups.push(() => feed.stop());
  const markets = sim.venue.allMarkets().map((m) => m.info);
  feed.subscribe(markets);
  const tokens = markets.flatMap((m) => [m.yes.tokenId, m.no.tokenId]);
  return { sim, books, feed, tokens };
}

const allTrusted = (books: BookStore, tokens: readonly string[]) => tokens.every((t) => books.book(t as TokenId)?.trusted === true);

async function quiesce(sim: VenueSimHandle): Promise<void> {
  sim.flow?.stop();
  await sleep(300);
}

describe("MarketFeed against the venue simulator", () => {
  it("books match the venue's /book after a random flow", async () => {
    const seen = new Map<string, number>();
    const { sim, books, feed, tokens } = await setup({ onEvent: (e) => seen.set(e.kind, (seen.get(e.kind) ?? 0) + 1) });
    feed.start();
    await eventually(() => allTrusted(books, tokens), 5_000, "initial snapshots");
    await eventually(() => books.stats.levelFrames + books.stats.snapshots > 60, 10_000, "order flow");
    await quiesce(sim);
    expect(await bookDiffs(sim, books, tokens)).toEqual([]);
    expect(books.stats.rejectedFrames).toBe(0);
    expect(feed.stats.decodeErrors).toBe(0);
    expect(books.stats.levelChanges).toBeGreaterThan(0);
    expect(seen.get("last_trade_price") ?? 0).toBeGreaterThan(0); // non-book events reach onEvent
    expect(seen.has("book") || seen.has("price_change")).toBe(false);
  });

  it("shards subscriptions (max assets per connection) and subscribes/unsubscribes dynamically", async () => {
    const { sim, books, feed, tokens } = await setup({ maxAssetsPerConnection: 1 });
    const [a, b, c, d] = tokens as unknown as [string, string, string, string];
    await feed.unsubscribe([c, d]);
    expect(feed.shards()).toHaveLength(2);
    feed.start();
    await eventually(() => sim.venue.marketChannel.connectionCount === 2, 5_000, "2 connections");
    await eventually(() => allTrusted(books, [a, b]), 5_000, "snapshots");
    expect(feed.shardOf(a)).not.toBe(feed.shardOf(b));
    // dynamic: a live shard gets room only if max allows; with 1 per connection new shards open
    feed.subscribe([{ tokenId: c as TokenId, tickSize: 100 }]);
    await eventually(() => books.book(c as TokenId)?.trusted === true, 5_000, "snapshot for c");
    expect(sim.venue.marketChannel.connectionCount).toBe(3);
    await feed.unsubscribe([a]);
    expect(books.has(a as TokenId)).toBe(false);
    await eventually(() => sim.venue.marketChannel.connectionCount === 2, 5_000, "shard closed");
    expect(feed.assets().sort()).toEqual([b, c].sort());
  });

  it("connects shards staggered, not all at once", async () => {
    const { books, feed, tokens } = await setup({ maxAssetsPerConnection: 1, staggerMs: 150 }, false);
    feed.start();
    await eventually(() => allTrusted(books, tokens), 5_000, "all shards up");
    // Connection attempts, not completions (a handshake's duration depends on the machine's load).
    const attemptTimes = feed
      .shards()
      .map((s) => s.socket.lastAttemptAt)
      .sort((a, b) => a - b);
    expect(attemptTimes).toHaveLength(4);
    for (let i = 1; i < attemptTimes.length; i++) expect(attemptTimes[i]! - attemptTimes[i - 1]!).toBeGreaterThanOrEqual(140);
  });

  it("dynamic subscribe on a live shard gets a snapshot without reconnecting", async () => {
    const { books, feed, tokens } = await setup({ maxAssetsPerConnection: 10 }, false);
    const [a, b, c, d] = tokens as unknown as [string, string, string, string];
    await feed.unsubscribe([c, d]);
    feed.start();
    await eventually(() => allTrusted(books, [a, b]), 5_000, "snapshots");
    feed.subscribe([{ tokenId: c as TokenId, tickSize: 100 }]);
    await eventually(() => books.book(c as TokenId)?.trusted === true, 5_000, "snapshot for c");
    expect(feed.shards()).toHaveLength(1);
    expect(feed.totals().connects).toBe(1);
  });

  it("server-side close ⇒ books untrusted ⇒ reconnect ⇒ fresh snapshot ⇒ trusted again", async () => {
    const { sim, books, feed, tokens } = await setup({}, false);
    feed.start();
    await eventually(() => allTrusted(books, tokens), 5_000, "snapshots");
    const epochs = tokens.map((t) => books.book(t as TokenId)!.epoch);
    const untrustedSeen: string[] = [];
    books.drainDirty();
    books.onDirty(() => {
      books.drainDirty(); // re-arm the signal
      for (const t of tokens) if (books.book(t as TokenId)?.trusted === false && !untrustedSeen.includes(t)) untrustedSeen.push(t);
    });
    expect(sim.venue.applyFault({ type: "close", channel: "market" }).ok).toBe(true);
    await eventually(() => feed.stats.untrustedMarks === 1, 5_000, "untrusted");
    await eventually(() => allTrusted(books, tokens) && feed.totals().connects === 2, 5_000, "trusted again");
    expect(untrustedSeen.length).toBeGreaterThan(0);
    expect(tokens.map((t) => books.book(t as TokenId)!.epoch)).toEqual(epochs.map((e) => e + 1));
    expect(feed.totals().reconnects).toBe(1);
    expect(await bookDiffs(sim, books, tokens)).toEqual([]);
  });

  it("resnapshot(tokens): fresh books for stale assets without reconnecting", async () => {
    const { books, feed, tokens } = await setup({}, false);
    feed.start();
    await eventually(() => allTrusted(books, tokens), 5_000, "snapshots");
    const t = tokens[0]!;
    const epoch = books.book(t)!.epoch;
    expect(feed.resnapshot([t, "999"])).toBe(1);
    expect(books.book(t)!.trusted).toBe(false);
    await eventually(() => books.book(t)!.trusted && books.book(t)!.epoch === epoch + 1, 5_000, "fresh snapshot");
    expect(feed.totals().connects).toBe(1);
    expect(books.book(tokens[1]!)!.epoch).toBe(epoch); // others untouched
  });

  it("survives duplicated and reordered frames; a resnapshot brings the books back to the venue's", async () => {
    const { sim, books, feed, tokens } = await setup();
    feed.start();
    await eventually(() => allTrusted(books, tokens), 5_000, "snapshots");
    sim.venue.applyFault({ type: "frames", channel: "market", duplicateProbability: 0.3, reorderProbability: 0.3 });
    await eventually(
      () => (sim.venue.faults.applied.get("market:duplicate") ?? 0) > 20 && (sim.venue.faults.applied.get("market:reorder") ?? 0) > 20,
      15_000,
      "faults applied",
    );
    sim.venue.applyFault({ type: "clear" });
    await quiesce(sim);
    // duplicates and reorders are either idempotent or refused as out of order; nothing crashes
    expect(feed.stats.decodeErrors).toBe(0);
    expect(books.stats.rejected.out_of_order).toBe(feed.stats.outOfOrder);
    for (const s of feed.shards()) expect(s.state).toBe("open");
    // a resnapshot (the venue resends `book` on resubscribe) restores exact agreement
    feed.dropShard(feed.shards()[0]!.id);
    await eventually(() => feed.totals().connects === 2 && allTrusted(books, tokens), 5_000, "resnapshot");
    expect(await bookDiffs(sim, books, tokens)).toEqual([]);
  });

  it("a frozen channel (heartbeats fine, no data) is caught by the watchdog: reconnect and resnapshot", async () => {
    const { sim, books, feed, tokens } = await setup({ stallTimeoutMs: 400 });
    feed.start();
    await eventually(() => allTrusted(books, tokens), 5_000, "snapshots");
    sim.venue.applyFault({ type: "freeze", channel: "market" });
    await eventually(() => feed.totals().stalls >= 1, 5_000, "stall detected");
    expect(feed.totals().pongTimeouts).toBe(0); // PONGs kept flowing
    await eventually(() => !allTrusted(books, tokens), 2_000, "untrusted while frozen");
    sim.venue.applyFault({ type: "freeze", channel: "market", frozen: false });
    await eventually(() => allTrusted(books, tokens), 5_000, "trusted after unfreeze");
    await quiesce(sim);
    expect(await bookDiffs(sim, books, tokens)).toEqual([]);
  });

  it("tick_size_change: a new epoch on the new grid, trusted again with the venue's fresh book", async () => {
    const { sim, books, feed, tokens } = await setup({}, { intervalMs: 20, takerRatePerSec: 10 });
    feed.start();
    await eventually(() => allTrusted(books, tokens), 5_000, "snapshots");
    const market = sim.venue.allMarkets()[0]!.info;
    const yes = market.yes.tokenId;
    const epoch = books.book(yes)!.epoch;
    expect(sim.venue.applyFault({ type: "tick_size", market: market.conditionId, tickSize: "0.001" }).ok).toBe(true);
    await eventually(() => books.book(yes)?.tickSize === 10 && books.book(yes)?.trusted === true, 5_000, "new grid + snapshot");
    expect(books.book(yes)!.epoch).toBeGreaterThanOrEqual(epoch + 2); // tick change, then snapshot
    expect(books.book(market.no.tokenId)!.tickSize).toBe(10);
    expect(books.stats.tickChanges).toBe(2);
    await quiesce(sim);
    expect(await bookDiffs(sim, books, tokens)).toEqual([]);
    expect(books.stats.rejectedFrames, JSON.stringify({ ...books.stats.rejected, last: books.stats.lastRejection })).toBe(0);
  });

  it("runs for the lifetime of an Effect scope", async () => {
    const { sim, books, feed, tokens } = await setup({}, false);
    await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          yield* feed.scoped;
          yield* Effect.promise(() => eventually(() => allTrusted(books, tokens), 5_000, "snapshots"));
          expect(feed.isRunning).toBe(true);
        }),
      ),
    );
    expect(feed.isRunning).toBe(false);
    await eventually(() => sim.venue.marketChannel.connectionCount === 0, 3_000, "closed with the scope");
  });

  it("start / stop / restart: stop closes every shard, restart resubscribes and resnapshots", async () => {
    const { sim, books, feed, tokens } = await setup({ maxAssetsPerConnection: 2 }, false);
    feed.start();
    await eventually(() => allTrusted(books, tokens) && sim.venue.marketChannel.connectionCount === 2, 5_000, "up");
    await feed.stop();
    await eventually(() => sim.venue.marketChannel.connectionCount === 0, 5_000, "closed");
    expect(books.untrustedTokens().sort()).toEqual([...tokens].sort());
    feed.start();
    feed.start(); // idempotent
    await eventually(() => allTrusted(books, tokens), 5_000, "trusted after restart");
    expect(sim.venue.marketChannel.connectionCount).toBe(2);
    await feed.stop();
    await feed.stop();
  });
});
