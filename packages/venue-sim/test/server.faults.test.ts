import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { Collector, orderBody, rest, settle, startSim, stopAll } from "./helpers.js";

afterEach(stopAll);

const fault = (clob: string, body: unknown) =>
  rest<{ ok?: boolean; error?: string; detail?: unknown }>(clob, "POST", "/admin/faults", { body });

async function subscribed(sim: Awaited<ReturnType<typeof startSim>>["sim"], tokens: string[]): Promise<Collector> {
  const c = await Collector.open(`${sim.urls.ws}/market`);
  c.send({ assets_ids: tokens, type: "market" });
  await c.until(() => c.of("book").length === tokens.length);
  return c;
}

describe("fault injection (admin route, observed from clients)", () => {
  it("closes market, user and reference connections", async () => {
    const { sim } = await startSim();
    const m = sim.venue.allMarkets()[0]!;
    const c = await subscribed(sim, [m.info.yes.tokenId]);
    const u = await Collector.open(`${sim.urls.ws}/user`);
    const me = sim.credentials;
    u.send({ auth: { apiKey: me.apiKey, secret: me.secret, passphrase: me.passphrase }, type: "user" });
    const b = new WebSocket(`${sim.urls.binanceWs}/ws/btcusdt@bookTicker`);
    await new Promise((r) => b.once("open", r));
    const bClosed = new Promise((r) => b.once("close", r));
    await settle();
    const r = await fault(sim.urls.clob, { type: "close", channel: "all" });
    expect(r.body).toEqual({ ok: true, detail: { closed: 3 } });
    await c.until(() => c.closed !== undefined);
    await u.until(() => u.closed !== undefined);
    await bClosed;
  });

  it("freezes the market channel silently while PING/PONG keeps working", async () => {
    const { sim } = await startSim();
    const m = sim.venue.allMarkets()[0]!;
    const c = await subscribed(sim, [m.info.yes.tokenId]);
    const me = sim.credentials;
    await fault(sim.urls.clob, { type: "freeze", channel: "market" });
    await rest(sim.urls.clob, "POST", "/order", { body: orderBody(me, m.info.yes.tokenId, "BUY", 0.3, 10), creds: me });
    c.send("PING");
    await c.until(() => c.texts.includes("PONG"));
    await c.quiet();
    expect(c.of("price_change")).toHaveLength(0);
    expect(c.closed).toBeUndefined();
    await fault(sim.urls.clob, { type: "freeze", channel: "market", frozen: false });
    await rest(sim.urls.clob, "POST", "/order", { body: orderBody(me, m.info.yes.tokenId, "BUY", 0.31, 10), creds: me });
    await c.until(() => c.of("price_change").length === 1);
    // the frozen period's change is simply lost (no replay), as on the venue
    expect((c.of("price_change")[0]!.price_changes as { price: string }[])[0]!.price).toBe("0.31");
  });

  it("duplicates, reorders and delays frames", async () => {
    const { sim } = await startSim();
    const m = sim.venue.allMarkets()[0]!;
    const me = sim.credentials;
    const c = await subscribed(sim, [m.info.yes.tokenId]);
    await fault(sim.urls.clob, { type: "frames", channel: "market", duplicateProbability: 1 });
    await rest(sim.urls.clob, "POST", "/order", { body: orderBody(me, m.info.yes.tokenId, "BUY", 0.3, 10), creds: me });
    await c.until(() => c.of("price_change").length === 2);
    expect(c.raw.at(-1)).toBe(c.raw.at(-2));
    await fault(sim.urls.clob, { type: "frames", channel: "market", duplicateProbability: 0, reorderProbability: 1 });
    // a batch of two orders produces two price_change frames in one flush: they arrive swapped
    await rest(sim.urls.clob, "POST", "/orders", {
      body: [orderBody(me, m.info.yes.tokenId, "BUY", 0.2, 10), orderBody(me, m.info.yes.tokenId, "BUY", 0.21, 10)],
      creds: me,
    });
    await c.until(() => c.of("price_change").length === 4);
    const prices = c
      .of("price_change")
      .slice(2)
      .map((p) => (p.price_changes as { price: string }[])[0]!.price);
    expect(prices).toEqual(["0.21", "0.2"]);
    await fault(sim.urls.clob, { type: "frames", channel: "market", reorderProbability: 0, delayMs: 300 });
    const t0 = Date.now();
    await rest(sim.urls.clob, "POST", "/order", { body: orderBody(me, m.info.yes.tokenId, "BUY", 0.22, 10), creds: me });
    await c.until(() => c.of("price_change").length === 5);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    expect(sim.venue.faults.applied.get("market:reorder")).toBeGreaterThanOrEqual(1);
  });

  it("answers injected 429 (Retry-After), 5xx and 425 without executing", async () => {
    const { sim } = await startSim();
    const me = sim.credentials;
    const yes = sim.venue.allMarkets()[0]!.info.yes.tokenId;
    await fault(sim.urls.clob, { type: "http", kind: "429", route: "POST /order", retryAfterSec: 7 });
    await fault(sim.urls.clob, { type: "http", kind: "5xx", route: "POST /order", status: 502 });
    await fault(sim.urls.clob, { type: "http", kind: "425", route: "POST /order" });
    const a = await rest(sim.urls.clob, "POST", "/order", { body: orderBody(me, yes, "BUY", 0.3, 10), creds: me });
    expect([a.status, a.headers.get("retry-after"), a.body]).toEqual([429, "7", { error: "Too Many Requests" }]);
    const b = await rest(sim.urls.clob, "POST", "/order", { body: orderBody(me, yes, "BUY", 0.3, 10), creds: me });
    expect(b.status).toBe(502);
    const c = await rest(sim.urls.clob, "POST", "/order", { body: orderBody(me, yes, "BUY", 0.3, 10), creds: me });
    expect(c.status).toBe(425);
    const open = await rest<{ data: unknown[] }>(sim.urls.clob, "GET", "/data/orders", { creds: me });
    expect(open.body.data).toHaveLength(0);
    const d = await rest(sim.urls.clob, "POST", "/order", { body: orderBody(me, yes, "BUY", 0.3, 10), creds: me });
    expect(d.status).toBe(200);
  });

  it("requests that time out (or are dropped) still execute on the venue", async () => {
    const { sim } = await startSim();
    const me = sim.credentials;
    const yes = sim.venue.allMarkets()[0]!.info.yes.tokenId;
    await fault(sim.urls.clob, { type: "http", kind: "timeout", route: "POST /order", holdMs: 10_000 });
    const aborted = await rest(sim.urls.clob, "POST", "/order", {
      body: orderBody(me, yes, "BUY", 0.3, 10),
      creds: me,
      signal: AbortSignal.timeout(300),
    }).then(
      () => "answered",
      () => "timed out",
    );
    expect(aborted).toBe("timed out");
    await fault(sim.urls.clob, { type: "http", kind: "drop", route: "POST /order" });
    const dropped = await rest(sim.urls.clob, "POST", "/order", { body: orderBody(me, yes, "BUY", 0.31, 10), creds: me }).then(
      () => "answered",
      () => "reset",
    );
    expect(dropped).toBe("reset");
    const open = await rest<{ data: { price: string }[] }>(sim.urls.clob, "GET", "/data/orders", { creds: me });
    expect(open.body.data.map((o) => o.price).sort()).toEqual(["0.3", "0.31"]);
  });

  it("cancel-only mode rejects placements with 503 and still accepts cancels", async () => {
    const { sim } = await startSim();
    const me = sim.credentials;
    const yes = sim.venue.allMarkets()[0]!.info.yes.tokenId;
    const placed = await rest<{ orderID: string }>(sim.urls.clob, "POST", "/order", {
      body: orderBody(me, yes, "BUY", 0.3, 10),
      creds: me,
    });
    await fault(sim.urls.clob, { type: "trading_mode", mode: "cancel-only" });
    const r = await rest<{ error: string; code: string }>(sim.urls.clob, "POST", "/order", {
      body: orderBody(me, yes, "BUY", 0.31, 10),
      creds: me,
    });
    expect(r.status).toBe(503);
    expect(r.body.error).toMatch(/cancel-only/);
    expect(r.body.code).toBe("cancel_only");
    expect(r.headers.get("retry-after")).toBe("60");
    const c = await rest<{ canceled: string[] }>(sim.urls.clob, "DELETE", "/order", { body: { orderID: placed.body.orderID }, creds: me });
    expect(c.body.canceled).toEqual([placed.body.orderID]);
    await fault(sim.urls.clob, { type: "trading_mode", mode: "normal" });
    expect((await rest(sim.urls.clob, "POST", "/order", { body: orderBody(me, yes, "BUY", 0.31, 10), creds: me })).status).toBe(200);
  });

  it("tick-size change rejects old-grid prices; resolution pays the winner", async () => {
    const { sim } = await startSim();
    const me = sim.credentials;
    const m = sim.venue.allMarkets()[0]!;
    await fault(sim.urls.clob, { type: "tick_size", market: m.info.conditionId, tickSize: "0.1" });
    const r = await rest<{ error: string }>(sim.urls.clob, "POST", "/order", {
      body: orderBody(me, m.info.yes.tokenId, "BUY", 0.35, 10),
      creds: me,
    });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/breaks minimum tick size rule: 0\.1$/);
    expect((await rest(sim.urls.clob, "GET", `/tick-size?token_id=${m.info.yes.tokenId}`)).body).toEqual({ minimum_tick_size: 0.1 });
    sim.venue.engine.split(me.apiKey, m.info.conditionId, 20_000_000 as never);
    const before = Number(
      (await rest<{ balance: string }>(sim.urls.clob, "GET", "/balance-allowance?asset_type=COLLATERAL", { creds: me })).body.balance,
    );
    await fault(sim.urls.clob, { type: "resolve", market: m.info.conditionId, winner: "NO" });
    const after = Number(
      (await rest<{ balance: string }>(sim.urls.clob, "GET", "/balance-allowance?asset_type=COLLATERAL", { creds: me })).body.balance,
    );
    expect(after - before).toBe(20_000_000);
    const cm = (await rest<{ closed: boolean; tokens: { winner: boolean }[] }>(sim.urls.clob, "GET", `/markets/${m.info.conditionId}`))
      .body;
    expect(cm.closed).toBe(true);
    expect(cm.tokens.map((t) => t.winner)).toEqual([false, true]);
  });

  it("rate-limits WS upgrades (reconnect storms) and counts frames per channel", async () => {
    const { sim } = await startSim({ wsUpgradeLimit: { limit: 2, windowMs: 10_000 } });
    const m = sim.venue.allMarkets()[0]!;
    const a = await subscribed(sim, [m.info.yes.tokenId]);
    await Collector.open(`${sim.urls.ws}/user`);
    const ws = new WebSocket(`${sim.urls.ws}/market`);
    const status = await new Promise<number>((resolve) => ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(429);
    const stats = (
      await rest<{ frames: { market: { sent: number } }; faults: Record<string, number> }>(sim.urls.clob, "GET", "/admin/stats")
    ).body;
    expect(stats.frames.market.sent).toBe(a.of("book").length);
    expect(stats.faults["ws:upgrade_rate_limited"]).toBe(1);
  });

  it("funds accounts over the admin route (collateral and split shares to SELL)", async () => {
    const { sim } = await startSim();
    const m = sim.venue.allMarkets()[0]!;
    const addr = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
    const r = await rest<{ ok: boolean; apiKey: string }>(sim.urls.clob, "POST", "/admin/fund", {
      body: { address: addr, usdc: "100", market: m.info.conditionId, shares: "40" },
    });
    expect(r.status).toBe(200);
    expect(sim.venue.engine.balance(r.body.apiKey, "COLLATERAL").balance).toBe(60_000_000);
    expect(sim.venue.engine.balance(r.body.apiKey, m.info.yes.tokenId).balance).toBe(40_000_000);
    expect((await rest(sim.urls.clob, "POST", "/admin/fund", { body: { address: addr, usdc: "NaN" } })).status).toBe(400);
    expect((await rest(sim.urls.clob, "POST", "/admin/fund", { body: { apiKey: "nobody", usdc: "1" } })).status).toBe(400);
  });

  it("rejects WS upgrades with 429 and freezes the reference feed", async () => {
    const { sim, clock } = await startSim();
    await fault(sim.urls.clob, { type: "reject_upgrades", count: 1 });
    const ws = new WebSocket(`${sim.urls.ws}/market`);
    const status = await new Promise<number>((resolve) => ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(429);
    const b = new WebSocket(`${sim.urls.binanceWs}/ws/btcusdt@bookTicker`);
    await new Promise((r) => b.once("open", r));
    let frames = 0;
    b.on("message", () => frames++);
    await fault(sim.urls.clob, { type: "freeze", channel: "binance" });
    sim.venue.reference.step();
    clock.advance(1_000);
    sim.venue.reference.step();
    await settle(100);
    expect(frames).toBe(0);
    await fault(sim.urls.clob, { type: "clear" });
    clock.advance(1_000);
    sim.venue.reference.step();
    await settle(100);
    expect(frames).toBe(1);
    b.close();
    expect((await fault(sim.urls.clob, { type: "nope" })).status).toBe(400);
  });
});
