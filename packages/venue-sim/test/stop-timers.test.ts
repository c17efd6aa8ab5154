/**
 * On a shared clock the simulator must not leave timers behind when stopped: settlement steps
 * (MATCHED → MINED → CONFIRMED), GTD expiries and heartbeat lapses are cancelled by `stop()`.
 */
import { ManualClock, price, size, usdc } from "@mm/types";
import { describe, expect, it } from "vitest";
import { startVenueSim } from "../src/index.js";
import { harness, ofKind, place, placed } from "./engine-fixtures.js";

describe("no engine timer outlives the venue", () => {
  it("VenueEngine.dispose() cancels pending settlement, GTD expiry and heartbeat timers; none fire or are set afterwards", () => {
    const h = harness();
    const yes = h.info.yes.tokenId;
    h.engine.deposit("maker", usdc("100"));
    h.engine.split("maker", h.info.conditionId, size("20"));
    h.engine.deposit("taker", usdc("100"));
    placed(place(h, "maker", yes, "SELL", "0.55", "10"));
    placed(place(h, "taker", yes, "BUY", "0.55", "10")); // a MATCHED trade: its MINED step is scheduled
    const nowSec = Math.floor(h.clock.now() / 1000);
    placed(place(h, "maker", yes, "SELL", "0.70", "5", "GTD", { expiration: nowSec + 3_600 }));
    expect(h.engine.heartbeat("maker", null).ok).toBe(true);
    expect(h.engine.pendingTimers).toBe(3);
    expect(h.clock.pendingTimers).toBe(3);

    h.engine.dispose();
    expect(h.engine.pendingTimers).toBe(0);
    expect(h.clock.pendingTimers).toBe(0);

    const before = h.events.length;
    h.clock.advance(24 * 3_600_000);
    expect(h.events.length).toBe(before); // no MINED, no expiry CANCELLATION, no heartbeat lapse
    expect(ofKind(h.events, "trade").map((e) => e.trade.status)).toEqual(["MATCHED"]);
    // A later fill schedules nothing, and dispose() is idempotent.
    placed(place(h, "maker", yes, "SELL", "0.60", "5"));
    placed(place(h, "taker", yes, "BUY", "0.60", "5"));
    h.engine.dispose();
    expect(h.clock.pendingTimers).toBe(0);
  });

  it("startVenueSim(...).stop() on a shared ManualClock leaves no pending timer (settlement in flight)", async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const sim = await startVenueSim({ clock, seed: 3, markets: 1, flow: false });
    try {
      const engine = sim.venue.engine;
      const m = engine.markets()[0]?.info;
      if (m === undefined) throw new Error("no market");
      engine.deposit("maker", usdc("100"));
      engine.split("maker", m.conditionId, size("20"));
      engine.deposit("taker", usdc("100"));
      const sell = engine.placeOrder({
        owner: "maker",
        tokenId: m.yes.tokenId,
        side: "SELL",
        price: price("0.55"),
        size: size("10"),
        orderType: "GTC",
      });
      const buy = engine.placeOrder({
        owner: "taker",
        tokenId: m.yes.tokenId,
        side: "BUY",
        price: price("0.55"),
        size: size("10"),
        orderType: "GTC",
      });
      expect(sell.ok && buy.ok).toBe(true);
      expect(engine.pendingTimers).toBeGreaterThan(0); // the trade's MINED step
    } finally {
      await sim.stop();
    }
    expect(sim.venue.engine.pendingTimers).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });
});
