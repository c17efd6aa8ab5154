import {
  type CollateralPosition,
  conditionId,
  type DesiredQuoteSet,
  type MarketInfo,
  price,
  type Size,
  size,
  type TickSize,
  tokenId,
  type TokenPosition,
  type Usdc,
  usdc,
} from "@mm/types";
import type { PlannerInput } from "../src/index.js";

export const CID = conditionId(`0x${"ab".repeat(32)}`);
export const YES = tokenId("1111");
export const NO = tokenId("2222");

export function market(overrides: Partial<MarketInfo> = {}): MarketInfo {
  return {
    conditionId: CID,
    question: "Will it?",
    slug: "will-it",
    yes: { tokenId: YES, label: "Yes" },
    no: { tokenId: NO, label: "No" },
    tickSize: 100 as TickSize,
    minOrderSize: size("5"),
    negRisk: false,
    active: true,
    closed: false,
    ...overrides,
  };
}

/** `pending` is the signed net of unsettled fills; its negative part is taken as unsettled outflow. */
export const pos = (t: typeof YES, settled = "0", pending = 0, reserved = "0", pendingOut = Math.max(0, -pending)): TokenPosition => ({
  tokenId: t,
  settled: size(settled),
  pending,
  pendingOut: pendingOut as Size,
  reserved: size(reserved),
});

export const coll = (settled: string, pending = 0, reserved = "0", pendingOut = Math.max(0, -pending)): CollateralPosition => ({
  settled: usdc(settled),
  pending,
  pendingOut: pendingOut as Usdc,
  reserved: usdc(reserved),
});

export function intent(bids: [string, string][], asks: [string, string][], seq = 1): DesiredQuoteSet {
  return {
    conditionId: CID,
    bids: bids.map(([p, s]) => ({ price: price(p), size: size(s) })),
    asks: asks.map(([p, s]) => ({ price: price(p), size: size(s) })),
    seq,
    createdAt: 0,
    reason: { code: "quoting" },
  };
}

export const LIMITS = {
  maxPositionPerToken: size("1000"),
  maxGrossPosition: size("2000"),
  maxWorkingNotional: usdc("100000") as number,
  sizeLot: 10_000,
};

export function input(partial: Partial<PlannerInput> & Pick<PlannerInput, "intent">): PlannerInput {
  return {
    market: market(),
    yes: pos(YES),
    no: pos(NO),
    collateral: coll("1000"),
    limits: LIMITS,
    ...partial,
  };
}

export const S = (s: string): Size => size(s);
export const U = (s: string): Usdc => usdc(s);
