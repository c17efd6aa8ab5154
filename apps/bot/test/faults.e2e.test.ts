/**
 * End-to-end against the real simulator over loopback (in-process bot, no mocks): the safety path
 * on a user-feed drop, market-feed freeze, 429 burst, FAILED trade, tick-size change and market
 * resolution. Every scenario ends with the production shutdown order, no invariant violations,
 * the executor's inventory equal to the venue's balances, and every journal entry in SQLite.
 */
import { SqliteStorage } from "@mm/storage";
import type { GatewayResult } from "@mm/types";
import { afterEach, describe, expect, it } from "vitest";
import { Bot } from "../src/bot.js";
import type { BotConfig } from "../src/config.js";
import { captureLogger, fastSimConfig, shutdownBot, waitFor } from "./helpers.js";

const bots: Bot[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await shutdownBot(b).catch(() => {});
});

async function startBot(flags: Record<string, unknown> = {}): Promise<{ bot: Bot; config: Readonly<BotConfig> }> {
  const config = fastSimConfig(flags);
  const bot = new Bot({ config, logger: captureLogger().logger });
  bots.push(bot);
  await bot.start();
  return { bot, config };
}

const ourOpenOrders = (bot: Bot) => bot.sim!.venue.engine.openOrders(bot.sim!.credentials.apiKey as never);

/** Shutdown + the end-of-run checks every scenario must pass. */
async function finish(bot: Bot, config: Readonly<BotConfig>): Promise<void> {
  bots.splice(bots.indexOf(bot), 1);
  // Not in the middle of a RESYNC (see the executor balance-correction race in the README).
  await waitFor(() => bot.executor!.mode() !== "RESYNC", 10_000, "no resync in flight");
  await shutdownBot(bot);
  const summary = bot.summary();
  expect(summary.invariantViolations).toBe(0);
  if ((bot.balanceCheck?.mismatches.length ?? 0) > 0)
    console.error(
      "MISMATCH",
      JSON.stringify(bot.balanceCheck),
      JSON.stringify(bot.executor!.stats().rejectsByReason),
      bot.executor!.stats().failedReversals,
    );
  expect(bot.balanceCheck?.mismatches.join("; "), "balance mismatches").toBe("");
  expect(summary.venueBalancesMatch).toBe(true);
  // Nothing lost in the journal: every entry handed over is in the database, in seq order.
  expect(bot.journalCheck).toBeDefined();
  expect(bot.journalCheck!.failures).toBe(0);
  expect(bot.journalCheck!.stored).toBe(bot.journalCheck!.appended);
  const storage = SqliteStorage.open({ path: config.journalPath });
  try {
    const rows = await storage.journal.read({ sessionId: bot.runId, limit: 100_000 });
    expect(rows.length).toBe(bot.journalCheck!.appended);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => rows[0]!.seq + i));
  } finally {
    await storage.close();
  }
}

describe("safety path: user-feed drop", () => {
  it("cancel-all + STOP before the reconnect, then RESYNC from REST, then trading resumes", async () => {
    const { bot, config } = await startBot();
    await waitFor(() => ourOpenOrders(bot).length > 0, 15_000, "quotes resting at the venue");
    const results: (GatewayResult & { seenAt: number })[] = [];
    const sequence: string[] = [];
    bot.onJournal((e) => {
      if (e.type === "gateway") results.push({ ...e.result, seenAt: Date.now() });
      if (e.type === "mode") sequence.push(`mode:${e.to}`);
      if (e.type === "action" && e.action.kind === "SYNC") sequence.push("SYNC");
      if (e.type === "gateway" && e.result.kind === "SYNC_RESULT") sequence.push("SYNC_RESULT");
    });
    const resyncsBefore = bot.executor!.stats().resyncs;
    const cancelAllsBefore = bot.sim!.venue.requestCount("DELETE /cancel-all");
    const connectsBefore = bot.userFeed!.socketStats.connects;

    bot.sim!.venue.applyFault({ type: "close", channel: "user" });
    await waitFor(() => bot.userFeed!.socketStats.connects > connectsBefore, 10_000, "user feed reconnect");
    const reconnectedAt = bot.userFeed!.socketStats.lastConnectAt;
    // The safety callback ran and its cancel-all completed before the new connection opened.
    expect(bot.userFeed!.stats.safetyCalls).toBeGreaterThanOrEqual(1);
    expect(bot.sim!.venue.requestCount("DELETE /cancel-all")).toBeGreaterThan(cancelAllsBefore);
    const ack = results.find((r) => r.kind === "CANCEL_ALL_ACK");
    expect(ack).toBeDefined();
    expect(ack!.seenAt).toBeLessThanOrEqual(reconnectedAt);

    await waitFor(() => bot.executor!.mode() === "RUNNING" && ourOpenOrders(bot).length > 0, 20_000, "trading resumed");
    // STOP (user feed) → SYNC from REST → its result → RUNNING (the executor may report RESYNC
    // as a mode of its own, or rebuild while still in STOP).
    const stopChange = bot.modeChanges().find((m) => m.to === "STOP");
    expect(stopChange?.reason).toMatch(/user feed/);
    const stop = sequence.indexOf("mode:STOP");
    expect(stop).toBeGreaterThanOrEqual(0);
    const sync = sequence.indexOf("SYNC", stop);
    expect(sync).toBeGreaterThan(stop);
    expect(sequence.indexOf("SYNC_RESULT", sync)).toBeGreaterThan(sync);
    expect(sequence.lastIndexOf("mode:RUNNING")).toBeGreaterThan(sequence.indexOf("SYNC_RESULT", sync));
    expect(bot.userFeed!.stats.resyncEvents).toBeGreaterThanOrEqual(1);
    expect(bot.executor!.stats().resyncs).toBeGreaterThan(resyncsBefore);
    await finish(bot, config);
  }, 60_000);
});

describe("venue faults", () => {
  it("market-feed freeze: the stall watchdog reconnects, quotes are pulled on untrusted books, then resume", async () => {
    const { bot, config } = await startBot();
    await waitFor(() => bot.status().markets.some((m) => m.reason === "quoting"), 15_000, "quoting");
    const reconnectsOf = () => bot.marketFeed!.shards().reduce((a, s) => a + s.socket.reconnects + s.socket.stalls, 0);
    const before = reconnectsOf();
    bot.sim!.venue.applyFault({ type: "freeze", channel: "market" });
    await waitFor(() => reconnectsOf() > before, 15_000, "market-feed stall detected");
    await waitFor(
      () => bot.status().markets.every((m) => m.reason.startsWith("pulled")),
      10_000,
      "quotes pulled while books are untrusted",
    );
    bot.sim!.venue.applyFault({ type: "freeze", channel: "market", frozen: false });
    await waitFor(() => bot.status().markets.some((m) => m.reason === "quoting"), 20_000, "quoting again after fresh snapshots");
    await new Promise((r) => setTimeout(r, 1_100)); // one gauge refresh
    expect(await bot.metrics.registry.getSingleMetricAsString("mm_feed_reconnects_total")).toMatch(
      /mm_feed_reconnects_total\{feed="market"\} [1-9]/,
    );
    await finish(bot, config);
  }, 60_000);

  it("429 burst, a FAILED trade, a tick-size change and a market resolution", async () => {
    const { bot, config } = await startBot({ maxMarkets: 2 });
    const [m1, m2] = bot.marketList();
    expect(m2).toBeDefined();
    await waitFor(() => ourOpenOrders(bot).length > 0, 15_000, "quotes resting at the venue");

    // 429 burst on order placement: retried after Retry-After, counted, trading goes on.
    bot.sim!.venue.applyFault({ type: "http", kind: "429", route: "POST /order", count: 3, retryAfterSec: 1 });
    bot.sim!.venue.applyFault({ type: "http", kind: "429", route: "POST /orders", count: 3, retryAfterSec: 1 });
    await waitFor(() => bot.gateway!.stats.worker.throttled429 > 0, 20_000, "a 429 seen by the gateway");
    const placedAfter429 = bot.executor!.stats().actions.PLACE;
    await waitFor(() => bot.executor!.stats().actions.PLACE > placedAfter429, 15_000, "orders placed after the burst");

    // A FAILED trade: our fill is reversed whenever FAILED arrives (law E).
    const t0 = Date.now();
    while (bot.executor!.stats().failedReversals === 0) {
      bot.sim!.venue.applyFault({ type: "trade_fault", fault: "FAIL", count: 20 });
      await new Promise((r) => setTimeout(r, 3_000));
      if (Date.now() - t0 > 30_000) throw new Error("no FAILED fill of ours within 30 s");
    }
    expect(bot.executor!.stats().failedReversals).toBeGreaterThan(0);

    // Tick-size change 0.01 → 0.001 on the first market: new grid for strategy and executor.
    const tickPlaces: number[] = [];
    bot.onJournal((e) => {
      if (e.type === "action" && e.action.kind === "PLACE" && e.action.order.conditionId === m1!.conditionId)
        tickPlaces.push(e.action.order.tickSize);
    });
    expect(bot.sim!.venue.applyFault({ type: "tick_size", market: m1!.conditionId, tickSize: "0.001" })).toMatchObject({ ok: true });
    await waitFor(() => bot.marketList().find((m) => m.conditionId === m1!.conditionId)?.tickSize === 10, 10_000, "tick size 0.001 known");
    await waitFor(() => tickPlaces.includes(10), 20_000, "an order planned on the 0.001 grid");

    // Resolution of the second market: quotes pulled, no order of ours left there, inventory rebuilt from balances.
    expect(bot.sim!.venue.applyFault({ type: "resolve", market: m2!.conditionId, winner: "YES" })).toMatchObject({ ok: true });
    await waitFor(() => bot.marketList().find((m) => m.conditionId === m2!.conditionId)?.closed === true, 10_000, "market closed");
    await new Promise((r) => setTimeout(r, 1_500));
    expect(ourOpenOrders(bot).filter((o) => o.conditionId === m2!.conditionId)).toEqual([]);
    expect(bot.status().markets.find((m) => m.label === m2!.slug)?.reason).toBe("resolved");
    await finish(bot, config);
  }, 90_000);

  it("automatic selection rolls on: a resolved market is replaced by the next window, which gets quoted", async () => {
    const { bot, config } = await startBot({ maxMarkets: 2, rollIntervalMs: 1_000, sim: { markets: 3 } });
    const [m1] = bot.marketList();
    expect(bot.marketList()).toHaveLength(2);
    await waitFor(() => ourOpenOrders(bot).some((o) => o.conditionId === m1!.conditionId), 15_000, "quotes on the first market");
    bot.sim!.venue.applyFault({ type: "resolve", market: m1!.conditionId, winner: "NO" });
    await waitFor(() => bot.marketList().length === 3, 15_000, "the next window added");
    const added = bot.marketList()[2]!;
    // Subscribed (fresh snapshots), known to the executor, and quoted by its own strategy driver.
    // (Orders on it may wait out a COOLDOWN: orders in flight to the resolved market come back
    // "market is closed", which @mm/gateway classifies as venue-wide trading_disabled.)
    await waitFor(() => bot.books.book(added.yes.tokenId)?.trusted === true, 15_000, "books of the added market");
    await waitFor(() => bot.status().markets.find((m) => m.label === added.slug)?.reason === "quoting", 15_000, "quoting the added market");
    expect(bot.marketFeed!.assets()).toEqual(expect.arrayContaining([added.yes.tokenId, added.no.tokenId]));
    expect(ourOpenOrders(bot).filter((o) => o.conditionId === m1!.conditionId)).toEqual([]);
    await finish(bot, config);
  }, 60_000);
});
