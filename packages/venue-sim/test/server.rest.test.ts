import {
  WireBalanceAllowanceSchema,
  WireCancelResponseSchema,
  WireClobBookSchema,
  WireClobBooksSchema,
  WireClobMarketInfoV2Schema,
  WireClobMarketSchema,
  WireClobMarketsPageSchema,
  WireClobTradesPageSchema,
  WireDataTradesSchema,
  WireErrorBodySchema,
  WireGammaEventSchema,
  WireGammaMarketSchema,
  WireGammaMarketsKeysetSchema,
  WirePricesHistorySchema,
  WireHeartbeatResponseSchema,
  WireLastTradePriceResponseSchema,
  WireMidpointResponseSchema,
  WireOpenOrderSchema,
  WireOpenOrdersPageSchema,
  WireOrderResponseSchema,
  WireOrdersResponseSchema,
  WirePriceResponseSchema,
  WireSpreadResponseSchema,
  WireTickSizeResponseSchema,
  parseGammaStringArray,
} from "@mm/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { ALT_KEY, type Creds, T0, addAccount, orderBody, rest, startSim, stopAll } from "./helpers.js";

afterEach(stopAll);

const ALT = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

function parse<T>(schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, v: T): T {
  const r = schema.safeParse(v);
  if (!r.success) throw new Error(`schema mismatch: ${JSON.stringify(v).slice(0, 400)} ${String(r.error)}`);
  return v;
}

describe("CLOB public market data", () => {
  it("serves book, prices, midpoint, spread, tick, neg-risk, fee, last trade in the venue's shapes", async () => {
    const { sim } = await startSim();
    const { clob } = sim.urls;
    const m = sim.venue.allMarkets()[0]!;
    const yes = m.info.yes.tokenId;
    const me = sim.credentials;
    expect((await rest(clob, "POST", "/order", { body: orderBody(me, yes, "BUY", 0.4, 10), creds: me })).status).toBe(200);
    expect((await rest(clob, "POST", "/order", { body: orderBody(me, yes, "BUY", 0.42, 20), creds: me })).status).toBe(200);
    expect((await rest(clob, "POST", "/order", { body: orderBody(me, m.info.no.tokenId, "BUY", 0.45, 10), creds: me })).status).toBe(200);
    const book = parse(WireClobBookSchema, (await rest<Record<string, unknown>>(clob, "GET", `/book?token_id=${yes}`)).body);
    // bids ascending, asks descending: the best is LAST
    expect(book.bids).toEqual([
      { price: "0.4", size: "10" },
      { price: "0.42", size: "20" },
    ]);
    expect(book.asks).toEqual([{ price: "0.55", size: "10" }]);
    expect(book.tick_size).toBe("0.01");
    expect(book.min_order_size).toBe("5");
    expect(book.hash).toMatch(/^[0-9a-f]{40}$/);
    const books = parse(
      WireClobBooksSchema,
      (await rest<unknown[]>(clob, "POST", "/books", { body: [{ token_id: yes }, { token_id: m.info.no.tokenId }] })).body,
    );
    expect(books).toHaveLength(2);
    // observed semantics: side=BUY → best bid, side=SELL → best ask
    expect(parse(WirePriceResponseSchema, (await rest(clob, "GET", `/price?token_id=${yes}&side=BUY`)).body)).toEqual({ price: "0.42" });
    expect((await rest(clob, "GET", `/price?token_id=${yes}&side=SELL`)).body).toEqual({ price: "0.55" });
    expect(parse(WireMidpointResponseSchema, (await rest(clob, "GET", `/midpoint?token_id=${yes}`)).body)).toEqual({ mid: "0.485" });
    expect(parse(WireSpreadResponseSchema, (await rest(clob, "GET", `/spread?token_id=${yes}`)).body)).toEqual({ spread: "0.13" });
    expect(parse(WireTickSizeResponseSchema, (await rest(clob, "GET", `/tick-size?token_id=${yes}`)).body)).toEqual({
      minimum_tick_size: 0.01,
    });
    expect((await rest(clob, "GET", `/neg-risk?token_id=${yes}`)).body).toEqual({ neg_risk: false });
    expect((await rest(clob, "GET", `/fee-rate?token_id=${yes}`)).body).toEqual({ base_fee: 0 });
    parse(WireLastTradePriceResponseSchema, (await rest(clob, "GET", `/last-trade-price?token_id=${yes}`)).body);
    expect(await rest(clob, "GET", "/book?token_id=123")).toMatchObject({
      status: 404,
      body: { error: "No orderbook exists for the requested token id" },
    });
    expect(await rest(clob, "GET", "/book?token_id=abc")).toMatchObject({ status: 400, body: { error: "Invalid token id" } });
    expect((await rest(clob, "GET", "/time")).body).toBe(Math.floor(T0 / 1000));
    expect((await rest(clob, "GET", "/ok")).status).toBe(200);
  });

  it("pages /markets with next_cursor until LTE=", async () => {
    const { sim } = await startSim({ markets: 5, pageSize: 2 });
    const seen: string[] = [];
    let cursor = "MA==";
    for (let i = 0; i < 10 && cursor !== "LTE="; i++) {
      const page = parse(
        WireClobMarketsPageSchema,
        (await rest<{ data: { condition_id: string }[]; next_cursor: string }>(sim.urls.clob, "GET", `/markets?next_cursor=${cursor}`))
          .body,
      );
      seen.push(...page.data.map((d) => d.condition_id));
      cursor = page.next_cursor;
    }
    expect(cursor).toBe("LTE=");
    expect(new Set(seen).size).toBe(5);
    const one = (await rest(sim.urls.clob, "GET", `/markets/${seen[0]}`)).body as { tokens: { outcome: string }[] };
    parse(WireClobMarketSchema, one);
    expect(one.tokens.map((t) => t.outcome)).toEqual(["Up", "Down"]);
    const compact = (await rest(sim.urls.clob, "GET", `/clob-markets/${seen[0]}`)).body;
    parse(WireClobMarketInfoV2Schema, compact);
    expect(compact).toMatchObject({ c: seen[0], mts: 0.01, mos: 5 });
    const byToken = (await rest<{ condition_id: string; tokens: { token_id: string }[] }>(sim.urls.clob, "GET", `/markets/${seen[0]}`))
      .body;
    expect(
      (await rest<{ condition_id: string }>(sim.urls.clob, "GET", `/markets-by-token/${byToken.tokens[1]!.token_id}`)).body.condition_id,
    ).toBe(seen[0]);
    const simple = (await rest<{ data: Record<string, unknown>[]; next_cursor: string }>(sim.urls.clob, "GET", "/simplified-markets")).body;
    expect(simple.data).toHaveLength(2);
    expect(Object.keys(simple.data[0]!).sort()).toEqual([
      "accepting_orders",
      "active",
      "archived",
      "closed",
      "condition_id",
      "rewards",
      "tokens",
    ]);
    expect(simple.next_cursor).toBe("Mg==");
  });
});

describe("L2 authentication", () => {
  it("accepts a signature over the path without query and rejects tampering with the venue's 401", async () => {
    const { sim } = await startSim();
    const me = sim.credentials;
    const good = await rest(sim.urls.clob, "GET", "/data/orders?next_cursor=MA==", { creds: me });
    expect(good.status).toBe(200);
    const wrongSecret: Creds = { ...me, secret: Buffer.alloc(32, 7).toString("base64") };
    const bad = await rest(sim.urls.clob, "GET", "/data/orders", { creds: wrongSecret });
    expect(bad.status).toBe(401);
    expect(parse(WireErrorBodySchema, bad.body)).toEqual({ error: "Unauthorized/Invalid api key" });
    expect((await rest(sim.urls.clob, "GET", "/data/orders")).status).toBe(401);
    // the body is signed byte-for-byte: re-serializing with spaces breaks the signature
    const body = orderBody(me, sim.venue.allMarkets()[0]!.info.yes.tokenId, "BUY", 0.3, 10);
    const { buildL2Headers } = await import("@mm/protocol");
    const h = buildL2Headers(
      me.address,
      { key: me.apiKey, secret: me.secret, passphrase: me.passphrase },
      { method: "POST", path: "/order", body: JSON.stringify(body) },
      T0 / 1000,
    );
    const r = await fetch(`${sim.urls.clob}/order`, { method: "POST", headers: { ...h }, body: JSON.stringify(body, null, 1) });
    expect(r.status).toBe(401);
  });

  it("L1 create then derive returns the same deterministic credentials", async () => {
    const { sim } = await startSim();
    const { buildL1Headers, PrivateKeySigner } = await import("@mm/protocol");
    const headers = { ...buildL1Headers(PrivateKeySigner.fromHex(ALT_KEY), { timestampSeconds: T0 / 1000 }) };
    const forged = { ...headers, POLY_ADDRESS: sim.credentials.address };
    expect((await fetch(`${sim.urls.clob}/auth/derive-api-key`, { headers: forged })).status).toBe(401);
    const created = await fetch(`${sim.urls.clob}/auth/api-key`, { method: "POST", headers });
    const c = (await created.json()) as { apiKey: string; secret: string; passphrase: string };
    expect(c.apiKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(c.secret).toHaveLength(44);
    expect(c.passphrase).toMatch(/^[0-9a-f]{64}$/);
    const again = await fetch(`${sim.urls.clob}/auth/api-key`, { method: "POST", headers });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: "Could not create api key" });
    const derived = await (await fetch(`${sim.urls.clob}/auth/derive-api-key`, { headers })).json();
    expect(derived).toEqual(c);
    expect((await fetch(`${sim.urls.clob}/auth/derive-api-key`, { headers: { POLY_ADDRESS: ALT } })).status).toBe(401);
  });
});

describe("trading routes", () => {
  it("places, lists, pages and cancels orders; batch legs reject inside a 200", async () => {
    const { sim } = await startSim({ pageSize: 2 });
    const { clob } = sim.urls;
    const me = sim.credentials;
    const yes = sim.venue.allMarkets()[0]!.info.yes.tokenId;
    const placed = await rest<Record<string, unknown>>(clob, "POST", "/order", { body: orderBody(me, yes, "BUY", 0.3, 10), creds: me });
    expect(placed.status).toBe(200);
    parse(WireOrderResponseSchema, placed.body);
    expect(placed.body).toMatchObject({ success: true, errorMsg: "", status: "live" });
    const id = placed.body.orderID as string;
    expect(id).toMatch(/^0x[0-9a-f]{64}$/);
    // duplicate of the exact same signed order
    const dupBody = orderBody(me, yes, "BUY", 0.31, 10);
    expect((await rest(clob, "POST", "/order", { body: dupBody, creds: me })).status).toBe(200);
    const dup = await rest<{ error: string }>(clob, "POST", "/order", { body: dupBody, creds: me });
    expect(dup.status).toBe(400);
    expect(dup.body.error).toMatch(/is invalid\. Duplicated\.$/);
    // batch: one good, one off-grid leg
    const batch = await rest<Record<string, unknown>[]>(clob, "POST", "/orders", {
      body: [orderBody(me, yes, "BUY", 0.32, 10), { ...orderBody(me, yes, "BUY", 0.33, 10), owner: "someone-else" }],
      creds: me,
    });
    expect(batch.status).toBe(200);
    parse(WireOrdersResponseSchema, batch.body);
    expect(batch.body[0]).toMatchObject({ success: true, errorMsg: "", status: "live" });
    expect(batch.body[1]).toMatchObject({ success: true, orderID: "", errorMsg: "the order owner has to be the owner of the API KEY" });
    const tooMany = await rest(clob, "POST", "/orders", {
      body: Array.from({ length: 16 }, () => orderBody(me, yes, "BUY", 0.2, 10)),
      creds: me,
    });
    expect(tooMany).toMatchObject({ status: 400, body: { error: "Too many orders in payload: 16, max allowed: 15" } });
    // a signature that does not recover to the signer
    const forged = orderBody(me, yes, "BUY", 0.34, 10);
    const tampered = { ...forged, order: { ...forged.order, makerAmount: String(Number(forged.order.makerAmount) - 10_000) } };
    expect(await rest(clob, "POST", "/order", { body: tampered, creds: me })).toMatchObject({
      status: 400,
      body: { error: "invalid signature" },
    });
    // venue validation texts come through
    const small = await rest<{ error: string }>(clob, "POST", "/order", { body: orderBody(me, yes, "BUY", 0.3, 2), creds: me });
    expect(small.status).toBe(400);
    expect(small.body.error).toMatch(/Size \(2\) lower than the minimum: 5$/);
    // pagination of /data/orders
    const ids: string[] = [];
    let cursor = "";
    for (let i = 0; i < 5; i++) {
      const p = await rest<{ data: { id: string }[]; next_cursor: string }>(
        clob,
        "GET",
        `/data/orders${cursor ? `?next_cursor=${cursor}` : ""}`,
        { creds: me },
      );
      parse(WireOpenOrdersPageSchema, p.body);
      ids.push(...p.body.data.map((o) => o.id));
      cursor = p.body.next_cursor;
      if (cursor === "LTE=") break;
    }
    expect(cursor).toBe("LTE=");
    expect(ids).toHaveLength(3);
    const one = await rest(clob, "GET", `/data/order/${id}`, { creds: me });
    parse(WireOpenOrderSchema, one.body);
    const cancel = await rest(clob, "DELETE", "/order", { body: { orderID: id }, creds: me });
    expect(parse(WireCancelResponseSchema, cancel.body)).toEqual({ canceled: [id], not_canceled: {} });
    const again = await rest(clob, "DELETE", "/order", { body: { orderID: id }, creds: me });
    expect(again.body).toEqual({ canceled: [], not_canceled: { [id]: "already canceled or matched" } });
    const all = await rest<{ canceled: string[] }>(clob, "DELETE", "/cancel-all", { creds: me });
    expect(all.body.canceled).toHaveLength(2);
  });

  it("complementary BUY orders mint; the taker gets price improvement; /data/trades filters on the taker", async () => {
    const { sim } = await startSim();
    const { clob } = sim.urls;
    const me = sim.credentials;
    const other = addAccount(sim);
    const m = sim.venue.allMarkets()[0]!;
    // maker: BUY YES 10 @ 0.55 (seen on NO as an ask at 0.45)
    await rest(clob, "POST", "/order", { body: orderBody(me, m.info.yes.tokenId, "BUY", 0.55, 10), creds: me });
    // taker: BUY NO 10 @ 0.50 crosses (0.55 + 0.50 ≥ 1) and pays only 0.45
    const r = await rest<Record<string, unknown>>(clob, "POST", "/order", {
      body: orderBody(other, m.info.no.tokenId, "BUY", 0.5, 10),
      creds: other,
    });
    expect(r.body).toMatchObject({ success: true, status: "matched", makingAmount: "4.5", takingAmount: "10" });
    const trades = await rest<{ data: Record<string, unknown>[] }>(clob, "GET", "/data/trades", { creds: me });
    parse(WireClobTradesPageSchema, trades.body);
    expect(trades.body.data).toHaveLength(1);
    const t = trades.body.data[0]!;
    expect(t).toMatchObject({
      asset_id: m.info.no.tokenId,
      side: "BUY",
      price: "0.45",
      size: "10",
      trader_side: "MAKER",
      status: "MATCHED",
    });
    expect(t.maker_orders).toEqual([
      expect.objectContaining({ owner: me.apiKey, asset_id: m.info.yes.tokenId, price: "0.55", matched_amount: "10", side: "BUY" }),
    ]);
    // the venue quirk: asset_id filters on the TAKER order, so the maker's own token finds nothing
    const byMyToken = await rest<{ data: unknown[] }>(clob, "GET", `/data/trades?asset_id=${m.info.yes.tokenId}`, { creds: me });
    expect(byMyToken.body.data).toHaveLength(0);
    const byTakerToken = await rest<{ data: unknown[] }>(clob, "GET", `/data/trades?asset_id=${m.info.no.tokenId}`, { creds: me });
    expect(byTakerToken.body.data).toHaveLength(1);
    // price history on either token of the pair
    const hy = (await rest(clob, "GET", `/prices-history?market=${m.info.yes.tokenId}&interval=1h&fidelity=1`)).body;
    expect(parse(WirePricesHistorySchema, hy)).toEqual({ history: [{ t: Math.floor(T0 / 60_000) * 60, p: 0.55 }] });
    const hn = (await rest(clob, "GET", `/prices-history?market=${m.info.no.tokenId}&interval=1h`)).body;
    expect(hn).toEqual({ history: [{ t: Math.floor(T0 / 60_000) * 60, p: 0.45 }] });
    expect((await rest(clob, "GET", `/prices-history?market=${m.info.no.tokenId}&interval=1h&startTs=1`)).status).toBe(400);
  });

  it("same-token price improvement and complementary SELLs merge", async () => {
    const { sim } = await startSim();
    const { clob } = sim.urls;
    const me = sim.credentials;
    const other = addAccount(sim);
    const m = sim.venue.allMarkets()[0]!;
    sim.venue.fund({ apiKey: me.apiKey, market: m.info.conditionId, shares: "20" });
    sim.venue.fund({ apiKey: other.apiKey, market: m.info.conditionId, shares: "20" });
    // resting SELL YES 10 @ 0.52; a BUY YES @ 0.55 pays 0.52
    await rest(clob, "POST", "/order", { body: orderBody(me, m.info.yes.tokenId, "SELL", 0.52, 10), creds: me });
    const buy = await rest<Record<string, unknown>>(clob, "POST", "/order", {
      body: orderBody(other, m.info.yes.tokenId, "BUY", 0.55, 10),
      creds: other,
    });
    expect(buy.body).toMatchObject({ status: "matched", makingAmount: "5.2", takingAmount: "10" });
    // SELL YES @ 0.6 resting; SELL NO @ 0.4 crosses (0.6 + 0.4 ≤ 1): merge, taker receives 0.4
    await rest(clob, "POST", "/order", { body: orderBody(me, m.info.yes.tokenId, "SELL", 0.6, 10), creds: me });
    const sell = await rest<Record<string, unknown>>(clob, "POST", "/order", {
      body: orderBody(other, m.info.no.tokenId, "SELL", 0.4, 10),
      creds: other,
    });
    expect(sell.body).toMatchObject({ status: "matched", makingAmount: "10", takingAmount: "4" });
    const trades = (await rest<{ data: Record<string, unknown>[] }>(clob, "GET", "/data/trades", { creds: other })).body.data;
    const merge = trades.find((t) => t.asset_id === m.info.no.tokenId)!;
    expect(merge.maker_orders).toEqual([
      expect.objectContaining({ asset_id: m.info.yes.tokenId, side: "SELL", price: "0.6", owner: me.apiKey }),
    ]);
  });

  it("FAK with nothing to match answers 400 with its orderID; FOK kill shows on the user channel with empty fields", async () => {
    const { sim } = await startSim();
    const me = sim.credentials;
    const yes = sim.venue.allMarkets()[0]!.info.yes.tokenId;
    const fak = await rest<{ error: string; orderID: string }>(sim.urls.clob, "POST", "/order", {
      body: orderBody(me, yes, "BUY", 0.5, 10, "FAK"),
      creds: me,
    });
    expect(fak.status).toBe(400);
    expect(fak.body.error).toMatch(/^no orders found to match with FAK order/);
    expect(fak.body.orderID).toMatch(/^0x[0-9a-f]{64}$/);
    const { Collector, expectUserValid, settle } = await import("./helpers.js");
    const c = await Collector.open(`${sim.urls.ws}/user`);
    c.send({ auth: { apiKey: me.apiKey, secret: me.secret, passphrase: me.passphrase }, type: "user" });
    await settle();
    const fok = await rest<{ error: string }>(sim.urls.clob, "POST", "/order", {
      body: orderBody(me, yes, "BUY", 0.5, 10, "FOK"),
      creds: me,
    });
    expect(fok.status).toBe(400);
    expect(fok.body.error).toBe("order couldn't be fully filled. FOK orders are fully filled or killed.");
    await c.until(() => c.of("order").some((o) => o.type === "CANCELLATION"));
    const kill = c.of("order").find((o) => o.type === "CANCELLATION")!;
    expect(kill).toMatchObject({ size_matched: "", outcome: "", created_at: "", order_type: "FOK" });
    expect(String(kill.status)).toMatch(/^CANCELED_/);
    expectUserValid(c);
  });

  it("reports balances as 6-decimal integer strings and heartbeats chain ids", async () => {
    const { sim, clock } = await startSim();
    const { clob } = sim.urls;
    const me = sim.credentials;
    const bal = await rest(clob, "GET", "/balance-allowance?asset_type=COLLATERAL&signature_type=0", { creds: me });
    expect(parse(WireBalanceAllowanceSchema, bal.body)).toMatchObject({ balance: "10000000000" });
    const yes = sim.venue.allMarkets()[0]!.info.yes.tokenId;
    expect((await rest(clob, "GET", `/balance-allowance?asset_type=CONDITIONAL&token_id=${yes}`, { creds: me })).body).toMatchObject({
      balance: "0",
    });
    const hb1 = await rest<{ heartbeat_id: string }>(clob, "POST", "/v1/heartbeats", { body: { heartbeat_id: null }, creds: me });
    parse(WireHeartbeatResponseSchema, hb1.body);
    const hb2 = await rest<{ heartbeat_id: string }>(clob, "POST", "/v1/heartbeats", {
      body: { heartbeat_id: hb1.body.heartbeat_id },
      creds: me,
    });
    expect(hb2.status).toBe(200);
    const stale = await rest<{ error: string; heartbeat_id: string }>(clob, "POST", "/v1/heartbeats", {
      body: { heartbeat_id: hb1.body.heartbeat_id },
      creds: me,
    });
    expect(stale.status).toBe(400);
    expect(stale.body.heartbeat_id).toBe(hb2.body.heartbeat_id);
    // an order, then the chain lapses: all orders cancelled
    await rest(clob, "POST", "/order", { body: orderBody(me, yes, "BUY", 0.3, 10), creds: me });
    clock.advance(16_000);
    const open = await rest<{ data: unknown[] }>(clob, "GET", "/data/orders", { creds: me });
    expect(open.body.data).toHaveLength(0);
  });
});

describe("worked examples (POLYMARKET.md §6)", () => {
  it("signed amounts become the documented price and size on the venue", async () => {
    const { sim } = await startSim();
    const me = sim.credentials;
    const [a, b] = sim.venue.allMarkets();
    sim.venue.fund({ apiKey: me.apiKey, market: a!.info.conditionId, shares: "50" });
    sim.venue.fund({ apiKey: me.apiKey, market: b!.info.conditionId, shares: "50" });
    sim.venue.applyFault({ type: "tick_size", market: b!.info.conditionId, tickSize: "0.001" });
    const cases = [
      {
        token: a!.info.yes.tokenId,
        side: "BUY" as const,
        size: 10,
        price: 0.55,
        tick: 100 as const,
        maker: "5500000",
        taker: "10000000",
        wire: ["10", "0.55"],
      },
      {
        token: a!.info.no.tokenId,
        side: "SELL" as const,
        size: 10,
        price: 0.55,
        tick: 100 as const,
        maker: "10000000",
        taker: "5500000",
        wire: ["10", "0.55"],
      },
      {
        token: b!.info.yes.tokenId,
        side: "BUY" as const,
        size: 12.345,
        price: 0.333,
        tick: 10 as const,
        maker: "4109220",
        taker: "12340000",
        wire: ["12.34", "0.333"],
      },
    ];
    for (const c of cases) {
      const body = orderBody(me, c.token, c.side, c.price, c.size, "GTC", { tick: c.tick });
      expect([body.order.makerAmount, body.order.takerAmount]).toEqual([c.maker, c.taker]);
      const r = await rest<{ orderID: string }>(sim.urls.clob, "POST", "/order", { body, creds: me });
      expect(r.status).toBe(200);
      const o = (await rest<Record<string, string>>(sim.urls.clob, "GET", `/data/order/${r.body.orderID}`, { creds: me })).body;
      expect([o.original_size, o.price, o.side]).toEqual([...c.wire, c.side]);
    }
  });
});

describe("neg-risk markets", () => {
  it("orders must be signed against the Neg Risk CTF Exchange, else invalid signature", async () => {
    const { sim } = await startSim({ negRisk: true });
    const me = sim.credentials;
    const yes = sim.venue.allMarkets()[0]!.info.yes.tokenId;
    expect((await rest(sim.urls.clob, "GET", `/neg-risk?token_id=${yes}`)).body).toEqual({ neg_risk: true });
    expect(await rest(sim.urls.clob, "POST", "/order", { body: orderBody(me, yes, "BUY", 0.3, 10), creds: me })).toMatchObject({
      status: 400,
      body: { error: "invalid signature" },
    });
    expect(
      (await rest(sim.urls.clob, "POST", "/order", { body: orderBody(me, yes, "BUY", 0.3, 10, "GTC", { negRisk: true }), creds: me }))
        .status,
    ).toBe(200);
  });
});

describe("order versions", () => {
  it("a V2 venue reports version 2, rejects V1 bodies and accepts signed V2 orders (id = V2 EIP-712 hash)", async () => {
    const { sim } = await startSim({ orderVersion: 2 });
    const me = sim.credentials;
    const yes = sim.venue.allMarkets()[0]!.info.yes.tokenId;
    expect((await rest(sim.urls.clob, "GET", "/version")).body).toEqual({ version: 2 });
    expect(await rest(sim.urls.clob, "POST", "/order", { body: orderBody(me, yes, "BUY", 0.3, 10), creds: me })).toMatchObject({
      status: 400,
      body: { error: "invalid order version" },
    });
    const { buildLimitOrderV2, hashOrderV2, orderDomainFor, PrivateKeySigner, postOrderBodyV2, signOrderV2 } = await import("@mm/protocol");
    const signer = PrivateKeySigner.fromHex(me.privateKey);
    const o = buildLimitOrderV2(
      { tokenId: yes, side: "BUY", price: 3000, size: 10_000_000, tickSize: 100 },
      { signer: signer.address, maker: signer.address, signatureType: 0 },
      77,
      { timestampMs: T0 },
    );
    if (!o.ok) throw new Error("amounts");
    const domain = orderDomainFor(137, false, 2)!;
    const r = await rest<{ orderID: string }>(sim.urls.clob, "POST", "/order", {
      body: postOrderBodyV2(signOrderV2(o.value, signer, domain), me.apiKey, "GTC"),
      creds: me,
    });
    expect(r.status).toBe(200);
    expect(r.body.orderID).toBe(hashOrderV2(o.value, domain).toLowerCase());
  });
});

describe("Gamma and Data API", () => {
  it("Gamma encodes outcomes, outcomePrices and clobTokenIds as JSON strings; events embed markets", async () => {
    const { sim } = await startSim({ markets: 3 });
    const ms = (await rest<Record<string, unknown>[]>(sim.urls.gamma, "GET", "/markets?limit=2")).body;
    expect(ms).toHaveLength(2);
    for (const m of ms) {
      parse(WireGammaMarketSchema, m);
      expect(typeof m.clobTokenIds).toBe("string");
      expect(typeof m.outcomes).toBe("string");
      expect(JSON.parse(m.outcomes as string)).toEqual(["Up", "Down"]);
      const toks = JSON.parse(m.clobTokenIds as string) as string[];
      const info = sim.venue.market(m.conditionId as string)!.info;
      expect(toks).toEqual([info.yes.tokenId, info.no.tokenId]);
      expect(parseGammaStringArray(m.outcomePrices as string)).toHaveLength(2);
    }
    const cid = ms[0]!.conditionId as string;
    expect((await rest<unknown[]>(sim.urls.gamma, "GET", `/markets?condition_ids=${cid}`)).body).toHaveLength(1);
    const k1 = (await rest<{ markets: unknown[]; next_cursor?: string }>(sim.urls.gamma, "GET", "/markets/keyset?limit=2")).body;
    parse(WireGammaMarketsKeysetSchema, k1);
    expect(k1.markets).toHaveLength(2);
    const k2 = (
      await rest<{ markets: unknown[]; next_cursor?: string }>(
        sim.urls.gamma,
        "GET",
        `/markets/keyset?limit=2&next_cursor=${k1.next_cursor}`,
      )
    ).body;
    expect(k2.markets).toHaveLength(1);
    expect(k2.next_cursor).toBeUndefined();
    expect((await rest(sim.urls.gamma, "GET", "/markets/keyset?offset=1")).status).toBe(400);
    const ev = (await rest<Record<string, unknown>[]>(sim.urls.gamma, "GET", "/events")).body;
    expect(ev).toHaveLength(3);
    for (const e of ev) parse(WireGammaEventSchema, e);
  });

  it("Data-API trades carry seconds and numbers, and appear only after the lag", async () => {
    const { sim, clock } = await startSim({ dataLagMs: 60_000 });
    const me = sim.credentials;
    const other = addAccount(sim);
    const m = sim.venue.allMarkets()[0]!;
    await rest(sim.urls.clob, "POST", "/order", { body: orderBody(me, m.info.yes.tokenId, "BUY", 0.6, 10), creds: me });
    await rest(sim.urls.clob, "POST", "/order", { body: orderBody(other, m.info.no.tokenId, "BUY", 0.4, 10), creds: other });
    expect((await rest<unknown[]>(sim.urls.data, "GET", "/trades")).body).toHaveLength(0);
    clock.advance(61_000);
    const rows = (await rest<Record<string, unknown>[]>(sim.urls.data, "GET", "/trades")).body;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      side: "BUY",
      asset: m.info.no.tokenId,
      conditionId: m.info.conditionId,
      size: 10,
      price: 0.4,
      timestamp: Math.floor(T0 / 1000),
    });
    const both = (await rest<unknown[]>(sim.urls.data, "GET", "/trades?takerOnly=false")).body;
    expect(both).toHaveLength(2);
    parse(WireDataTradesSchema, both);
  });
});

describe("rate limits", () => {
  it("per-signer buckets charge N per batch: enforce ⇒ 429 for the whole batch, warn ⇒ header only", async () => {
    const { sim } = await startSim({
      signerLimits: { order: { limit: 4, windowMs: 10_000 }, cancel: { limit: 100, windowMs: 10_000 }, mode: "enforce" },
    });
    const me = sim.credentials;
    const yes = sim.venue.allMarkets()[0]!.info.yes.tokenId;
    const batch = (n: number, p: number) => Array.from({ length: n }, (_, i) => orderBody(me, yes, "BUY", p + i / 100, 10));
    expect((await rest(sim.urls.clob, "POST", "/orders", { body: batch(3, 0.1), creds: me })).status).toBe(200);
    const over = await rest(sim.urls.clob, "POST", "/orders", { body: batch(2, 0.2), creds: me });
    expect([over.status, over.body]).toEqual([429, { error: "Too Many Requests" }]);
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const open = await rest<{ data: unknown[] }>(sim.urls.clob, "GET", "/data/orders", { creds: me });
    expect(open.body.data).toHaveLength(3);
    expect((await rest(sim.urls.clob, "POST", "/order", { body: orderBody(me, yes, "BUY", 0.3, 10), creds: me })).status).toBe(200);

    const warn = await startSim({
      signerLimits: { order: { limit: 1, windowMs: 10_000 }, cancel: { limit: 1, windowMs: 10_000 }, mode: "warn" },
    });
    const w = warn.sim.credentials;
    const wy = warn.sim.venue.allMarkets()[0]!.info.yes.tokenId;
    const a = await rest(warn.sim.urls.clob, "POST", "/order", { body: orderBody(w, wy, "BUY", 0.3, 10), creds: w });
    expect(a.headers.get("poly-ratelimit-warning")).toBeNull();
    const b = await rest(warn.sim.urls.clob, "POST", "/order", { body: orderBody(w, wy, "BUY", 0.31, 10), creds: w });
    expect([b.status, b.headers.get("poly-ratelimit-warning")]).toEqual([200, "true"]);
    expect(warn.sim.venue.signerLimiter?.overLimit.order).toBe(1);
  });

  it("answers 429 with Retry-After when a route's bucket is empty and counts requests per route", async () => {
    const { sim } = await startSim({ rateLimits: { "GET /book": { limit: 3, windowMs: 10_000 } } });
    const yes = sim.venue.allMarkets()[0]!.info.yes.tokenId;
    const statuses: number[] = [];
    let retry: string | null = null;
    for (let i = 0; i < 5; i++) {
      const r = await rest(sim.urls.clob, "GET", `/book?token_id=${yes}`);
      statuses.push(r.status);
      if (r.status === 429) {
        retry = r.headers.get("retry-after");
        expect(r.body).toEqual({ error: "Too Many Requests" });
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(retry)).toBeGreaterThanOrEqual(1);
    expect(sim.venue.requestCount("GET /book")).toBe(5);
    const stats = (
      await rest<{ requests: Record<string, number>; rateLimited: Record<string, number> }>(sim.urls.clob, "GET", "/admin/stats")
    ).body;
    expect(stats.requests["GET /book"]).toBe(5);
    expect(stats.rateLimited["GET /book"]).toBe(2);
    await rest(sim.urls.clob, "POST", "/admin/reset-stats");
    expect(sim.venue.requestCount("GET /book")).toBe(0);
  });
});
