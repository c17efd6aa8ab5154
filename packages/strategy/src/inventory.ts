/**
 * Inventory as strategy sees it: a read-only input, never tracked here. The executor owns settled
 * vs pending (law A, law E); strategy only needs the YES-space exposure they add up to.
 */
import type { ConditionId } from "@mm/types";
import { SIZE_SCALE } from "@mm/types";

/** One token's holdings in micro-shares: `settled` in the wallet, `pending` signed (unsettled fills). */
export interface PositionLike {
  readonly settled: number;
  readonly pending: number;
}

export interface MarketInventory {
  readonly yes: PositionLike;
  readonly no: PositionLike;
}

/** Supplies the latest inventory of a market (the executor publishes it; strategy only reads). */
export interface InventoryReader {
  inventory(conditionId: ConditionId): MarketInventory | undefined;
}

export const FLAT_INVENTORY: MarketInventory = { yes: { settled: 0, pending: 0 }, no: { settled: 0, pending: 0 } };

/**
 * YES-space exposure in shares: (YES settled + pending) − (NO settled + pending). Holding one NO
 * share is economically short one YES share (YES + NO = 1 USDC). NaN when any input is not finite.
 */
export function yesSpaceExposureShares(inv: MarketInventory): number {
  const micro = inv.yes.settled + inv.yes.pending - (inv.no.settled + inv.no.pending);
  return Number.isFinite(micro) ? micro / SIZE_SCALE : Number.NaN;
}
