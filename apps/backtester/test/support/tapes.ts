/** Hand-built tapes and a scripted strategy for the golden tests. */
import type { Strategy } from "@mm/strategy";
import type { ConditionId, DesiredQuoteSet, MarketInfo, Size, TokenId } from "@mm/types";
import { type BacktestConfig, type LatencyConfig, type Tape, TapeBuilder, ZERO_LATENCY } from "../../src/index.js";

export const T0 = 1_700_000_000_000;
export const SH = 1_000_000;

export const MARKET: MarketInfo = {
  conditionId: `0x${"ab".repeat(32)}` as ConditionId,
  question: "golden",
  slug: "golden",
  yes: { tokenId: "1001" as TokenId, label: "Yes" },
  no: { tokenId: "1002" as TokenId, label: "No" },
  tickSize: 100,
  minOrderSize: (5 * SH) as Size,
  negRisk: false,
  endTime: T0 + 3_600_000,
  active: true,
  closed: false,
};

export function tapeOf(build: (b: TapeBuilder) => void): Tape {
  const b = new TapeBuilder({ markets: [MARKET], symbols: [], source: "golden" });
  build(b);
  return b.build();
}

/** Quotes fixed YES-space levels (price units, shares) while the market is open. */
export function fixedQuotes(bid: readonly [number, number] | undefined, ask?: readonly [number, number]): Strategy {
  return {
    name: "fixed",
    quote(inputs): DesiredQuoteSet {
      const open = inputs.market.active && !inputs.market.closed;
      return {
        conditionId: inputs.market.conditionId,
        seq: inputs.seq,
        createdAt: inputs.now,
        bids: open && bid ? [{ price: bid[0] as never, size: (bid[1] * SH) as Size }] : [],
        asks: open && ask ? [{ price: ask[0] as never, size: (ask[1] * SH) as Size }] : [],
        reason: { code: open ? "quoting" : "pulled_market_closed" },
      };
    },
  };
}

export function goldenConfig(
  strategy: Strategy,
  over: Partial<BacktestConfig> = {},
  latency: LatencyConfig = ZERO_LATENCY,
): BacktestConfig {
  return {
    seed: 1,
    strategy: { kind: "custom", make: () => strategy },
    initialCollateral: 1_000 * SH,
    latency,
    tailMs: 1_000,
    driver: { debounceMs: 0, refreshMs: 0 },
    venue: { minedDelayMs: 100, confirmedDelayMs: 100 },
    ...over,
  };
}
