import type { MarketInfo, TickSize } from "@mm/types";
import { annualToPerSqrtSecond, type MarketInventory, type StrategyInputs, type VolatilityEstimate } from "../../src/index.js";
import { FakeBook, inventoryOf, marketInfo, NO_TOKEN, YES_TOKEN } from "./fakes.js";

export interface Scenario {
  readonly now?: number;
  readonly market?: Partial<MarketInfo>;
  readonly refMid?: number | undefined;
  readonly refAgeMs?: number;
  /** YES book top, price units; undefined side = empty. */
  readonly bookBid?: number | undefined;
  readonly bookAsk?: number | undefined;
  readonly bookAgeMs?: number;
  readonly trusted?: boolean;
  readonly noBook?: boolean;
  readonly yesBook?: boolean;
  readonly tick?: TickSize;
  readonly exposure?: number;
  readonly inventory?: MarketInventory;
  readonly volAnnual?: number;
  readonly jumpAgoMs?: number;
  readonly seq?: number;
}

/** Inputs for one quote: market ends at 900 s, started at 0, now = 300 s by default. */
export function scenario(s: Scenario = {}): StrategyInputs {
  const now = s.now ?? 300_000;
  const tick = s.tick ?? 100;
  const market = marketInfo({ tickSize: tick, ...s.market });
  const bookAt = now - (s.bookAgeMs ?? 100);
  const bids = s.bookBid === undefined ? [] : [[s.bookBid, 100e6] as const];
  const asks = s.bookAsk === undefined ? [] : [[s.bookAsk, 100e6] as const];
  const yes = new FakeBook(YES_TOKEN, tick).set(bids, asks, bookAt);
  yes.trusted = s.trusted ?? true;
  const no = new FakeBook(NO_TOKEN, tick).set(
    asks.map(([p, z]) => [10_000 - p, z] as const),
    bids.map(([p, z]) => [10_000 - p, z] as const),
    bookAt,
  );
  no.trusted = s.trusted ?? true;
  const refMid = "refMid" in s ? s.refMid : 100_000;
  const sigma = annualToPerSqrtSecond(s.volAnnual ?? 0.6);
  const volatility: VolatilityEstimate = {
    sigmaPerSqrtSecond: sigma,
    annualized: s.volAnnual ?? 0.6,
    samples: 100,
    lastSampleAt: now,
    lastJump: s.jumpAgoMs === undefined ? undefined : { at: now - s.jumpAgoMs, logReturn: 0.01, sigmas: 12 },
  };
  return {
    seq: s.seq ?? 1,
    now,
    market,
    yesBook: s.yesBook === false ? undefined : yes,
    noBook: s.noBook === false ? undefined : no,
    reference:
      refMid === undefined
        ? undefined
        : { symbol: "BTCUSDT", bid: refMid - 0.5, ask: refMid + 0.5, mid: refMid, receivedAt: now - (s.refAgeMs ?? 50), updateCount: 1 },
    volatility,
    inventory: s.inventory ?? inventoryOf(Math.max(0, s.exposure ?? 0), Math.max(0, -(s.exposure ?? 0))),
  };
}
