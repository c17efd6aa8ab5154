/**
 * Acceptance: the ExecutorActor against @mm/venue-sim over loopback, through the real gateway (L2
 * auth, EIP-712 signed orders, REST SYNC with balances) and the real user feed (authenticated user
 * channel). No mocks: a second funded simulator account is the counterparty, settlement runs on the
 * simulator's own (short) delays, faults are the simulator's.
 *
 * Phases share one rig and run in order:
 *  1. quoting: a YES-space intent becomes legal token-space orders resting at the venue;
 *  2. a fill: MATCHED (pending) → MINED (settled) → CONFIRMED; reduce-first re-quote (SELL YES);
 *  3. a FAILED trade: MATCHED → RETRYING → FAILED reverses the pending SELL, wallet unchanged;
 *  4. a user-feed disconnect with a fill the feed never delivered: cancel-all + STOP before the
 *     reconnect, RESYNC rebuilds the fill from REST, RUNNING again, quotes back;
 *  5. wind-down: every trade settled; the venue's balances (REST /balance-allowance) equal the
 *     executor's settled inventory, nothing pending, nothing reserved.
 * `audit()` (ledger self-check) must be empty after every user event and after every phase.
 */
import type { TradeStatus } from "@mm/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Observation, startRig, until, type VenueRig } from "./support/venue-rig.js";

const SH = 1_000_000; // micro-shares per share
const USDC = 1_000_000; // micro-USDC per USDC
const START_COLLATERAL = 100 * USDC;
const QTY = 10 * SH;
const BID = 4_500; // 0.45, price units (tick 0.01 = 100)
const ASK = 5_500; // 0.55
const MINED_MS = 300;
const CONFIRMED_MS = 300;
const RETRY_MS = 300;
const WAIT = 15_000; // generous: a loaded 2-core machine

let rig: VenueRig;

beforeAll(async () => {
  rig = await startRig({
    collateral: START_COLLATERAL,
    minedDelayMs: MINED_MS,
    confirmedDelayMs: CONFIRMED_MS,
    retryDelayMs: RETRY_MS,
  });
}, 30_000);

afterAll(async () => {
  await rig?.stop();
});

/** The executor and the venue agree, nothing in flight, with `n` resting orders. */
async function settledQuotes(n: number, what: string): Promise<void> {
  await until(
    () => rig.quiescent() && rig.venueOpenOrders().length === n,
    what,
    WAIT,
    () => ({
      mode: rig.executor.mode(),
      pending: rig.executor.snapshot().pendingActions,
      ours: rig.openOrders().map((o) => [o.side, o.tokenId === rig.yes ? "YES" : "NO", o.price, o.originalSize, o.state]),
      venue: rig.venueOpenOrders().map((o) => [o.side, o.outcome, o.price, o.originalSize]),
    }),
  );
}

/** Resting orders at the venue as [side, outcome, price, remaining], sorted. */
function venueBook(): string[] {
  return rig
    .venueOpenOrders()
    .map((o) => `${o.side} ${o.outcome} ${o.price} ${o.originalSize - o.sizeMatched}`)
    .sort();
}

function fillObservations(tradeId: string): Observation[] {
  return rig.observations.filter((o) => o.event.kind === "fill" && o.event.tradeId === tradeId);
}

const statuses = (obs: readonly Observation[]): TradeStatus[] => obs.map((o) => (o.event.kind === "fill" ? o.event.status : "MATCHED"));

function expectLawsHold(): void {
  expect(rig.executor.audit()).toEqual([]);
  for (const o of rig.observations) expect(o.audit, `audit after ${JSON.stringify(o.event)}`).toEqual([]);
}

function ourTradeStatus(tradeId: string): TradeStatus | undefined {
  return rig.sim.venue.engine.trade(tradeId as never)?.status;
}

describe("executor ⇄ gateway ⇄ venue-sim ⇄ user feed (loopback)", () => {
  it("1. quotes: YES-space intent → BUY YES at the bid and BUY NO at 1 − ask, resting at the venue", async () => {
    expect(await rig.restBalance("COLLATERAL")).toBe(START_COLLATERAL);
    rig.quote([[BID, QTY]], [[ASK, QTY]]);
    await settledQuotes(2, "two quotes resting");
    // No inventory: the YES ask is routed as a BUY NO at 1 − 0.55 = 0.45.
    expect(venueBook()).toEqual([`BUY NO ${10_000 - ASK} ${QTY}`, `BUY YES ${BID} ${QTY}`]);
    const snap = rig.executor.snapshot();
    expect(snap.collateral.reserved).toBe(((BID + (10_000 - ASK)) * QTY) / 10_000); // 4.5 + 4.5 USDC held
    expectLawsHold();
  });

  it("2. a counterparty fills our bid: pending at MATCHED, settled at MINED, then CONFIRMED; reduce-first re-quote", async () => {
    const r = rig.counterparty.take(rig.yes, "SELL", BID, QTY);
    expect(r.ok && r.tradeIds.length).toBe(1);
    const tradeId = r.ok ? r.tradeIds[0]! : "";
    await until(() => ourTradeStatus(tradeId) === "CONFIRMED", "the trade CONFIRMED at the venue", WAIT);
    await until(() => statuses(fillObservations(tradeId)).includes("CONFIRMED"), "our CONFIRMED fill", WAIT);

    const obs = fillObservations(tradeId);
    expect(statuses(obs)).toEqual(["MATCHED", "MINED", "CONFIRMED"]);
    const [matched, mined] = obs;
    // MATCHED: the shares are pending, not sellable (law E); the collateral is pending out.
    expect(matched!.yes).toEqual({ settled: 0, pending: QTY });
    expect(matched!.collateral.pending).toBe(-(BID * QTY) / 10_000);
    // MINED (the settlement threshold): in the wallet.
    expect(mined!.yes).toEqual({ settled: QTY, pending: 0 });
    expect(mined!.collateral.settled).toBe(START_COLLATERAL - (BID * QTY) / 10_000);
    expect(await rig.restBalance(rig.yes)).toBe(QTY);

    // Settled YES now backs the ask: SELL YES at 0.55 replaces the BUY NO; the bid is re-placed.
    await until(() => venueBook().includes(`SELL YES ${ASK} ${QTY}`), "the SELL YES ask", WAIT, venueBook);
    await settledQuotes(2, "bid + reduce-first ask resting");
    expect(venueBook()).toEqual([`BUY YES ${BID} ${QTY}`, `SELL YES ${ASK} ${QTY}`]);
    expectLawsHold();
  });

  it("3. a FAILED trade: the matched SELL is pending, then reversed; the wallet is unchanged", async () => {
    const collateralBefore = await rig.restBalance("COLLATERAL");
    expect(rig.sim.venue.applyFault({ type: "trade_fault", fault: "FAIL", count: 1 }).ok).toBe(true);
    const r = rig.counterparty.take(rig.yes, "BUY", ASK, QTY);
    expect(r.ok && r.tradeIds.length).toBe(1);
    const tradeId = r.ok ? r.tradeIds[0]! : "";
    await until(
      () => statuses(fillObservations(tradeId)).includes("FAILED"),
      "our FAILED fill",
      WAIT,
      () => statuses(fillObservations(tradeId)),
    );
    expect(ourTradeStatus(tradeId)).toBe("FAILED");

    const obs = fillObservations(tradeId);
    expect(statuses(obs)).toEqual(["MATCHED", "RETRYING", "FAILED"]);
    // MATCHED: the SELL is an unsettled outflow; the settled shares stay in the wallet until MINED.
    expect(obs[0]!.yes).toEqual({ settled: QTY, pending: -QTY });
    expect(obs[1]!.yes).toEqual({ settled: QTY, pending: -QTY });
    // FAILED: reversed, whatever the order of arrival.
    const failed = obs[2]!;
    expect(failed.yes).toEqual({ settled: QTY, pending: 0 });
    expect(failed.collateral.pending).toBe(0);
    expect(await rig.restBalance(rig.yes)).toBe(QTY);
    expect(await rig.restBalance("COLLATERAL")).toBe(collateralBefore);

    // The shares are sellable again: the ask comes back as a SELL YES.
    await settledQuotes(2, "quotes restored after the FAILED trade");
    expect(venueBook()).toEqual([`BUY YES ${BID} ${QTY}`, `SELL YES ${ASK} ${QTY}`]);
    expectLawsHold();
  });

  /** Facts of phase 4, checked again by the known-bug test below. */
  let outage: { placesWhileFeedDown: string[]; modeAfterSafety: string; openAtVenueAfterSafety: number } | undefined;

  it("4. user-feed disconnect with an undelivered fill: cancel-all + STOP ⇒ reconnect ⇒ RESYNC from REST ⇒ RUNNING", async () => {
    const modesBefore = rig.modes().length;
    const lastSeq = rig.journal.entries.at(-1)!.seq;
    const venue = rig.sim.venue;

    // The fill's MATCHED frame is dropped (frozen channel), then the user sockets are closed (and the
    // next three upgrades refused, so the outage lasts a few backoff steps): the executor can only learn
    // about this trade from the REST trades of the RESYNC.
    venue.applyFault({ type: "freeze", channel: "user" });
    const r = rig.counterparty.take(rig.yes, "SELL", BID, QTY);
    expect(r.ok && r.tradeIds.length).toBe(1);
    const tradeId = r.ok ? r.tradeIds[0]! : "";
    expect(venue.applyFault({ type: "reject_upgrades", count: 3 }).ok).toBe(true);
    expect(venue.applyFault({ type: "close", channel: "user" }).ok).toBe(true);
    venue.applyFault({ type: "freeze", channel: "user", frozen: false });

    await until(() => rig.safety.length === 1, "the safety callback", WAIT);
    await until(
      () => rig.userFeed.stats.resyncEvents === 1 && rig.observations.some((o) => o.event.kind === "resync_needed"),
      "the reconnect",
      WAIT,
    );
    await until(
      () =>
        rig
          .modes()
          .slice(modesBefore)
          .some((m) => m.to === "RESYNC") &&
        rig.quiescent() &&
        rig.venueOpenOrders().length === 2,
      "RUNNING again with quotes back",
      WAIT,
      () => rig.modes().slice(modesBefore),
    );

    const after = rig.journal.entries.filter((e) => e.seq > lastSeq);
    const stop = after.find((e) => e.type === "mode" && e.to === "STOP");
    const resyncEvent = after.find((e) => e.type === "user" && e.event.kind === "resync_needed");
    expect(stop, "STOP journaled").toBeDefined();
    expect(stop!.type === "mode" && stop!.reason).toMatch(/user feed/);
    expect(resyncEvent, "resync_needed journaled").toBeDefined();
    // The cancel-all was sent at the STOP (before the reconnect).
    const cancelAll = after.find((e) => e.type === "action" && e.action.kind === "CANCEL_ALL");
    expect(cancelAll!.seq).toBeLessThan(resyncEvent!.seq);
    // After the reconnect's resync_needed: RESYNC (a SYNC from REST), then RUNNING.
    const afterReconnect = after.filter((e) => e.seq > resyncEvent!.seq);
    const iResync = afterReconnect.findIndex((e) => e.type === "mode" && e.to === "RESYNC");
    const iSync = afterReconnect.findIndex((e) => e.type === "action" && e.action.kind === "SYNC");
    const iRunning = afterReconnect.findIndex((e, i) => i > iResync && e.type === "mode" && e.to === "RUNNING");
    const path = rig
      .modes()
      .slice(modesBefore)
      .map((m) => `${m.to} (${m.reason})`)
      .join(" → ");
    expect(iResync, path).toBeGreaterThanOrEqual(0);
    expect(iSync, path).toBeGreaterThanOrEqual(0);
    expect(iRunning, path).toBeGreaterThan(Math.max(iResync, iSync));
    // No PLACE between the reconnect's RESYNC and its RUNNING.
    expect(afterReconnect.slice(iResync, iRunning).filter((e) => e.type === "action" && e.action.kind === "PLACE")).toEqual([]);

    outage = {
      placesWhileFeedDown: after
        .filter((e) => e.seq > stop!.seq && e.seq < resyncEvent!.seq && e.type === "action" && e.action.kind === "PLACE")
        .map((e) => JSON.stringify(e)),
      modeAfterSafety: rig.safety[0]!.modeAfter,
      openAtVenueAfterSafety: rig.safety[0]!.openAtVenueAfter,
    };

    // The undelivered fill was rebuilt from REST: once MINED at the venue, 20 YES in the executor's books.
    await until(() => ourTradeStatus(tradeId) === "CONFIRMED", "the hidden trade CONFIRMED at the venue", WAIT);
    await until(
      () => rig.executor.inventoryOf(rig.yes).settled === 2 * QTY,
      "the hidden fill settled in the executor",
      WAIT,
      () => rig.executor.inventoryOf(rig.yes),
    );
    await settledQuotes(2, "quotes after the resync");
    expect(venueBook()).toEqual([`BUY YES ${BID} ${QTY}`, `SELL YES ${ASK} ${QTY}`]);
    expectLawsHold();
  });

  // KNOWN BUG (src/actor.ts, `resumeOnResync`): a STOP from a user-feed disconnect is lifted by ANY
  // SYNC submitted after the STOP — here the one the executor itself requests when the cancel-all
  // ACK does not list an order that was filled unseen ("cancel-all left orders unaccounted"). That
  // SYNC must not lift the STOP: only the RESYNC after the reconnect's `resync_needed` may resume.
  it("4b. no PLACE while the user feed is down (STOP holds until the reconnect's RESYNC)", () => {
    expect(outage, "phase 4 ran").toBeDefined();
    expect(outage!.modeAfterSafety).toBe("STOP");
    expect(outage!.placesWhileFeedDown).toEqual([]);
    expect(outage!.openAtVenueAfterSafety).toBe(0);
  });

  it("5. wind-down: every trade settled; the venue's balances equal the executor's settled inventory", async () => {
    rig.quote([], []); // pull every quote
    await settledQuotes(0, "every quote pulled");
    await until(
      () => rig.sim.venue.engine.trades(rig.apiKey).every((t) => t.status === "CONFIRMED" || t.status === "FAILED"),
      "every trade terminal at the venue",
      WAIT,
    );
    const ours = rig.sim.venue.engine.trades(rig.apiKey);
    expect(ours.map((t) => t.status).sort()).toEqual(["CONFIRMED", "CONFIRMED", "FAILED"]);
    await until(
      () => {
        const s = rig.executor.snapshot();
        return (
          s.collateral.pending === 0 && rig.executor.inventoryOf(rig.yes).pending === 0 && rig.executor.inventoryOf(rig.no).pending === 0
        );
      },
      "nothing pending in the executor",
      WAIT,
      () => rig.executor.snapshot(),
    );

    const snap = rig.executor.snapshot();
    const [collateral, yes, no] = await Promise.all([rig.restBalance("COLLATERAL"), rig.restBalance(rig.yes), rig.restBalance(rig.no)]);
    expect({
      collateral: snap.collateral.settled,
      yes: rig.executor.inventoryOf(rig.yes).settled,
      no: rig.executor.inventoryOf(rig.no).settled,
    }).toEqual({
      collateral,
      yes,
      no,
    });
    // Worked numbers: two BUY YES 10 @ 0.45 settled (fee rate 0 in the simulator), one SELL FAILED.
    expect({ collateral, yes, no }).toEqual({ collateral: START_COLLATERAL - 2 * ((BID * QTY) / 10_000), yes: 2 * QTY, no: 0 });
    expect(snap.collateral.reserved).toBe(0);
    expect(snap.reservations).toEqual([]);
    expect(snap.mode).toBe("RUNNING");
    expectLawsHold();
  });
});
