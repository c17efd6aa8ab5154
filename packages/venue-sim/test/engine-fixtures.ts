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

import type { OrderType, Side, TokenId } from "@mm/types";
import { price as priceOf, size as sizeOf } from "@mm/types";
import type { PlaceOrderInput, PlaceResult } from "../src/engine/index.js";

/** Places a price/size order with decimal-string literals: `place(h, "a", yes, "BUY", "0.55", "10")`. */
export function place(
  h: Harness,
  owner: string,
  token: TokenId,
  side: Side,
  p: string,
  s: string,
  orderType: OrderType = "GTC",
  extra: Partial<PlaceOrderInput> = {},
): PlaceResult {
  return h.engine.placeOrder({ owner, tokenId: token, side, price: priceOf(p), size: sizeOf(s), orderType, ...extra });
}

/** Throws unless the placement was accepted; returns the order id. */
export function placed(r: PlaceResult): string {
  if (!r.ok) throw new Error(`rejected: ${r.reject.message}`);
  return r.orderId;
}
