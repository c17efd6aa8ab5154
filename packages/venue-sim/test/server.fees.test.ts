/**
 * Taker fees over loopback: real REST orders and the real user channel against a venue whose
 * markets carry a fee schedule. Balances are read back through `/balance-allowance`, fills are
 * normalized with @mm/protocol and priced with @mm/types `fillFee` (what the executor will do).
 */
import {
  decodeUserTrade,
  userFillsFromTrade,
  WireClobMarketInfoV2Schema,
  WireClobMarketSchema,
  WireClobTradesPageSchema,
  WireFeeRateResponseSchema,
  WireGammaMarketSchema,
} from "@mm/protocol";
import { fillFee, parseFeeSchedule, price, size, takerFeeShares, takerFeeUsdc, usdc } from "@mm/types";
import { afterEach, describe, expect, it } from "vitest";
import { addAccount, Collector, type Creds, expectUserValid, orderBody, rest, settle, startSim, stopAll } from "./helpers.js";

afterEach(stopAll);

const CRYPTO = { rateBps: 720, exponent: 1 } as const;
const SETTLE_MS = 10_000;
const START = 10_000_000_000; // 10,000 USDC in micro

function parse<T>(schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, v: T): T {
  const r = schema.safeParse(v);
  if (!r.success) throw new Error(`schema mismatch: ${JSON.stringify(v).slice(0, 400)} ${String(r.error)}`);
  return v;
}

async function balance(clob: string, creds: Creds, token?: string): Promise<number> {
  const q = token === undefined ? "asset_type=COLLATERAL&signature_type=0" : `asset_type=CONDITIONAL&token_id=${token}`;
  const r = await rest<{ balance: string }>(clob, "GET", `/balance-allowance?${q}`, { creds });
  expect(r.status).toBe(200);
  return Number(r.body.balance);
}

async function userChannel(ws: string, c: Creds): Promise<Collector> {
  const col = await Collector.open(`${ws}/user`);
  col.send({ auth: { apiKey: c.apiKey, secret: c.secret, passphrase: c.passphrase }, type: "user" });
  await settle();
  return col;
}

describe("fee fields where the venue surfaces them", () => {
  it("fee markets: /fee-rate base_fee, CLOB base fees, /clob-markets fd, Gamma feesEnabled/feeType/feeSchedule", async () => {
    const { sim } = await startSim({ fees: CRYPTO });
    const m = sim.venue.allMarkets()[0]!;
    const { clob, gamma } = sim.urls;
    const fee = (await rest(clob, "GET", `/fee-rate?token_id=${m.info.yes.tokenId}`)).body;
    expect(parse(WireFeeRateResponseSchema, fee)).toEqual({ base_fee: 1000 });
    const market = (await rest<Record<string, unknown>>(clob, "GET", `/markets/${m.info.conditionId}`)).body;
    parse(WireClobMarketSchema, market);
    expect(market).toMatchObject({ maker_base_fee: 1000, taker_base_fee: 1000 });
    const compact = (await rest<Record<string, unknown>>(clob, "GET", `/clob-markets/${m.info.conditionId}`)).body;
    parse(WireClobMarketInfoV2Schema, compact);
    expect(compact).toMatchObject({ mbf: 1000, tbf: 1000, fd: { r: 0.072, e: 1, to: true } });
    const gm = (await rest<Record<string, unknown>[]>(gamma, "GET", `/markets?condition_ids=${m.info.conditionId}`)).body[0]!;
    parse(WireGammaMarketSchema, gm);
    expect(gm).toMatchObject({ feesEnabled: true, feeType: "crypto_fees_v2", makerBaseFee: 1000, takerBaseFee: 1000 });
    // the schedule object parses back to the configured schedule (rate is a decimal, not bps)
    expect(parseFeeSchedule(gm.feeSchedule)).toEqual({ ok: true, value: CRYPTO });
  });

  it("fee-free markets (the default) keep reporting zero and no schedule", async () => {
    const { sim } = await startSim();
    const m = sim.venue.allMarkets()[0]!;
    expect((await rest(sim.urls.clob, "GET", `/fee-rate?token_id=${m.info.yes.tokenId}`)).body).toEqual({ base_fee: 0 });
    const compact = (await rest<Record<string, unknown>>(sim.urls.clob, "GET", `/clob-markets/${m.info.conditionId}`)).body;
    expect(compact).toMatchObject({ mbf: 0, tbf: 0, fd: { r: 0, e: 0, to: false } });
    const gm = (await rest<Record<string, unknown>[]>(sim.urls.gamma, "GET", `/markets?condition_ids=${m.info.conditionId}`)).body[0]!;
    expect(gm).toMatchObject({ feesEnabled: false, feeType: null, makerBaseFee: 0, takerBaseFee: 0 });
    expect(gm.feeSchedule).toBeUndefined();
  });

  it("rejects an invalid schedule before binding any port", async () => {
    await expect(startSim({ fees: { rateBps: 20_000, exponent: 1 } })).rejects.toThrow(RangeError);
  });
});

describe("taker fees over loopback", () => {
  it("a taker BUY settles size − fee shares (96.4 of 100 @ 0.50); the maker is untouched; trade messages carry fee_rate_bps", async () => {
    const { sim, clock } = await startSim({ fees: CRYPTO });
    const { clob, ws } = sim.urls;
    const maker = sim.credentials;
    const taker = addAccount(sim);
    const m = sim.venue.allMarkets()[0]!;
    const yes = m.info.yes.tokenId;
    sim.venue.fund({ apiKey: maker.apiKey, market: m.info.conditionId, shares: "100" }); // costs 100 USDC
    const takerFeed = await userChannel(ws, taker);
    const makerFeed = await userChannel(ws, maker);

    await rest(clob, "POST", "/order", { body: orderBody(maker, yes, "SELL", 0.5, 100), creds: maker });
    const r = await rest<Record<string, unknown>>(clob, "POST", "/order", {
      body: orderBody(taker, yes, "BUY", 0.5, 100, "FAK"),
      creds: taker,
    });
    expect(r.body).toMatchObject({ success: true, status: "matched", makingAmount: "50", takingAmount: "100" });

    await takerFeed.until(() => takerFeed.of("trade").length >= 1);
    await makerFeed.until(() => makerFeed.of("trade").length >= 1);
    const tt = takerFeed.of("trade")[0]!;
    expect(tt).toMatchObject({ trader_side: "TAKER", fee_rate_bps: "720", status: "MATCHED" });
    expect(tt.maker_orders).toEqual([expect.objectContaining({ owner: maker.apiKey, fee_rate_bps: "0" })]);
    expect(makerFeed.of("trade")[0]).toMatchObject({ trader_side: "MAKER", fee_rate_bps: "720" });

    // The executor's view: normalize OUR fills and price them with fillFee.
    const takerFills = userFillsFromTrade(decodeUserTrade(tt)!, { apiKey: taker.apiKey });
    expect(takerFills.ok).toBe(true);
    const tf = takerFills.ok ? takerFills.value[0]! : undefined;
    expect(tf).toMatchObject({ role: "TAKER", feeRateBps: 720, side: "BUY", size: size("100"), price: price("0.5") });
    const takerFee = fillFee(tf!);
    expect(takerFee).toEqual({ ok: true, value: { feeUsdc: usdc("1.8"), sharesWithheld: size("3.6"), usdcWithheld: 0 } });
    const makerFills = userFillsFromTrade(decodeUserTrade(makerFeed.of("trade")[0]!)!, { apiKey: maker.apiKey });
    const mf = makerFills.ok ? makerFills.value[0]! : undefined;
    expect(mf).toMatchObject({ role: "MAKER", feeRateBps: 0 });
    expect(fillFee(mf!)).toEqual({ ok: true, value: { feeUsdc: 0, sharesWithheld: 0, usdcWithheld: 0 } });

    // /data/trades carries the same rate
    const page = (await rest<{ data: Record<string, unknown>[] }>(clob, "GET", "/data/trades", { creds: taker })).body;
    parse(WireClobTradesPageSchema, page);
    expect(page.data[0]).toMatchObject({ fee_rate_bps: "720", trader_side: "TAKER" });

    // Not MINED yet: the wallet balance has not moved.
    expect(await balance(clob, taker, yes)).toBe(0);
    clock.advance(SETTLE_MS);
    await takerFeed.until(() => takerFeed.of("trade").some((t) => t.status === "CONFIRMED"));
    expect(await balance(clob, taker, yes)).toBe(size("100") - (takerFee.ok ? takerFee.value.sharesWithheld : 0));
    expect(await balance(clob, taker)).toBe(START - usdc("50"));
    expect(await balance(clob, maker, yes)).toBe(0);
    expect(await balance(clob, maker)).toBe(START - usdc("100") + usdc("50"));
    expect(sim.venue.engine.collectedFees(m.info.conditionId)).toEqual({ usdc: 0, yesShares: size("3.6"), noShares: 0 });
    expectUserValid(takerFeed);
    expectUserValid(makerFeed);
  });

  it("a taker SELL settles notional − fee USDC; the maker BUY gets every share", async () => {
    const { sim, clock } = await startSim({ fees: CRYPTO });
    const { clob } = sim.urls;
    const maker = sim.credentials;
    const taker = addAccount(sim);
    const m = sim.venue.allMarkets()[0]!;
    const yes = m.info.yes.tokenId;
    sim.venue.fund({ apiKey: taker.apiKey, market: m.info.conditionId, shares: "100" });
    await rest(clob, "POST", "/order", { body: orderBody(maker, yes, "BUY", 0.3, 100), creds: maker });
    const r = await rest<Record<string, unknown>>(clob, "POST", "/order", {
      body: orderBody(taker, yes, "SELL", 0.3, 100, "FAK"),
      creds: taker,
    });
    expect(r.body).toMatchObject({ status: "matched", makingAmount: "100", takingAmount: "30" });
    clock.advance(SETTLE_MS);
    const fee = takerFeeUsdc(size("100"), price("0.3"), 720); // 100 × 0.072 × 0.21 = 1.512
    expect(fee).toBe(usdc("1.512"));
    expect(await balance(clob, taker)).toBe(START - usdc("100") + usdc("30") - fee);
    expect(await balance(clob, taker, yes)).toBe(0);
    expect(await balance(clob, maker, yes)).toBe(size("100"));
    expect(await balance(clob, maker)).toBe(START - usdc("30"));
  });

  it("complement match: a BUY YES taker against a resting BUY NO is charged; the NO maker is not", async () => {
    const { sim, clock } = await startSim({ fees: CRYPTO });
    const { clob, ws } = sim.urls;
    const maker = sim.credentials;
    const taker = addAccount(sim);
    const m = sim.venue.allMarkets()[0]!;
    const feed = await userChannel(ws, taker);
    await rest(clob, "POST", "/order", { body: orderBody(maker, m.info.no.tokenId, "BUY", 0.45, 20), creds: maker });
    await rest(clob, "POST", "/order", { body: orderBody(taker, m.info.yes.tokenId, "BUY", 0.55, 20, "FAK"), creds: taker });
    await feed.until(() => feed.of("trade").length >= 1);
    const t = feed.of("trade")[0]!;
    expect(t).toMatchObject({ asset_id: m.info.yes.tokenId, price: "0.55", fee_rate_bps: "720", trader_side: "TAKER" });
    expect(t.maker_orders).toEqual([expect.objectContaining({ asset_id: m.info.no.tokenId, side: "BUY", fee_rate_bps: "0" })]);
    clock.advance(SETTLE_MS);
    const feeShares = takerFeeShares(size("20"), price("0.55"), 720);
    expect(feeShares).toBeGreaterThan(0);
    expect(await balance(clob, taker, m.info.yes.tokenId)).toBe(size("20") - feeShares);
    expect(await balance(clob, maker, m.info.no.tokenId)).toBe(size("20"));
    expect(await balance(clob, taker)).toBe(START - usdc("11"));
    expect(await balance(clob, maker)).toBe(START - usdc("9"));
  });

  it("a FAILED trade reverses the fee with the rest: balances as before, nothing collected", async () => {
    const { sim, clock } = await startSim({ fees: CRYPTO });
    const { clob, ws } = sim.urls;
    const maker = sim.credentials;
    const taker = addAccount(sim);
    const m = sim.venue.allMarkets()[0]!;
    const yes = m.info.yes.tokenId;
    sim.venue.fund({ apiKey: maker.apiKey, market: m.info.conditionId, shares: "50" });
    const feed = await userChannel(ws, taker);
    expect(sim.venue.applyFault({ type: "trade_fault", fault: "FAIL" }).ok).toBe(true);
    await rest(clob, "POST", "/order", { body: orderBody(maker, yes, "SELL", 0.5, 50), creds: maker });
    await rest(clob, "POST", "/order", { body: orderBody(taker, yes, "BUY", 0.5, 50, "FAK"), creds: taker });
    expect(sim.venue.engine.balance(taker.apiKey, yes).pendingIn).toBe(size("50") - takerFeeShares(size("50"), price("0.5"), 720));
    clock.advance(SETTLE_MS);
    await feed.until(() => feed.of("trade").some((t) => t.status === "FAILED"));
    expect(await balance(clob, taker, yes)).toBe(0);
    expect(await balance(clob, taker)).toBe(START);
    expect(await balance(clob, maker, yes)).toBe(size("50"));
    expect(sim.venue.engine.balance(taker.apiKey, yes)).toMatchObject({ pendingIn: 0, pendingOut: 0 });
    expect(sim.venue.engine.collectedFees(m.info.conditionId)).toEqual({ usdc: 0, yesShares: 0, noShares: 0 });
  });

  it("zero-fee markets are unchanged: the taker BUY settles every share and trades say fee_rate_bps 0", async () => {
    const { sim, clock } = await startSim();
    const { clob, ws } = sim.urls;
    const maker = sim.credentials;
    const taker = addAccount(sim);
    const m = sim.venue.allMarkets()[0]!;
    const yes = m.info.yes.tokenId;
    sim.venue.fund({ apiKey: maker.apiKey, market: m.info.conditionId, shares: "100" });
    const feed = await userChannel(ws, taker);
    await rest(clob, "POST", "/order", { body: orderBody(maker, yes, "SELL", 0.5, 100), creds: maker });
    await rest(clob, "POST", "/order", { body: orderBody(taker, yes, "BUY", 0.5, 100, "FAK"), creds: taker });
    await feed.until(() => feed.of("trade").length >= 1);
    expect(feed.of("trade")[0]).toMatchObject({ fee_rate_bps: "0" });
    clock.advance(SETTLE_MS);
    expect(await balance(clob, taker, yes)).toBe(size("100"));
    expect(await balance(clob, maker)).toBe(START - usdc("100") + usdc("50"));
  });
});

describe("fees in the simulated order flow", () => {
  it("markets rolled in by the flow keep the fee schedule, and flow takers pay it", async () => {
    const { sim, clock } = await startSim({
      fees: CRYPTO,
      markets: 1,
      windowMs: 60_000,
      flow: { intervalMs: 1_000 },
      reference: { intervalMs: 100 },
    });
    const first = sim.venue.allMarkets()[0]!;
    for (let i = 0; i < 75; i++) clock.advance(1_000);
    const all = sim.venue.allMarkets();
    expect(all.length).toBeGreaterThan(1);
    for (const m of all) {
      expect(m.fees).toEqual(CRYPTO);
      expect(sim.venue.engine.market(m.info.conditionId)?.fees).toEqual(CRYPTO);
    }
    const rolled = all.find((m) => m.info.conditionId !== first.info.conditionId)!;
    expect((await rest(sim.urls.clob, "GET", `/fee-rate?token_id=${rolled.info.yes.tokenId}`)).body).toEqual({ base_fee: 1000 });
    const fees = sim.venue.engine.collectedFees(first.info.conditionId);
    expect(fees.usdc + fees.yesShares + fees.noShares).toBeGreaterThan(0);
  });
});
