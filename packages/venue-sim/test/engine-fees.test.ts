/**
 * Taker fees in the engine: withheld from what the taker receives (shares on a BUY, collateral on a
 * SELL), per match leg at that leg's price, complement matches included; makers never pay; pending
 * and settled balances stay consistent; FAILED credits nothing; fee-free markets are unchanged.
 */
import {
  type FeeSchedule,
  NO_FEES,
  NO_TAKER_FEE,
  price,
  size,
  takerFeeOfLegs,
  takerFeeShares,
  takerFeeUsdc,
  type Usdc,
  usdc,
} from "@mm/types";
import { describe, expect, it } from "vitest";
import { VenueEngine } from "../src/engine/index.js";
import { type Harness, marketInfo, ofKind, place, placed } from "./engine-fixtures.js";
import { ManualClock } from "@mm/types";

const CRYPTO: FeeSchedule = { rateBps: 720, exponent: 1 };
const SETTLE_MS = 10_000;

function feeHarness(fees: FeeSchedule = CRYPTO, config: ConstructorParameters<typeof VenueEngine>[0]["config"] = {}): Harness {
  const clock = new ManualClock(1_700_000_000_000);
  const engine = new VenueEngine({ clock, config: { seed: 42, ...config } });
  const info = marketInfo(1);
  engine.addMarket(info, fees);
  const events = engine.recordEvents();
  for (const o of ["maker", "taker", "maker2"]) {
    engine.deposit(o, usdc("1000"));
    engine.split(o, info.conditionId, size("200"));
  }
  return { clock, engine, info, events };
}

const bal = (h: Harness, owner: string, asset: "COLLATERAL" | "YES" | "NO") =>
  h.engine.balance(owner, asset === "COLLATERAL" ? "COLLATERAL" : asset === "YES" ? h.info.yes.tokenId : h.info.no.tokenId);

// Every account starts with 1000 − 200 = 800 USDC and 200 YES + 200 NO.
const START_USDC = usdc("800");
const START_SHARES = size("200");

describe("taker fees: who pays what", () => {
  it("a taker BUY receives size − fee shares (100 @ 0.50, 720 bps ⇒ 96.4), pays the full notional; the maker is untouched", () => {
    const h = feeHarness();
    placed(place(h, "maker", h.info.yes.tokenId, "SELL", "0.5", "100"));
    const r = place(h, "taker", h.info.yes.tokenId, "BUY", "0.5", "100", "FAK");
    expect(r.ok && r.takingAmount).toBe(size("100")); // gross matched size, as the order response reports
    // pending: the taker expects 96.4 shares, not 100
    expect(bal(h, "taker", "YES").pendingIn).toBe(size("96.4"));
    expect(bal(h, "taker", "COLLATERAL").pendingOut).toBe(usdc("50"));
    expect(bal(h, "maker", "COLLATERAL").pendingIn).toBe(usdc("50"));
    h.clock.advance(SETTLE_MS);
    expect(bal(h, "taker", "YES").balance).toBe(START_SHARES + size("96.4"));
    expect(bal(h, "taker", "COLLATERAL").balance).toBe(START_USDC - usdc("50"));
    expect(bal(h, "maker", "YES").balance).toBe(START_SHARES - size("100"));
    expect(bal(h, "maker", "COLLATERAL").balance).toBe(START_USDC + usdc("50"));
    expect(h.engine.collectedFees(h.info.conditionId)).toEqual({ usdc: 0, yesShares: size("3.6"), noShares: 0 });
    for (const o of ["taker", "maker"])
      for (const a of ["COLLATERAL", "YES", "NO"] as const) expect(bal(h, o, a)).toMatchObject({ pendingIn: 0, pendingOut: 0 });
  });

  it("a taker SELL receives notional − fee USDC (100 @ 0.50 ⇒ 48.2); the maker BUY receives every share", () => {
    const h = feeHarness();
    placed(place(h, "maker", h.info.yes.tokenId, "BUY", "0.5", "100"));
    placed(place(h, "taker", h.info.yes.tokenId, "SELL", "0.5", "100", "FAK"));
    expect(bal(h, "taker", "COLLATERAL").pendingIn).toBe(usdc("48.2"));
    h.clock.advance(SETTLE_MS);
    expect(bal(h, "taker", "COLLATERAL").balance).toBe(START_USDC + usdc("48.2"));
    expect(bal(h, "taker", "YES").balance).toBe(START_SHARES - size("100"));
    expect(bal(h, "maker", "YES").balance).toBe(START_SHARES + size("100"));
    expect(bal(h, "maker", "COLLATERAL").balance).toBe(START_USDC - usdc("50"));
    expect(h.engine.collectedFees(h.info.conditionId)).toEqual({ usdc: usdc("1.8"), yesShares: 0, noShares: 0 });
  });

  it("complement MINT: a BUY YES taker against a resting BUY NO pays the fee in YES shares; the NO maker pays nothing", () => {
    const h = feeHarness();
    // BUY NO 100 @ 0.40 rests = YES ask at 0.60
    placed(place(h, "maker", h.info.no.tokenId, "BUY", "0.4", "100"));
    placed(place(h, "taker", h.info.yes.tokenId, "BUY", "0.6", "100", "FAK"));
    const fee = takerFeeShares(size("100"), price("0.6"), 720); // 100 × 0.072 × 0.24 = 1.728 USDC ÷ 0.6 = 2.88 shares
    expect(fee).toBe(size("2.88"));
    h.clock.advance(SETTLE_MS);
    expect(bal(h, "taker", "YES").balance).toBe(START_SHARES + size("100") - fee);
    expect(bal(h, "taker", "COLLATERAL").balance).toBe(START_USDC - usdc("60"));
    expect(bal(h, "maker", "NO").balance).toBe(START_SHARES + size("100"));
    expect(bal(h, "maker", "COLLATERAL").balance).toBe(START_USDC - usdc("40"));
    const trade = ofKind(h.events, "trade")[0]!.trade;
    expect(trade.makers[0]).toMatchObject({ matchType: "MINT", feeRateBps: 0, fee: NO_TAKER_FEE });
    expect(trade.taker).toMatchObject({ feeRateBps: 720, fee: { feeUsdc: usdc("1.728"), sharesWithheld: fee, usdcWithheld: 0 } });
  });

  it("complement MERGE: a SELL YES taker against a resting SELL NO pays the fee in USDC; the maker gets its full price", () => {
    const h = feeHarness();
    // SELL NO 100 @ 0.40 rests = YES bid at 0.60
    placed(place(h, "maker", h.info.no.tokenId, "SELL", "0.4", "100"));
    placed(place(h, "taker", h.info.yes.tokenId, "SELL", "0.6", "100", "FAK"));
    h.clock.advance(SETTLE_MS);
    // 60 − 100 × 0.072 × 0.6 × 0.4 = 60 − 1.728
    expect(bal(h, "taker", "COLLATERAL").balance).toBe(START_USDC + usdc("58.272"));
    expect(bal(h, "maker", "COLLATERAL").balance).toBe(START_USDC + usdc("40"));
    expect(ofKind(h.events, "trade")[0]!.trade.makers[0]).toMatchObject({ matchType: "MERGE", fee: NO_TAKER_FEE });
  });

  it("charges each leg at its own price, floored per leg, and sums the legs on the taker", () => {
    const h = feeHarness();
    placed(place(h, "maker", h.info.yes.tokenId, "SELL", "0.5", "10"));
    placed(place(h, "maker2", h.info.yes.tokenId, "SELL", "0.53", "7"));
    placed(place(h, "taker", h.info.yes.tokenId, "BUY", "0.6", "17", "FAK"));
    const legs = [
      [size("10"), price("0.5")],
      [size("7"), price("0.53")],
    ] as const;
    const feeUsdc = legs.reduce((s, [sz, p]) => s + takerFeeUsdc(sz, p, 720), 0);
    const feeShares = legs.reduce((s, [sz, p]) => s + takerFeeShares(sz, p, 720), 0);
    const t = ofKind(h.events, "trade")[0]!.trade;
    expect(t.taker.fee).toEqual({ feeUsdc, sharesWithheld: feeShares, usdcWithheld: 0 });
    // the shared helper over the wire legs (maker price = taker price on same-token legs) agrees
    expect(
      takerFeeOfLegs(
        "BUY",
        t.makers.map((l) => ({ size: l.size, price: l.price })),
        720,
      ),
    ).toEqual(t.taker.fee);
    h.clock.advance(SETTLE_MS);
    expect(bal(h, "taker", "YES").balance).toBe(START_SHARES + size("17") - feeShares);
    expect(bal(h, "taker", "COLLATERAL").balance).toBe(START_USDC - usdc("5") - usdc("3.71"));
  });

  it("an order that took liquidity and then rested is a maker for later fills: no fee on those", () => {
    const h = feeHarness();
    placed(place(h, "maker", h.info.yes.tokenId, "SELL", "0.5", "10"));
    // BUY 30 @ 0.5: takes 10 (fee), rests 20
    placed(place(h, "taker", h.info.yes.tokenId, "BUY", "0.5", "30"));
    // maker2 SELLs into the resting remainder: maker2 is the taker now
    placed(place(h, "maker2", h.info.yes.tokenId, "SELL", "0.5", "20", "FAK"));
    h.clock.advance(SETTLE_MS);
    const first = takerFeeShares(size("10"), price("0.5"), 720);
    expect(bal(h, "taker", "YES").balance).toBe(START_SHARES + size("30") - first);
    expect(bal(h, "maker2", "COLLATERAL").balance).toBe(START_USDC + usdc("10") - takerFeeUsdc(size("20"), price("0.5"), 720));
  });

  it("reports the applied rate: taker legs the schedule's rate, maker legs 0, last_trade the taker's", () => {
    const h = feeHarness({ rateBps: 300, exponent: 1 });
    placed(place(h, "maker", h.info.yes.tokenId, "SELL", "0.5", "10"));
    placed(place(h, "taker", h.info.yes.tokenId, "BUY", "0.5", "10", "FAK"));
    const t = ofKind(h.events, "trade")[0]!.trade;
    expect(t.taker.feeRateBps).toBe(300);
    expect(t.makers.map((m) => m.feeRateBps)).toEqual([0]);
    expect(ofKind(h.events, "last_trade")[0]!.feeRateBps).toBe(300);
    expect(h.engine.market(h.info.conditionId)?.fees).toEqual({ rateBps: 300, exponent: 1 });
  });
});

describe("taker fees: settlement consistency", () => {
  it("a FAILED trade reverses the fee too: every balance and the fee collector back where they were", () => {
    const h = feeHarness();
    placed(place(h, "maker", h.info.yes.tokenId, "SELL", "0.5", "100"));
    h.engine.injectNextTradeFaults("FAIL");
    placed(place(h, "taker", h.info.yes.tokenId, "BUY", "0.5", "100", "FAK"));
    expect(bal(h, "taker", "YES").pendingIn).toBe(size("96.4"));
    h.clock.advance(SETTLE_MS);
    expect(ofKind(h.events, "trade").at(-1)!.trade.status).toBe("FAILED");
    for (const o of ["taker", "maker"]) {
      expect(bal(h, o, "COLLATERAL")).toMatchObject({ balance: START_USDC, pendingIn: 0, pendingOut: 0, reservedOpen: 0 });
      expect(bal(h, o, "YES")).toMatchObject({ balance: START_SHARES, pendingIn: 0, pendingOut: 0, reservedOpen: 0 });
    }
    expect(h.engine.collectedFees(h.info.conditionId)).toEqual({ usdc: 0, yesShares: 0, noShares: 0 });
  });

  it("a SELL taker's fee also reverses on FAILED (V1 accounting, reserveUnsettled = false)", () => {
    const h = feeHarness(CRYPTO, { reserveUnsettled: false });
    placed(place(h, "maker", h.info.yes.tokenId, "BUY", "0.5", "100"));
    h.engine.injectNextTradeFaults("FAIL_NOW");
    placed(place(h, "taker", h.info.yes.tokenId, "SELL", "0.5", "100", "FAK"));
    expect(bal(h, "taker", "COLLATERAL").pendingIn).toBe(usdc("48.2"));
    h.clock.advance(SETTLE_MS);
    expect(bal(h, "taker", "COLLATERAL")).toMatchObject({ balance: START_USDC, pendingIn: 0 });
    expect(bal(h, "taker", "YES")).toMatchObject({ balance: START_SHARES, pendingOut: 0 });
    expect(h.engine.collectedFees(h.info.conditionId).usdc).toBe(0);
  });

  it("resolution redeems the fee collector's winning shares; holders are paid for exactly what they hold", () => {
    const h = feeHarness();
    placed(place(h, "maker", h.info.yes.tokenId, "SELL", "0.5", "100"));
    placed(place(h, "taker", h.info.yes.tokenId, "BUY", "0.5", "100", "FAK"));
    h.clock.advance(SETTLE_MS);
    h.engine.resolveMarket(h.info.conditionId, "YES");
    const resolved = ofKind(h.events, "market_resolved")[0]!;
    expect(resolved.payouts.find((p) => p.owner === "taker")?.shares).toBe(START_SHARES + size("96.4"));
    expect(h.engine.collectedFees(h.info.conditionId)).toEqual({ usdc: usdc("3.6"), yesShares: 0, noShares: 0 });
    const wallets = ["maker", "taker", "maker2"].reduce((s, o) => s + bal(h, o, "COLLATERAL").balance, 0);
    expect(wallets + usdc("3.6")).toBe(usdc("3000"));
  });

  it("a fee-free market (the default) charges nothing and reports the base fee as before", () => {
    for (const fees of [undefined, NO_FEES]) {
      const clock = new ManualClock(1_700_000_000_000);
      const engine = new VenueEngine({ clock, config: { seed: 1 } });
      const info = { ...marketInfo(1), feeRateBps: 0 };
      if (fees === undefined) engine.addMarket(info);
      else engine.addMarket(info, fees);
      const events = engine.recordEvents();
      engine.deposit("a", usdc("100"));
      engine.deposit("b", usdc("100"));
      engine.placeOrder({ owner: "a", tokenId: info.yes.tokenId, side: "BUY", price: price("0.5"), size: size("100"), orderType: "GTC" });
      engine.split("b", info.conditionId, size("100"));
      engine.placeOrder({ owner: "b", tokenId: info.yes.tokenId, side: "SELL", price: price("0.5"), size: size("100"), orderType: "FAK" });
      clock.advance(SETTLE_MS);
      expect(engine.balance("a", info.yes.tokenId).balance).toBe(size("100"));
      expect(engine.balance("b", "COLLATERAL").balance).toBe(usdc("50"));
      const t = ofKind(events, "trade")[0]!.trade;
      expect(t.taker).toMatchObject({ feeRateBps: 0, fee: NO_TAKER_FEE });
      expect(engine.collectedFees(info.conditionId)).toEqual({ usdc: 0 as Usdc, yesShares: 0, noShares: 0 });
    }
  });

  it("rejects an invalid fee schedule when the market is added", () => {
    const engine = new VenueEngine({ clock: new ManualClock(0) });
    expect(() => engine.addMarket(marketInfo(1), { rateBps: -5, exponent: 1 })).toThrow(RangeError);
    expect(() => engine.addMarket(marketInfo(2), { rateBps: 720, exponent: 0 })).toThrow(RangeError);
    expect(() => engine.addMarket(marketInfo(3), { rateBps: 72.5, exponent: 1 })).toThrow(RangeError);
    expect(engine.markets()).toHaveLength(0);
  });
});
