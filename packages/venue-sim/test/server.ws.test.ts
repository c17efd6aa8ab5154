import { WireBalanceAllowanceSchema } from "@mm/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { Collector, addAccount, expectMarketValid, expectUserValid, orderBody, rest, settle, startSim, stopAll } from "./helpers.js";

afterEach(stopAll);

describe("market channel", () => {
  it("sends a book per asset on subscribe, price_change for both tokens on place/cancel, book + last_trade_price on trades", async () => {
    const { sim } = await startSim();
    const me = sim.credentials;
    const other = addAccount(sim);
    const m = sim.venue.allMarkets()[0]!;
    const { yes, no } = { yes: m.info.yes.tokenId, no: m.info.no.tokenId };
    await rest(sim.urls.clob, "POST", "/order", { body: orderBody(me, yes, "BUY", 0.4, 10), creds: me });
    await rest(sim.urls.clob, "POST", "/order", { body: orderBody(me, yes, "BUY", 0.41, 7), creds: me });
    const c = await Collector.open(`${sim.urls.ws}/market`);
    c.send({ assets_ids: [yes, no], type: "market" });
    await c.until(() => c.of("book").length === 2);
    const yesBook = c.of("book").find((b) => b.asset_id === yes)!;
    expect(yesBook.bids).toEqual([
      { price: "0.4", size: "10" },
      { price: "0.41", size: "7" },
    ]);
    const noBook = c.of("book").find((b) => b.asset_id === no)!;
    // mirrored: YES bids are NO asks at 1 − p, descending (best last)
    expect(noBook.asks).toEqual([
      { price: "0.6", size: "10" },
      { price: "0.59", size: "7" },
    ]);
    const placed = await rest<{ orderID: string }>(sim.urls.clob, "POST", "/order", {
      body: orderBody(me, yes, "BUY", 0.45, 20),
      creds: me,
    });
    await c.until(() => c.of("price_change").length === 1);
    const pc = c.of("price_change")[0]!;
    expect(pc.market).toBe(m.info.conditionId);
    expect(pc.price_changes).toEqual([
      expect.objectContaining({ asset_id: yes, price: "0.45", size: "20", side: "BUY", best_bid: "0.45", best_ask: "1" }),
      expect.objectContaining({ asset_id: no, price: "0.55", size: "20", side: "SELL", best_bid: "0", best_ask: "0.55" }),
    ]);
    await rest(sim.urls.clob, "DELETE", "/order", { body: { orderID: placed.body.orderID }, creds: me });
    await c.until(() => c.of("price_change").length === 2);
    expect((c.of("price_change")[1]!.price_changes as { size: string }[]).map((x) => x.size)).toEqual(["0", "0"]);
    // a trade: NO buyer at 0.6 hits the YES bid at 0.41 (mint) → book for both tokens + last_trade_price
    const booksBefore = c.of("book").length;
    await rest(sim.urls.clob, "POST", "/order", { body: orderBody(other, no, "BUY", 0.6, 7), creds: other });
    await c.until(() => c.of("last_trade_price").length === 1 && c.of("book").length >= booksBefore + 2);
    expect(c.of("last_trade_price")[0]).toMatchObject({ asset_id: no, market: m.info.conditionId, price: "0.59", size: "7", side: "BUY" });
    const after = c
      .of("book")
      .filter((b) => b.asset_id === yes)
      .at(-1)!;
    expect(after.bids).toEqual([{ price: "0.4", size: "10" }]);
    expectMarketValid(c);
  });

  it("supports dynamic subscribe/unsubscribe, PING → PONG and array framing", async () => {
    const { sim } = await startSim({ marketWs: { arrayFraming: true } });
    const [a, b] = sim.venue.allMarkets();
    const c = await Collector.open(`${sim.urls.ws}/market`);
    c.send({ assets_ids: [a!.info.yes.tokenId], type: "market" });
    await c.until(() => c.of("book").length === 1);
    expect(c.raw[0]!.startsWith("[")).toBe(true);
    c.send({ assets_ids: [b!.info.yes.tokenId], operation: "subscribe" });
    await c.until(() => c.of("book").length === 2);
    c.send({ assets_ids: [a!.info.yes.tokenId], operation: "unsubscribe" });
    c.send("PING");
    await c.until(() => c.texts.includes("PONG"));
    const me = sim.credentials;
    await rest(sim.urls.clob, "POST", "/order", { body: orderBody(me, a!.info.yes.tokenId, "BUY", 0.3, 10), creds: me });
    await rest(sim.urls.clob, "POST", "/order", { body: orderBody(me, b!.info.yes.tokenId, "BUY", 0.3, 10), creds: me });
    await c.until(() => c.of("price_change").length === 1);
    await c.quiet();
    expect(c.of("price_change").map((p) => p.market)).toEqual([b!.info.conditionId]);
    expectMarketValid(c);
  });

  it("drops idle sockets that stop sending PING, and caps assets per connection", async () => {
    const { sim, clock } = await startSim({ marketWs: { idleTimeoutMs: 15_000, maxAssetsPerConnection: 1 } });
    const [a, b] = sim.venue.allMarkets();
    const c = await Collector.open(`${sim.urls.ws}/market`);
    c.send({ assets_ids: [a!.info.yes.tokenId, b!.info.yes.tokenId], type: "market" });
    await c.until(() => c.of("book").length === 1);
    await c.quiet();
    expect(c.of("book")).toHaveLength(1);
    const alive = await Collector.open(`${sim.urls.ws}/market`);
    alive.send({ assets_ids: [], type: "market" });
    await settle();
    for (let i = 0; i < 4; i++) {
      alive.send("PING");
      await alive.until(() => alive.texts.length === i + 1);
      clock.advance(5_000);
    }
    await c.until(() => c.closed !== undefined);
    expect(alive.closed).toBeUndefined();
    expect(sim.venue.marketChannel.idleDrops).toBe(1);
  });

  it("custom features: best_bid_ask, tick_size_change, new_market and market_resolved", async () => {
    const { sim } = await startSim();
    const m = sim.venue.allMarkets()[0]!;
    const c = await Collector.open(`${sim.urls.ws}/market`);
    c.send({ assets_ids: [m.info.yes.tokenId, m.info.no.tokenId], type: "market", custom_feature_enabled: true });
    await c.until(() => c.of("book").length === 2);
    const me = sim.credentials;
    await rest(sim.urls.clob, "POST", "/order", { body: orderBody(me, m.info.yes.tokenId, "BUY", 0.5, 10), creds: me });
    await c.until(() => c.of("best_bid_ask").length >= 2);
    expect(c.of("best_bid_ask").find((e) => e.asset_id === m.info.yes.tokenId)).toMatchObject({
      best_bid: "0.5",
      best_ask: "1",
      spread: "0.5",
    });
    expect(
      (await rest(sim.urls.clob, "POST", "/admin/faults", { body: { type: "tick_size", market: m.info.conditionId, tickSize: "0.001" } }))
        .status,
    ).toBe(200);
    await c.until(() => c.of("tick_size_change").length === 2);
    expect(c.of("tick_size_change")[0]).toMatchObject({ old_tick_size: "0.01", new_tick_size: "0.001" });
    const { makeUpDownMarkets } = await import("../src/index.js");
    const extra = makeUpDownMarkets({ seed: 99, count: 1, startTime: 1_790_000_000_000 })[0]!;
    sim.venue.addMarket(extra);
    await c.until(() => c.of("new_market").length === 1);
    expect(c.of("new_market")[0]).toMatchObject({
      market: extra.info.conditionId,
      assets_ids: [extra.info.yes.tokenId, extra.info.no.tokenId],
    });
    await rest(sim.urls.clob, "POST", "/admin/faults", { body: { type: "resolve", market: m.info.conditionId, winner: "YES" } });
    await c.until(() => c.of("market_resolved").length === 1);
    expect(c.of("market_resolved")[0]).toMatchObject({ winning_asset_id: m.info.yes.tokenId, winning_outcome: "Up" });
    expectMarketValid(c);
  });
});

describe("automatic tick size", () => {
  it("a trade beyond 0.96 switches the market to 0.001 with tick_size_change and a fresh book", async () => {
    const { sim } = await startSim();
    const me = sim.credentials;
    const other = addAccount(sim);
    const m = sim.venue.allMarkets()[0]!;
    const c = await Collector.open(`${sim.urls.ws}/market`);
    c.send({ assets_ids: [m.info.yes.tokenId, m.info.no.tokenId], type: "market" });
    await c.until(() => c.of("book").length === 2);
    await rest(sim.urls.clob, "POST", "/order", { body: orderBody(me, m.info.yes.tokenId, "BUY", 0.97, 40), creds: me });
    // 40 × 0.03 = $1.20: above the $1 marketable minimum
    const t = await rest(sim.urls.clob, "POST", "/order", { body: orderBody(other, m.info.no.tokenId, "BUY", 0.03, 40), creds: other });
    expect(t.status).toBe(200);
    await c.until(() => c.of("tick_size_change").length === 2);
    expect(c.of("tick_size_change").map((e) => [e.asset_id, e.old_tick_size, e.new_tick_size])).toEqual(
      expect.arrayContaining([
        [m.info.yes.tokenId, "0.01", "0.001"],
        [m.info.no.tokenId, "0.01", "0.001"],
      ]),
    );
    expect((await rest(sim.urls.clob, "GET", `/tick-size?token_id=${m.info.yes.tokenId}`)).body).toEqual({ minimum_tick_size: 0.001 });
    const after = c.events.findIndex((e) => e.event_type === "tick_size_change");
    await c.until(() => c.events.slice(after).some((e) => e.event_type === "book"));
    expectMarketValid(c);
  });
});

describe("user channel", () => {
  it("rejects bad credentials by closing the socket", async () => {
    const { sim } = await startSim();
    const c = await Collector.open(`${sim.urls.ws}/user`);
    c.send({ auth: { apiKey: sim.credentials.apiKey, secret: "nope", passphrase: sim.credentials.passphrase }, type: "user" });
    await c.until(() => c.closed !== undefined);
    expect(c.closed?.code).toBe(1008);
  });

  it("shows a maker fill's documented lifecycle: PLACEMENT → trade MATCHED + order UPDATE → MINED → CONFIRMED", async () => {
    const { sim, clock } = await startSim();
    const me = sim.credentials;
    const other = addAccount(sim);
    const m = sim.venue.allMarkets()[0]!;
    const c = await Collector.open(`${sim.urls.ws}/user`);
    c.send({ auth: { apiKey: me.apiKey, secret: me.secret, passphrase: me.passphrase }, markets: [m.info.conditionId], type: "user" });
    await settle();
    const placed = await rest<{ orderID: string }>(sim.urls.clob, "POST", "/order", {
      body: orderBody(me, m.info.yes.tokenId, "BUY", 0.5, 10),
      creds: me,
    });
    await c.until(() => c.of("order").length === 1);
    expect(c.of("order")[0]).toMatchObject({
      type: "PLACEMENT",
      id: placed.body.orderID,
      status: "LIVE",
      original_size: "10",
      size_matched: "0",
      owner: me.apiKey,
      outcome: "Up",
    });
    await rest(sim.urls.clob, "POST", "/order", { body: orderBody(other, m.info.no.tokenId, "BUY", 0.5, 10), creds: other });
    await c.until(() => c.of("trade").length === 1 && c.of("order").length === 2);
    const matched = c.of("trade")[0]!;
    expect(matched).toMatchObject({ status: "MATCHED", trader_side: "MAKER", owner: other.apiKey, asset_id: m.info.no.tokenId });
    expect(matched.maker_orders).toEqual([
      expect.objectContaining({ order_id: placed.body.orderID, owner: me.apiKey, matched_amount: "10", asset_id: m.info.yes.tokenId }),
    ]);
    expect(c.of("order")[1]).toMatchObject({ type: "UPDATE", status: "MATCHED", size_matched: "10", associate_trades: [matched.id] });
    clock.advance(2_000);
    await c.until(() => c.of("trade").length === 2);
    expect(c.of("trade")[1]).toMatchObject({ id: matched.id, status: "MINED" });
    expect(c.of("trade")[1]!.transaction_hash).toMatch(/^0x[0-9a-f]{64}$/);
    clock.advance(4_000);
    await c.until(() => c.of("trade").length === 3);
    expect(c.of("trade")[2]).toMatchObject({ id: matched.id, status: "CONFIRMED" });
    expectUserValid(c);
  });

  it("FAILED reverses the fill in /balance-allowance; nothing is replayed after reconnect", async () => {
    const { sim, clock } = await startSim();
    const me = sim.credentials;
    const other = addAccount(sim);
    const m = sim.venue.allMarkets()[0]!;
    const before = (await rest<{ balance: string }>(sim.urls.clob, "GET", "/balance-allowance?asset_type=COLLATERAL", { creds: me })).body
      .balance;
    const c = await Collector.open(`${sim.urls.ws}/user`);
    c.send({ auth: { apiKey: me.apiKey, secret: me.secret, passphrase: me.passphrase }, type: "user" });
    await settle();
    expect((await rest(sim.urls.clob, "POST", "/admin/faults", { body: { type: "trade_fault", fault: "FAIL", count: 1 } })).status).toBe(
      200,
    );
    await rest(sim.urls.clob, "POST", "/order", { body: orderBody(me, m.info.yes.tokenId, "BUY", 0.5, 10), creds: me });
    await rest(sim.urls.clob, "POST", "/order", { body: orderBody(other, m.info.no.tokenId, "BUY", 0.5, 10), creds: other });
    await c.until(() => c.of("trade").length === 1);
    clock.advance(10_000);
    await c.until(() => c.of("trade").some((t) => t.status === "FAILED"));
    expect(c.of("trade").map((t) => t.status)).toEqual(["MATCHED", "RETRYING", "FAILED"]);
    const bal = await rest(sim.urls.clob, "GET", "/balance-allowance?asset_type=COLLATERAL", { creds: me });
    WireBalanceAllowanceSchema.parse(bal.body);
    expect((bal.body as { balance: string }).balance).toBe(before);
    const tok = await rest<{ balance: string }>(
      sim.urls.clob,
      "GET",
      `/balance-allowance?asset_type=CONDITIONAL&token_id=${m.info.yes.tokenId}`,
      { creds: me },
    );
    expect(tok.body.balance).toBe("0");
    expectUserValid(c);
    // reconnect: no replay of the events above
    c.ws.close();
    const again = await Collector.open(`${sim.urls.ws}/user`);
    again.send({ auth: { apiKey: me.apiKey, secret: me.secret, passphrase: me.passphrase }, type: "user" });
    again.send("PING");
    await again.until(() => again.texts.includes("PONG"));
    await again.quiet();
    expect(again.events).toHaveLength(0);
  });

  it("GTD needs the 60 s security threshold and expires as a CANCELLATION", async () => {
    const { sim, clock } = await startSim();
    const me = sim.credentials;
    const m = sim.venue.allMarkets()[0]!;
    const nowSec = Math.floor(clock.now() / 1000);
    const tooSoon = await rest<{ error: string }>(sim.urls.clob, "POST", "/order", {
      body: orderBody(me, m.info.yes.tokenId, "BUY", 0.3, 10, "GTD", { expiration: nowSec + 30 }),
      creds: me,
    });
    expect(tooSoon).toMatchObject({ status: 400, body: { error: "invalid expiration" } });
    const c = await Collector.open(`${sim.urls.ws}/user`);
    c.send({ auth: { apiKey: me.apiKey, secret: me.secret, passphrase: me.passphrase }, type: "user" });
    await settle();
    const ok = await rest<{ orderID: string }>(sim.urls.clob, "POST", "/order", {
      body: orderBody(me, m.info.yes.tokenId, "BUY", 0.3, 10, "GTD", { expiration: nowSec + 60 + 10 }),
      creds: me,
    });
    expect(ok.status).toBe(200);
    await c.until(() => c.of("order").length === 1);
    expect(c.of("order")[0]).toMatchObject({ type: "PLACEMENT", order_type: "GTD", expiration: String(nowSec + 70) });
    clock.advance(11_000);
    await c.until(() => c.of("order").length === 2);
    expect(c.of("order")[1]).toMatchObject({ type: "CANCELLATION", id: ok.body.orderID });
    expectUserValid(c);
  });

  it("filters by market and reports heartbeat-lapse cancellations", async () => {
    const { sim, clock } = await startSim();
    const me = sim.credentials;
    const [a, b] = sim.venue.allMarkets();
    const c = await Collector.open(`${sim.urls.ws}/user`);
    c.send({ auth: { apiKey: me.apiKey, secret: me.secret, passphrase: me.passphrase }, markets: [a!.info.conditionId], type: "user" });
    await settle();
    await rest(sim.urls.clob, "POST", "/v1/heartbeats", { body: { heartbeat_id: null }, creds: me });
    await rest(sim.urls.clob, "POST", "/order", { body: orderBody(me, a!.info.yes.tokenId, "BUY", 0.3, 10), creds: me });
    await rest(sim.urls.clob, "POST", "/order", { body: orderBody(me, b!.info.yes.tokenId, "BUY", 0.3, 10), creds: me });
    await c.until(() => c.of("order").length === 1);
    clock.advance(16_000);
    await c.until(() => c.of("order").length === 2);
    await c.quiet();
    expect(c.of("order").map((o) => [o.type, o.market])).toEqual([
      ["PLACEMENT", a!.info.conditionId],
      ["CANCELLATION", a!.info.conditionId],
    ]);
    expectUserValid(c);
  });
});
