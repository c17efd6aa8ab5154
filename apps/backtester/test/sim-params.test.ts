/**
 * "The same parameters": the venue-sim → venue-model mapping, the session's request trace from a
 * journal, and the serial gateway model that uses it.
 */
import type { JournalEntry } from "@mm/executor";
import { DEFAULT_ENGINE_CONFIG } from "@mm/venue-sim";
import type { GatewayAction, GatewayResult, OrderRequest, Size, TokenId } from "@mm/types";
import { ManualClock } from "@mm/types";
import { describe, expect, it } from "vitest";
import {
  fitLatency,
  LatencySampler,
  latencyFromJournal,
  parityConfigFromSession,
  parseRunConfig,
  parseVenueSimSettings,
  serviceTraceFromJournal,
  SimGateway,
  SimVenue,
  traceAt,
  venueModelFromVenueSim,
  ZERO_LATENCY,
} from "../src/index.js";

import { MARKET, SH, T0 } from "./support/tapes.js";

describe("venueModelFromVenueSim", () => {
  it("maps settlement delays, FAILED probability and the taker fee schedule; defaults are venue-sim's (fee-free)", () => {
    const d = venueModelFromVenueSim({});
    expect(d.venue).toMatchObject({
      minedDelayMs: DEFAULT_ENGINE_CONFIG.settlement.minedDelayMs,
      confirmedDelayMs: DEFAULT_ENGINE_CONFIG.settlement.confirmedDelayMs,
      retryDelayMs: DEFAULT_ENGINE_CONFIG.settlement.retryDelayMs,
      failProbability: 0,
      takerFeeRate: 0,
      makerRebateRate: 0,
      allowTaking: true,
    });
    expect(d.notes).toEqual([]);
    const c = venueModelFromVenueSim({
      engine: { settlement: { minedDelayMs: 400, failProbability: 0.05, retryProbability: 0.1 } },
      fees: { rateBps: 720, exponent: 2 },
    });
    expect(c.venue).toMatchObject({ minedDelayMs: 400, failProbability: 0.05, takerFeeRate: 0.072, feeExponent: 2, makerRebateRate: 0 });
    expect(c.notes).toHaveLength(1); // retryProbability has no equivalent
  });

  it("parses a venue-sim options file, ignoring what it does not mirror, rejecting bad numbers", () => {
    expect(parseVenueSimSettings({ seed: 3, markets: 2, engine: { settlement: { minedDelayMs: 10 }, tickAuto: {} } })).toEqual({
      engine: { settlement: { minedDelayMs: 10 } },
    });
    expect(() => parseVenueSimSettings({ engine: { settlement: { failProbability: 2 } } })).toThrow(/failProbability/);
    expect(() => parseVenueSimSettings({ engine: { settlement: { minedDelay: 1 } } })).toThrow(RangeError);
    expect(parseVenueSimSettings({ fees: { rateBps: 720 } })).toEqual({ fees: { rateBps: 720 } });
    expect(() => parseVenueSimSettings({ fees: { rateBps: 72.5 } })).toThrow(/fees/);
  });
});

/** A journal of requests: [kind, queued at, answered at] (answers of one batch share their time). */
function requests(rs: readonly (readonly ["PLACE" | "CANCEL", number, number])[]): JournalEntry[] {
  const out: JournalEntry[] = [];
  let seq = 0;
  rs.forEach(([kind, q, a], i) => {
    out.push({ seq: ++seq, at: T0 + q, type: "action", action: { kind, actionId: i + 1 } } as unknown as JournalEntry);
    out.push({
      seq: ++seq,
      at: T0 + a,
      type: "gateway",
      result: kind === "PLACE" ? { kind: "PLACE_ACK", actionId: i + 1 } : { kind: "CANCEL_ACK", actionId: i + 1 },
    } as unknown as JournalEntry);
  });
  return out.sort((x, y) => x.at - y.at || x.seq - y.seq);
}

describe("serviceTraceFromJournal", () => {
  it("one request per batch answered together; it could leave when queued and the previous answer was in", () => {
    const j = requests([
      ["PLACE", 0, 90], // a batch of two places, queued at 0 and 5, answered at 90
      ["PLACE", 5, 90],
      ["CANCEL", 40, 120], // queued while the places were in flight: leaves at 90
      ["PLACE", 300, 311],
    ]);
    const t = serviceTraceFromJournal(j);
    expect(t.place).toEqual([
      [T0, 89],
      [T0 + 300, 10],
    ]);
    expect(t.cancel).toEqual([[T0 + 90, 29]]);
    expect(traceAt(t.place, T0 + 280, 100)).toBe(10);
    expect(traceAt(t.place, T0 + 100, 50)).toBeUndefined();
  });

  it("fits lognormals to the request times; few samples fall back", () => {
    expect(fitLatency([1, 2], { kind: "constant", ms: 5 })).toEqual({ kind: "constant", ms: 5 });
    const f = fitLatency([10, 12, 9, 11, 30, 10, 13], { kind: "constant", ms: 5 });
    expect(f).toMatchObject({ kind: "lognormal", medianMs: 11, maxMs: 30 });
    const l = latencyFromJournal(requests([["PLACE", 0, 10]]));
    expect(l.orderEntry).toEqual({ kind: "constant", ms: 5 });
    expect(l.marketData).toEqual({ kind: "constant", ms: 1 });
  });

  it("parityConfigFromSession needs the journal's start entry", () => {
    expect(() => parityConfigFromSession([], {})).toThrow(/start entry/);
  });
});

describe("run config", () => {
  it("accepts the serial gateway model and rejects a batch over the venue's limit", () => {
    const strategy = { kind: "bands" };
    expect(parseRunConfig({ strategy, gateway: { worker: "serial", maxBatchPlace: 5 } }).gateway).toEqual({
      worker: "serial",
      maxBatchPlace: 5,
    });
    expect(parseRunConfig({ strategy }).gateway).toBeUndefined();
    expect(() => parseRunConfig({ strategy, gateway: { worker: "serial", maxBatchPlace: 16 } })).toThrow(/gateway.maxBatchPlace/);
  });
});

describe("SimGateway serial worker", () => {
  const order = (n: number, price: number): OrderRequest =>
    ({
      clientOrderId: `c${n}`,
      tokenId: MARKET.yes.tokenId as TokenId,
      side: "BUY",
      price,
      size: (10 * SH) as Size,
      orderType: "GTC",
      postOnly: true,
    }) as unknown as OrderRequest;

  function rig(trace?: Parameters<typeof traceAt>[0]) {
    const clock = new ManualClock(T0);
    const venue = new SimVenue({ clock, markets: [MARKET], seed: 1, collateral: 1_000 * SH, hooks: { onUserEvent: () => {} } });
    const lat = new LatencySampler({ ...ZERO_LATENCY, orderEntry: { kind: "constant", ms: 20 }, cancel: { kind: "constant", ms: 20 } }, 1);
    const gw = new SimGateway(clock, venue, lat, { worker: "serial", ...(trace ? { trace: { place: trace, cancel: [] } } : {}) });
    const got: [number, GatewayResult][] = [];
    gw.results = { post: (r) => got.push([clock.now() - T0, r]) };
    return { clock, gw, got };
  }

  it("one request in flight; queued places go as one batch, cancels before places", () => {
    const { clock, gw, got } = rig();
    gw.submit({ kind: "PLACE", actionId: 1, order: order(1, 4_800) } as GatewayAction);
    clock.advanceTo(T0 + 5);
    gw.submit({ kind: "PLACE", actionId: 2, order: order(2, 4_700) } as GatewayAction);
    gw.submit({ kind: "PLACE", actionId: 3, order: order(3, 4_600) } as GatewayAction);
    clock.advanceTo(T0 + 10);
    const first = got.length;
    clock.advanceTo(T0 + 21);
    const ack = got[0]?.[1];
    if (ack?.kind !== "PLACE_ACK") throw new Error("the first place was not acked");
    const id = ack.orderId;
    gw.submit({ kind: "CANCEL", actionId: 4, orderId: id, clientOrderId: "c1" } as GatewayAction);
    clock.advanceTo(T0 + 200);
    expect(first).toBe(0);
    // #1 alone (20 ms), then #2 + #3 together; the cancel queued meanwhile waits for their answer.
    expect(got.map(([t, r]) => [t, r.kind, "actionId" in r ? r.actionId : 0])).toEqual([
      [20, "PLACE_ACK", 1],
      [40, "PLACE_ACK", 2],
      [40, "PLACE_ACK", 3],
      [60, "CANCEL_ACK", 4],
    ]);
    expect(gw.counters.requests).toBe(3);
  });

  it("a CANCEL_ALL clears the queued PLACEs (rejected, never sent) and goes next", () => {
    const { clock, gw, got } = rig();
    gw.submit({ kind: "PLACE", actionId: 1, order: order(1, 4_800) } as GatewayAction);
    // #1 left at once (nothing in flight); #2 and #3 wait for its answer.
    gw.submit({ kind: "PLACE", actionId: 2, order: order(2, 4_700) } as GatewayAction);
    clock.advanceTo(T0 + 1);
    gw.submit({ kind: "PLACE", actionId: 3, order: order(3, 4_600) } as GatewayAction);
    gw.submit({ kind: "CANCEL_ALL", actionId: 4, reason: "stop" } as GatewayAction);
    clock.advanceTo(T0 + 200);
    expect(got.map(([t, r]) => [t, r.kind, "actionId" in r ? r.actionId : 0])).toEqual([
      [1, "PLACE_REJECT", 2],
      [1, "PLACE_REJECT", 3],
      [20, "PLACE_ACK", 1],
      [40, "CANCEL_ALL_ACK", 4],
    ]);
    const rej = got[0]?.[1];
    expect(rej?.kind === "PLACE_REJECT" && rej.reason).toBe("not_sent");
  });

  it("takes the observed request time nearest in time when the trace has one", () => {
    const { clock, gw, got } = rig([[T0, 90]]);
    gw.submit({ kind: "PLACE", actionId: 1, order: order(1, 4_800) } as GatewayAction);
    clock.advanceTo(T0 + 200);
    expect(got.map(([t]) => t)).toEqual([90]);
  });
});
