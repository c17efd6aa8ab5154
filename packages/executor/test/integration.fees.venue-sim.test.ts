/**
 * Taker fees end to end, over loopback: @mm/venue-sim charging the crypto-style schedule (720 bps,
 * exponent 1), the real gateway and user feed, and the executor with post-only off. When we take
 * liquidity the venue withholds the fee — shares from our BUY, USDC from our SELL — and the
 * executor's settled inventory must equal the venue's balances to the micro-unit, or law E would
 * size SELLs from shares the wallet never received.
 */
import { marketInfoFromGamma } from "@mm/protocol";
import { type Price, type Size, takerFee } from "@mm/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRig, until, type VenueRig } from "./support/venue-rig.js";

const SH = 1_000_000;
const USDC = 1_000_000;
const START = 100 * USDC;
const WAIT = 15_000;
const FEES = { rateBps: 720, exponent: 1 };

let rig: VenueRig;

beforeAll(async () => {
  rig = await startRig({
    collateral: START,
    minedDelayMs: 200,
    confirmedDelayMs: 200,
    retryDelayMs: 200,
    fees: FEES,
    executor: { postOnly: false },
  });
}, 30_000);

afterAll(async () => {
  await rig?.stop();
});

const settled = () => ({
  collateral: rig.executor.snapshot().collateral.settled,
  yes: rig.executor.inventoryOf(rig.yes).settled,
});
const nothingPending = () =>
  rig.executor.snapshot().collateral.pending === 0 && rig.executor.inventoryOf(rig.yes).pending === 0 && rig.quiescent();
const ourTrades = () => rig.sim.venue.engine.trades(rig.apiKey);
const allConfirmed = () => ourTrades().length > 0 && ourTrades().every((t) => t.status === "CONFIRMED");

describe("executor ⇄ venue-sim with taker fees (loopback)", () => {
  it("the venue publishes the schedule the executor would get from Gamma", async () => {
    const res = await fetch(`${rig.sim.urls.gamma}/markets?condition_ids=${rig.market.conditionId}`);
    const list = (await res.json()) as unknown[];
    const info = marketInfoFromGamma(list.find((m) => (m as { conditionId?: string }).conditionId === rig.market.conditionId));
    expect(info.ok && info.value.feeSchedule).toEqual(FEES);
  });

  it("our marketable BUY takes a resting SELL: the wallet gets size − fee shares, and so does the executor", async () => {
    expect(rig.counterparty.rest(rig.yes, "SELL", 5_000, 10 * SH).ok).toBe(true);
    rig.quote([[5_000, 10 * SH]], []); // bid at the resting ask: we are the taker (then our re-quote rests)
    await until(allConfirmed, "our taker BUY confirmed", WAIT, () => ourTrades().map((t) => t.status));
    expect(ourTrades()).toHaveLength(1);
    await until(nothingPending, "the executor settled it", WAIT, () => rig.executor.snapshot());
    const fee = takerFee("BUY", (10 * SH) as Size, 5_000 as Price, FEES.rateBps, FEES.exponent);
    expect(fee.sharesWithheld).toBe(0.36 * SH); // 10 × 0.072 × 0.5 × 0.5 = 0.18 USDC ⇒ 0.36 shares
    const [collateral, yes] = await Promise.all([rig.restBalance("COLLATERAL"), rig.restBalance(rig.yes)]);
    expect({ collateral, yes }).toEqual({ collateral: START - 5 * USDC, yes: 10 * SH - fee.sharesWithheld });
    expect(settled()).toEqual({ collateral, yes });
    expect(rig.executor.stats()).toMatchObject({ takerFeeShares: fee.sharesWithheld, takerFeesUsdc: fee.feeUsdc });
    expect(rig.executor.audit()).toEqual([]);
  });

  it("our marketable SELL of what we hold: sized from the net shares, paid net of the fee in USDC", async () => {
    rig.quote([], []);
    await until(() => rig.quiescent() && rig.venueOpenOrders().length === 0, "quotes pulled", WAIT);
    const held = rig.executor.inventoryOf(rig.yes).settled;
    // Exactly what we hold: once we sold it, our standing ask re-routes to a BUY NO that rests.
    expect(rig.counterparty.rest(rig.yes, "BUY", 6_000, held).ok).toBe(true);
    const before = await rig.restBalance("COLLATERAL");
    rig.quote([], [[6_000, held]]); // ask at the resting bid for what we hold: a SELL YES, no BUY NO leg
    await until(
      () => ourTrades().length === 2 && allConfirmed(),
      "our taker SELL confirmed",
      WAIT,
      () => ourTrades().map((t) => t.status),
    );
    rig.quote([], []);
    await until(nothingPending, "the executor settled it", WAIT, () => rig.executor.snapshot());
    const sold = ourTrades().find((t) => t.taker.owner === rig.apiKey && t.taker.side === "SELL");
    expect(sold?.taker.size).toBe(held); // we were the taker, for exactly what the wallet held
    const fee = takerFee("SELL", held as Size, 6_000 as Price, FEES.rateBps, FEES.exponent);
    const [collateral, yes] = await Promise.all([rig.restBalance("COLLATERAL"), rig.restBalance(rig.yes)]);
    expect(yes).toBe(0); // every share the wallet had, no more (a SELL of 10 would have been rejected)
    expect(collateral).toBe(before + (held * 6_000) / 10_000 - fee.usdcWithheld);
    expect(settled()).toEqual({ collateral, yes });
    expect(rig.executor.stats().rejectsByReason.balance ?? 0).toBe(0);
    expect(rig.executor.audit()).toEqual([]);
  });
});
