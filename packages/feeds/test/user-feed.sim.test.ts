import { price, size, type TokenId, type UserEvent, type Usdc } from "@mm/types";
import type { VenueSimHandle } from "@mm/venue-sim";
import { afterEach, describe, expect, it } from "vitest";
import { type DisconnectInfo, UserFeed, type UserFeedOptions } from "../src/index.js";
import { eventually, sleep } from "./helpers/loopback.js";
import { startSim, userWsUrl } from "./helpers/sim.js";

/** The user feed against the venue simulator over loopback (orders placed straight into its engine). */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(options: Partial<UserFeedOptions> = {}) {
  const sim = await startSim({ flow: false });
  cleanups.push(() => sim.stop());
  const safetyLog: { info: DisconnectInfo; connectionsAtStart: number; connectionsAtEnd: number }[] = [];
  const feed = new UserFeed({
    url: userWsUrl(sim),
    credentials: sim.credentials,
    safety: async (info) => {
      const connectionsAtStart = sim.venue.userChannel.connectionCount;
      await sleep(300); // a cancel-all round trip
      safetyLog.push({ info, connectionsAtStart, connectionsAtEnd: sim.venue.userChannel.connectionCount });
    },
    ws: { pingIntervalMs: 500, backoff: { initialMs: 50, maxMs: 1_000, jitter: 0 } },
    ...options,
  });
  cleanups.push(() => feed.stop());
  const token = sim.venue.allMarkets()[0]!.info.yes.tokenId;
  return { sim, feed, safetyLog, token };
}

function placeBid(sim: VenueSimHandle, token: TokenId, owner = sim.credentials.apiKey, p = "0.05") {
  const r = sim.venue.engine.placeOrder({ owner, tokenId: token, side: "BUY", orderType: "GTC", price: price(p), size: size("5") });
  if (!r.ok) throw new Error(`place refused: ${JSON.stringify(r)}`);
  return r.orderId;
}

async function listening(sim: VenueSimHandle): Promise<void> {
  await eventually(() => sim.venue.userChannel.hasListener(sim.credentials.apiKey), 5_000, "authenticated socket");
}

describe("UserFeed against the venue simulator", () => {
  it("authenticates and turns order events into normalized UserOrderEvents", async () => {
    const { sim, feed, token } = await setup();
    feed.start();
    await listening(sim);
    const orderId = placeBid(sim, token);
    const e = await feed.take();
    expect(e).toMatchObject({
      kind: "order",
      eventType: "PLACEMENT",
      orderId,
      tokenId: token,
      side: "BUY",
      price: price("0.05"),
      originalSize: size("5"),
    });
    expect(feed.stats.orderEvents).toBe(1);
  });

  it("a slow consumer loses nothing: reading pauses at the high-water mark and every event arrives in order", async () => {
    const { sim, feed, token } = await setup({ queueHighWater: 20, queueLowWater: 5 });
    feed.start();
    await listening(sim);
    const ids: string[] = [];
    const bursts = 30;
    const perBurst = 20;
    for (let b = 0; b < bursts; b++) {
      for (let i = 0; i < perBurst; i++) ids.push(placeBid(sim, token));
      await sleep(10);
    }
    await sleep(300);
    const total = bursts * perBurst;
    // backpressure: the consumer has taken nothing, reading is paused and the queue stays far below the flow
    expect(feed.backpressure.paused).toBe(true);
    expect(feed.backpressure.pauses).toBeGreaterThanOrEqual(1);
    expect(feed.queued).toBeLessThan(total / 2);
    expect(feed.socketStats.pongTimeouts).toBe(0);
    const seen: UserEvent[] = [];
    while (seen.length < total) {
      seen.push(await feed.take());
      if (seen.length % 50 === 0) await sleep(1); // a consumer that is slow but keeps going
    }
    const orderIds = seen.map((e) => (e.kind === "order" ? e.orderId : "?"));
    expect(new Set(orderIds).size).toBe(total);
    expect(orderIds).toEqual(ids);
    expect(feed.backpressure.pauses).toBeGreaterThanOrEqual(2);
    expect(feed.backpressure.maxQueued).toBeLessThan(total);
    expect(feed.poll()).toBeUndefined();
  });

  it("runs the safety callback BEFORE reconnecting, then publishes resync_needed", async () => {
    const { sim, feed, safetyLog, token } = await setup();
    feed.start();
    await listening(sim);
    placeBid(sim, token);
    expect((await feed.take()).kind).toBe("order");
    expect(sim.venue.applyFault({ type: "close", channel: "user" }).ok).toBe(true);
    await eventually(() => safetyLog.length === 1, 5_000, "safety ran");
    expect(safetyLog[0]!.connectionsAtStart).toBe(0);
    expect(safetyLog[0]!.connectionsAtEnd).toBe(0); // nothing reconnected while the callback ran
    const resync = await feed.take();
    expect(resync).toMatchObject({ kind: "resync_needed" });
    expect((resync as { reason: string }).reason).toMatch(/reconnected/);
    await listening(sim);
    placeBid(sim, token);
    expect(await feed.take()).toMatchObject({ kind: "order", eventType: "PLACEMENT" });
    expect(feed.stats.safetyCalls).toBe(1);
    expect(feed.socketStats.connects).toBe(2);
  });

  it("stop / start: no safety call for a deliberate stop, resync_needed after the restart, then live events", async () => {
    const { sim, feed, safetyLog, token } = await setup();
    feed.start();
    await listening(sim);
    await feed.stop();
    expect(feed.state).toBe("stopped");
    await eventually(() => sim.venue.userChannel.connectionCount === 0, 3_000, "closed");
    placeBid(sim, token); // missed while stopped
    feed.start();
    await listening(sim);
    expect(await feed.take()).toMatchObject({ kind: "resync_needed", reason: expect.stringMatching(/stop\/start/) });
    const orderId = placeBid(sim, token);
    expect(await feed.take()).toMatchObject({ kind: "order", orderId });
    expect(safetyLog).toHaveLength(0);
  });

  it("events(signal) iterates until aborted; events arriving afterwards stay queued", async () => {
    const { sim, feed, token } = await setup();
    feed.start();
    await listening(sim);
    const ac = new AbortController();
    const got: string[] = [];
    const loop = (async () => {
      for await (const e of feed.events(ac.signal)) got.push(e.kind);
    })();
    placeBid(sim, token);
    await eventually(() => got.length === 1, 5_000, "first event");
    ac.abort();
    await loop; // the iteration ends instead of hanging
    placeBid(sim, token);
    await eventually(() => feed.queued === 1, 5_000, "queued after abort");
    expect(feed.poll()?.kind).toBe("order");
  });

  it("delivers our maker fill when another account's order crosses ours", async () => {
    const { sim, feed, token } = await setup();
    const market = sim.venue.allMarkets()[0]!.info;
    feed.start();
    await listening(sim);
    placeBid(sim, token, sim.credentials.apiKey, "0.4");
    const other = "other-account";
    sim.venue.engine.deposit(other, 1_000_000_000 as Usdc);
    // BUY NO at 0.6 meets BUY YES at 0.4 (a mint match)
    sim.venue.engine.placeOrder({
      owner: other,
      tokenId: market.no.tokenId,
      side: "BUY",
      orderType: "GTC",
      price: price("0.6"),
      size: size("5"),
    });
    const fill = await eventually(
      () => {
        for (let e = feed.poll(); e !== undefined; e = feed.poll()) if (e.kind === "fill") return e;
        return undefined;
      },
      5_000,
      "fill",
    );
    expect(fill).toMatchObject({ kind: "fill", role: "MAKER", tokenId: token, side: "BUY", price: price("0.4"), size: size("5") });
  });

  it("bad credentials: closed by the venue, safety called, retries back off instead of spinning", async () => {
    const sim = await startSim({ flow: false });
    cleanups.push(() => sim.stop());
    let safety = 0;
    const feed = new UserFeed({
      url: userWsUrl(sim),
      credentials: { ...sim.credentials, secret: "d3Jvbmc=" },
      safety: () => {
        safety++;
      },
      ws: { pingIntervalMs: 500, backoff: { initialMs: 100, maxMs: 2_000, jitter: 0 } },
    });
    cleanups.push(() => feed.stop());
    feed.start();
    await sleep(1_000);
    // 100 + 200 + 400 ms of backoff fit in a second: at most 4 attempts
    expect(feed.socketStats.connects).toBeGreaterThanOrEqual(2);
    expect(feed.socketStats.connects).toBeLessThanOrEqual(4);
    expect(safety).toBe(feed.socketStats.disconnects);
    expect(sim.venue.userChannel.authFailures).toBe(feed.socketStats.connects);
  });
});
