/** Shared fixtures for the engine tests: a binary market, funded owners, event filters. */
import { conditionId, ManualClock, type MarketInfo, type Size, type TickSize, tokenId } from "@mm/types";
import { type EngineEvent, type EngineOptions, VenueEngine } from "../src/engine/index.js";

export function marketInfo(n = 1, tick: TickSize = 100, minOrderSize = 5_000_000): MarketInfo {
  const hex = n.toString(16).padStart(64, "0");
  return {
    conditionId: conditionId(`0x${hex}`),
    question: `Will test market ${n} resolve YES?`,
    slug: `test-market-${n}`,
    yes: { tokenId: tokenId(`${1000 + n * 2}`), label: "Yes" },
    no: { tokenId: tokenId(`${1001 + n * 2}`), label: "No" },
    tickSize: tick,
    minOrderSize: minOrderSize as Size,
    negRisk: false,
    active: true,
    closed: false,
    feeRateBps: 0,
  };
}

export interface Harness {
  readonly clock: ManualClock;
  readonly engine: VenueEngine;
  readonly info: MarketInfo;
  readonly events: readonly EngineEvent[];
}

export function harness(config: EngineOptions["config"] = {}, info: MarketInfo = marketInfo(), start = 1_700_000_000_000): Harness {
  const clock = new ManualClock(start);
  const engine = new VenueEngine({ clock, config: { seed: 42, ...config } });
  engine.addMarket(info);
  const events = engine.recordEvents();
  return { clock, engine, info, events };
}

export function ofKind<K extends EngineEvent["kind"]>(events: readonly EngineEvent[], kind: K): Extract<EngineEvent, { kind: K }>[] {
  return events.filter((e): e is Extract<EngineEvent, { kind: K }> => e.kind === kind);
}
