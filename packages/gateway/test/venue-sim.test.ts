/**
 * Acceptance tests against @mm/venue-sim over loopback (started in-process): real HTTP, real L2
 * auth, real EIP-712 order ids and signature checks, the simulator's own request counters, rate
 * limits and faults.
 */
import type { GatewayResult, PlaceAck } from "@mm/types";
import { makeUpDownMarkets } from "@mm/venue-sim";
import { afterEach, describe, expect, it } from "vitest";
import { CLEARED_BY_CANCEL_ALL } from "../src/index.js";
import { fixedClock, type SimRig, startRig } from "./sim-helpers.js";

const rigs: SimRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.stop();
});
async function rig(...args: Parameters<typeof startRig>): Promise<SimRig> {
  const r = await startRig(...args);
  rigs.push(r);
  return r;
}

const count = (msgs: readonly GatewayResult[], kind: GatewayResult["kind"]) => msgs.filter((m) => m.kind === kind).length;
const posts = (r: SimRig) => r.sim.venue.requestCount("POST /order") + r.sim.venue.requestCount("POST /orders");
const openAtVenue = (r: SimRig) => r.sim.venue.engine.openOrders(r.sim.credentials.apiKey as never);

describe("CANCEL_ALL priority (venue-sim)", () => {
  it("CANCEL_ALL issued behind 100 queued PLACEs goes first; none of those PLACEs reaches the venue", async () => {
    const r = await rig();
    // 5 resting orders first, acknowledged.
    for (let i = 0; i < 5; i++)
      r.gw.submit({ kind: "PLACE", actionId: i, order: r.order(`pre${i}`, { price: (2000 + i * 100) as never }) });
    await r.until((m) => count(m, "PLACE_ACK") === 5);
    const postsBefore = posts(r);
    const acked = r.inbox.messages.filter((m): m is PlaceAck => m.kind === "PLACE_ACK").map((a) => a.orderId);
    for (let i = 0; i < 100; i++)
      r.gw.submit({ kind: "PLACE", actionId: 100 + i, order: r.order(`q${i}`, { price: (1000 + i) as never, tickSize: 1 as never }) });
    r.gw.submit({ kind: "CANCEL_ALL", actionId: 999, reason: "test" });
    await r.until((m) => count(m, "CANCEL_ALL_ACK") === 1 && count(m, "PLACE_REJECT") === 100);
    await r.gw.whenIdle();
    expect(posts(r)).toBe(postsBefore);
    expect(r.sim.venue.requestCount("DELETE /cancel-all")).toBe(1);
    const ack = r.inbox.messages.find((m) => m.kind === "CANCEL_ALL_ACK")!;
    expect(ack.kind === "CANCEL_ALL_ACK" && [...ack.canceled].sort()).toEqual([...acked].sort());
    expect(
      r.inbox.messages
        .filter((m) => m.kind === "PLACE_REJECT")
        .every((m) => m.kind === "PLACE_REJECT" && m.message === CLEARED_BY_CANCEL_ALL),
    ).toBe(true);
    expect(openAtVenue(r)).toHaveLength(0);
  });
});

describe("CANCEL_ALL with a PLACE in flight (venue-sim)", () => {
  it("the in-flight PLACE completes first (its answer lost here), then CANCEL_ALL cancels it; no order survives", async () => {
    const r = await rig({}, { http: { timeoutsMs: { postOrder: 300 } }, policy: { verify: { attempts: 2, delayMs: 50 } } });
    r.sim.venue.applyFault({ type: "http", kind: "timeout", route: "POST /order", holdMs: 5_000 });
    r.gw.submit({ kind: "PLACE", actionId: 1, order: r.order("inflight") });
    const t0 = Date.now();
    while (r.sim.venue.requestCount("POST /order") === 0 && Date.now() - t0 < 5_000) await new Promise((res) => setTimeout(res, 2));
    r.gw.submit({ kind: "PLACE", actionId: 2, order: r.order("queued") });
    r.gw.submit({ kind: "CANCEL_ALL", actionId: 3, reason: "risk" });
    await r.until((m) => m.length === 3);
    await r.gw.whenIdle();
    const byId = new Map(r.inbox.messages.map((m) => ["actionId" in m ? m.actionId : -1, m]));
    expect(byId.get(2)).toMatchObject({ kind: "PLACE_REJECT", message: CLEARED_BY_CANCEL_ALL });
    const ack = byId.get(3)!;
    expect(ack.kind).toBe("CANCEL_ALL_ACK");
    // The executed-but-unanswered order was cancelled by the CANCEL_ALL; the PLACE's own result says so honestly.
    expect(ack.kind === "CANCEL_ALL_ACK" && ack.canceled).toHaveLength(1);
    expect(byId.get(1)!.kind).toBe("OUTCOME_UNKNOWN");
    expect(r.sim.venue.requestCount("POST /order")).toBe(1);
    expect(openAtVenue(r)).toHaveLength(0);
  });
});

describe("rate limits (counted at the simulator)", () => {
  it("a burst of 40 PLACEs stays under the venue's POST /order limit: no 429, all placed, spread over time", async () => {
    const r = await rig(
      { rateLimits: { "POST /order": { limit: 10, windowMs: 500 } } },
      {
        policy: {
          batching: false,
          rateLimits: { postOrder: [{ limit: 10, windowMs: 500 }], orderBucket: [{ limit: 10, windowMs: 500 }] },
        },
      },
    );
    const t0 = Date.now();
    for (let i = 0; i < 40; i++) r.gw.submit({ kind: "PLACE", actionId: i, order: r.order(`b${i}`, { price: (1000 + i * 100) as never }) });
    await r.until((m) => m.length === 40, 20_000);
    expect(count(r.inbox.messages, "PLACE_ACK")).toBe(40);
    expect(r.sim.venue.requestCount("POST /order")).toBe(40);
    expect(r.gw.stats.worker.throttled429).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1_400);
    expect(openAtVenue(r)).toHaveLength(40);
  });

  it("control: without the client limiter the same burst is throttled by the venue", async () => {
    const r = await rig(
      { rateLimits: { "POST /order": { limit: 10, windowMs: 60_000 } } }, // a window no run can outlast, so the result never depends on machine speed
      { policy: { batching: false, retry: { maxAttempts: 1 } } },
    );
    for (let i = 0; i < 20; i++) r.gw.submit({ kind: "PLACE", actionId: i, order: r.order(`n${i}`, { price: (1000 + i * 100) as never }) });
    await r.until((m) => m.length === 20, 20_000);
    expect(r.gw.stats.worker.throttled429).toBeGreaterThan(0);
    const rejected = r.inbox.messages.filter((m) => m.kind === "PLACE_REJECT");
    expect(rejected.every((m) => m.kind === "PLACE_REJECT" && m.reason === "rate_limited")).toBe(true);
  });
});

describe("lost answers (venue executes, then the response is lost)", () => {
  it.each(["timeout", "drop"] as const)("PLACE with fault %s → exactly one order at the venue and a PLACE_ACK", async (kind) => {
    const r = await rig({}, { http: { timeoutsMs: { postOrder: 300 } }, policy: { verify: { attempts: 3, delayMs: 50 } } });
    r.sim.venue.applyFault({ type: "http", kind, route: "POST /order", holdMs: 5_000 });
    r.gw.submit({ kind: "PLACE", actionId: 1, order: r.order("lost") });
    await r.until((m) => m.length === 1);
    await r.gw.whenIdle();
    expect(r.sim.venue.requestCount("POST /order")).toBe(1);
    const open = openAtVenue(r);
    expect(open).toHaveLength(1);
    expect(r.inbox.messages[0]).toMatchObject({ kind: "PLACE_ACK", actionId: 1, orderId: open[0]!.id, venueStatus: "live" });
  });

  it("a 5xx on PLACE that did not execute → verified absent → OUTCOME_UNKNOWN, never resent", async () => {
    const r = await rig({}, { policy: { verify: { attempts: 2, delayMs: 20 } } });
    r.sim.venue.applyFault({ type: "http", kind: "5xx", route: "POST /order", status: 502, message: "Bad Gateway" });
    r.gw.submit({ kind: "PLACE", actionId: 1, order: r.order("x") });
    await r.until((m) => m.length === 1);
    expect(r.sim.venue.requestCount("POST /order")).toBe(1);
    expect(openAtVenue(r)).toHaveLength(0);
    expect(r.inbox.messages[0]).toMatchObject({ kind: "OUTCOME_UNKNOWN", actionId: 1 });
  });
});

describe("retries: 429, 425, 5xx", () => {
  it("429 with Retry-After: the PLACE is retried after the venue's delay, one order results", async () => {
    const r = await rig();
    r.sim.venue.applyFault({ type: "http", kind: "429", route: "POST /order", retryAfterSec: 1 });
    const t0 = Date.now();
    r.gw.submit({ kind: "PLACE", actionId: 1, order: r.order("a") });
    await r.until((m) => m.length === 1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(r.sim.venue.requestCount("POST /order")).toBe(2);
    expect(r.inbox.messages[0]).toMatchObject({ kind: "PLACE_ACK" });
    expect(openAtVenue(r)).toHaveLength(1);
  });

  it("425 Too Early: retried with backoff", async () => {
    const r = await rig({}, { policy: { retry: { baseDelayMs: 20 } } });
    r.sim.venue.applyFault({ type: "http", kind: "425", route: "POST /order", count: 2 });
    r.gw.submit({ kind: "PLACE", actionId: 1, order: r.order("a") });
    await r.until((m) => m.length === 1);
    expect(r.sim.venue.requestCount("POST /order")).toBe(3);
    expect(r.inbox.messages[0]).toMatchObject({ kind: "PLACE_ACK" });
  });

  it("5xx on cancel (idempotent) is retried and the cancel lands; on cancel-all too", async () => {
    const r = await rig({}, { policy: { retry: { baseDelayMs: 20 } } });
    r.gw.submit({ kind: "PLACE", actionId: 1, order: r.order("a") });
    await r.until((m) => m.length === 1);
    const id = (r.inbox.messages[0] as PlaceAck).orderId;
    r.sim.venue.applyFault({ type: "http", kind: "5xx", route: "DELETE /order", count: 2 });
    r.gw.submit({ kind: "CANCEL", actionId: 2, orderId: id, clientOrderId: "a" });
    await r.until((m) => m.length === 2);
    expect(r.inbox.messages[1]).toMatchObject({ kind: "CANCEL_ACK", canceled: true, orderId: id });
    expect(r.sim.venue.requestCount("DELETE /order")).toBe(3);
    r.sim.venue.applyFault({ type: "http", kind: "5xx", route: "DELETE /cancel-all", count: 1 });
    r.gw.submit({ kind: "CANCEL_ALL", actionId: 3, reason: "x" });
    await r.until((m) => m.length === 3);
    expect(r.inbox.messages[2]).toMatchObject({ kind: "CANCEL_ALL_ACK" });
  });
});

describe("dead-man heartbeat (venue-sim)", () => {
  it("heartbeat lapse ⇒ the venue cancels our orders ⇒ the gateway reports HEARTBEAT_LAPSED", async () => {
    const r = await rig({ engine: { heartbeatTimeoutMs: 300, heartbeatBufferMs: 100 } }, { heartbeat: { intervalMs: 100, lapseMs: 600 } });
    r.gw.start();
    await new Promise((res) => setTimeout(res, 250));
    r.gw.submit({ kind: "PLACE", actionId: 1, order: r.order("a") });
    await r.until((m) => count(m, "PLACE_ACK") === 1);
    // Beats keep the orders alive well past the venue's timeout.
    await new Promise((res) => setTimeout(res, 700));
    expect(openAtVenue(r)).toHaveLength(1);
    expect(count(r.inbox.messages, "HEARTBEAT_LAPSED")).toBe(0);
    // The heartbeat path breaks (every beat fails): the venue's chain lapses and it cancels everything.
    r.sim.venue.applyFault({ type: "http", kind: "5xx", route: "POST /v1/heartbeats", count: Number.POSITIVE_INFINITY });
    await r.until((m) => count(m, "HEARTBEAT_LAPSED") === 1, 5_000);
    expect(openAtVenue(r)).toHaveLength(0);
    // Recovery: a new chain starts once the path heals; the lapse is reported once.
    r.sim.venue.applyFault({ type: "clear" });
    await new Promise((res) => setTimeout(res, 400));
    expect(r.gw.stats.heartbeat!.ok).toBeGreaterThan(3);
    expect(count(r.inbox.messages, "HEARTBEAT_LAPSED")).toBe(1);
  });

  it("stale heartbeat id: the venue's 400 carries the right id and the chain continues", async () => {
    const r = await rig({}, { heartbeat: { intervalMs: 100, lapseMs: 2_000 } });
    r.gw.start();
    await new Promise((res) => setTimeout(res, 250));
    // Someone else (a second process with the same key) advances the chain.
    const c = r.sim.credentials;
    const current = (r.sim.venue.engine as unknown as { heartbeats: Map<string, { id: string }> }).heartbeats.get(c.apiKey)!.id;
    r.sim.venue.engine.heartbeat(c.apiKey as never, current);
    await new Promise((res) => setTimeout(res, 300));
    expect(r.gw.stats.heartbeat!.staleRecovered).toBeGreaterThanOrEqual(1);
    expect(count(r.inbox.messages, "HEARTBEAT_LAPSED")).toBe(0);
  });
});

describe("SYNC (venue-sim)", () => {
  it("returns our open orders and our maker fill against the complementary token (taker-filter quirk)", async () => {
    const r = await rig();
    r.gw.submit({ kind: "PLACE", actionId: 1, order: r.order("m", { price: 4000 as never, size: 10_000_000 as never }) });
    await r.until((m) => m.length === 1);
    const ours = (r.inbox.messages[0] as PlaceAck).orderId;
    // Another account BUYs NO at 0.61: it crosses our BUY YES at 0.40 (mint); the taker's token is NO.
    const engine = r.sim.venue.engine;
    engine.deposit("other-trader" as never, 1_000_000_000 as never);
    const t = engine.placeOrder({
      owner: "other-trader" as never,
      tokenId: r.market.info.no.tokenId,
      side: "BUY",
      orderType: "GTC",
      price: 6100 as never,
      size: 6_000_000 as never,
    });
    expect(t.ok ? "ok" : JSON.stringify(t)).toBe("ok");
    r.gw.submit({ kind: "SYNC", actionId: 2, conditionIds: [r.market.info.conditionId], tradesSince: 0 });
    await r.until((m) => m.length === 2);
    const s = r.inbox.messages[1]!;
    expect(s.kind).toBe("SYNC_RESULT");
    if (s.kind !== "SYNC_RESULT") return;
    expect(s.openOrders.map((o) => o.orderId)).toEqual([ours]);
    expect(s.openOrders[0]).toMatchObject({ price: 4000, originalSize: 10_000_000, sizeMatched: 6_000_000, side: "BUY" });
    expect(s.fills).toHaveLength(1);
    expect(s.fills[0]).toMatchObject({
      orderId: ours,
      role: "MAKER",
      tokenId: r.market.info.yes.tokenId,
      side: "BUY",
      price: 4000,
      size: 6_000_000,
    });
  });
});

describe("every reject category, produced by the simulator and classified", () => {
  it("tick, min size, balance, post-only cross, FOK, FAK, expiration, invalid order", async () => {
    const r = await rig({ markets: 2 });
    const m = r.market.info;
    const cases: { name: string; order: ReturnType<SimRig["order"]>; want: string }[] = [
      // Our order thinks the tick is 0.0001 (it passes our own grid check); the venue's is coarser.
      { name: "tick", order: r.order("t1", { price: 4321 as never, tickSize: 1 as never }), want: "tick_size" },
      { name: "min size", order: r.order("t3", { size: 1_000_000 as never }), want: "min_size" },
      { name: "balance", order: r.order("t4", { side: "SELL", price: 6000 as never }), want: "balance" },
      { name: "expiration", order: r.order("t5", { orderType: "GTD", expiration: Math.floor(Date.now() / 1000) + 5 }), want: "expiration" },
      { name: "FOK", order: r.order("t6", { orderType: "FOK", price: 9900 as never, size: 5_000_000 as never }), want: "fok_not_filled" },
      { name: "FAK", order: r.order("t7", { orderType: "FAK", price: 9900 as never, size: 5_000_000 as never }), want: "fak_no_match" },
      { name: "unknown token", order: r.order("t8", { tokenId: "12345" as never }), want: "invalid_order" },
    ];
    // A resting BUY YES at 0.40, then a post-only BUY NO at 0.61 crosses it (complementary book).
    r.gw.submit({ kind: "PLACE", actionId: 100, order: r.order("rest", { price: 4000 as never }) });
    await r.until((x) => x.length === 1);
    cases.push({
      name: "post-only",
      order: r.order("t9", { tokenId: m.no.tokenId, price: 6100 as never, postOnly: true }),
      want: "post_only_cross",
    });
    for (const [i, c] of cases.entries()) r.gw.submit({ kind: "PLACE", actionId: i + 1, order: c.order });
    await r.until((x) => x.length === 1 + cases.length);
    for (const [i, c] of cases.entries()) {
      const res = r.inbox.messages.find((x) => "actionId" in x && x.actionId === i + 1)!;
      expect({ name: c.name, kind: res.kind, reason: res.kind === "PLACE_REJECT" ? res.reason : undefined }).toEqual({
        name: c.name,
        kind: "PLACE_REJECT",
        reason: c.want,
      });
    }
    // FAK: the venue names the order id even though nothing matched.
    const fak = r.inbox.messages.find((x) => "actionId" in x && x.actionId === 7)!;
    expect(fak.kind === "PLACE_REJECT" && fak.orderId).toMatch(/^0x[0-9a-f]{64}$/);
  });

  it("duplicate: the same signed order (same salt) sent twice", async () => {
    const probe = await rig();
    const c = probe.sim.credentials;
    // Deterministic salt: fixed random and a frozen clock (within the venue's timestamp skew).
    const r = await rig({}, { signer: { privateKey: c.privateKey, random: () => 0.5 }, clock: fixedClock(Date.now()) });
    void probe;
    r.gw.submit({ kind: "PLACE", actionId: 1, order: r.order("d1") });
    await r.until((x) => x.length === 1);
    r.gw.submit({ kind: "PLACE", actionId: 2, order: r.order("d2") });
    await r.until((x) => x.length === 2);
    expect(r.inbox.messages[0]).toMatchObject({ kind: "PLACE_ACK" });
    expect(r.inbox.messages[1]).toMatchObject({
      kind: "PLACE_REJECT",
      reason: "duplicate",
      orderId: (r.inbox.messages[0] as PlaceAck).orderId,
    });
  });

  it.each([
    ["cancel-only", "cancel_only"],
    ["post-only", "cancel_only"],
    ["disabled", "trading_disabled"],
  ] as const)("trading mode %s → %s", async (mode, want) => {
    const r = await rig();
    r.sim.venue.applyFault({ type: "trading_mode", mode });
    r.gw.submit({ kind: "PLACE", actionId: 1, order: r.order("a") });
    await r.until((x) => x.length === 1);
    expect(r.inbox.messages[0]).toMatchObject({ kind: "PLACE_REJECT", reason: want });
    // Cancels are still accepted.
    r.gw.submit({ kind: "CANCEL_ALL", actionId: 2, reason: "x" });
    await r.until((x) => x.length === 2);
    expect(r.inbox.messages[1]).toMatchObject({ kind: "CANCEL_ALL_ACK" });
  });

  it("market not ready (not yet active) and market closed (not accepting orders)", async () => {
    const r = await rig();
    const [gen] = makeUpDownMarkets({ seed: 77, count: 1, startTime: Date.now(), windowMs: 15 * 60_000, staggerMs: 60_000 });
    const pending = { ...gen!, info: { ...gen!.info, active: false } };
    r.sim.venue.addMarket(pending);
    const at = (info: typeof pending.info, id: string) =>
      r.order(id, { conditionId: info.conditionId, tokenId: info.yes.tokenId, negRisk: info.negRisk, tickSize: info.tickSize });
    r.gw.submit({ kind: "PLACE", actionId: 1, order: at(pending.info, "nr") });
    await r.until((x) => x.length === 1);
    expect(r.inbox.messages[0]).toMatchObject({ kind: "PLACE_REJECT", reason: "market_not_ready" });
    r.sim.venue.engine.setAcceptingOrders(r.market.info.conditionId, false);
    r.gw.submit({ kind: "PLACE", actionId: 2, order: r.order("closed") });
    await r.until((x) => x.length === 2);
    expect(r.inbox.messages[1]).toMatchObject({ kind: "PLACE_REJECT", reason: "market_closed" });
  });

  it("auth: wrong API secret → 401 → auth", async () => {
    const r = await rig();
    const c = r.sim.credentials;
    const { createGateway } = await import("../src/index.js");
    const { Inbox } = await import("./helpers.js");
    const inbox = new Inbox();
    const bad = createGateway({
      clobUrl: r.sim.urls.clob,
      credentials: { key: c.apiKey, secret: `${"B".repeat(43)}=`, passphrase: c.passphrase },
      signer: { privateKey: c.privateKey },
      mailbox: inbox,
      heartbeat: false,
    });
    bad.submit({ kind: "PLACE", actionId: 1, order: r.order("a") });
    const t0 = Date.now();
    while (inbox.messages.length < 1 && Date.now() - t0 < 5_000) await new Promise((res) => setTimeout(res, 5));
    bad.submit({ kind: "CANCEL_ALL", actionId: 2, reason: "x" });
    while (inbox.messages.length < 2 && Date.now() - t0 < 5_000) await new Promise((res) => setTimeout(res, 5));
    await bad.close();
    expect(inbox.messages.map((x) => [x.kind, "reason" in x ? x.reason : undefined])).toEqual([
      ["PLACE_REJECT", "auth"],
      ["ACTION_FAILED", "auth"],
    ]);
  });

  it("rate limited: 429 beyond the retry budget → rate_limited", async () => {
    const r = await rig({}, { policy: { retry: { maxAttempts: 2, baseDelayMs: 10 } } });
    r.sim.venue.applyFault({ type: "http", kind: "429", route: "POST /order", count: 5, retryAfterSec: 0 });
    r.gw.submit({ kind: "PLACE", actionId: 1, order: r.order("a") });
    await r.until((x) => x.length === 1);
    expect(r.inbox.messages[0]).toMatchObject({ kind: "PLACE_REJECT", reason: "rate_limited" });
  });
});
