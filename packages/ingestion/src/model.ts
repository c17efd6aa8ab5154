/** Domain shapes that ingestion produces from REST payloads (integers, branded ids, epoch ms). */
import type { BookLevel, ConditionId, FeeSchedule, Price, Side, Size, TickSize, TokenId } from "@mm/types";

/** A REST order book, levels BEST-FIRST whatever the wire order (bids descending, asks ascending). */
export interface OrderBookSnapshot {
  readonly tokenId: TokenId;
  readonly conditionId: ConditionId | undefined;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
  /** Venue timestamp, epoch ms. */
  readonly timestamp: number | undefined;
  readonly hash: string | undefined;
  readonly tickSize: TickSize | undefined;
  readonly minOrderSize: Size | undefined;
  readonly negRisk: boolean | undefined;
  readonly lastTradePrice: Price | undefined;
}

/** One public trade print from the Data API. */
export interface PublicTrade {
  /** Deterministic idempotency key (same print ⇒ same key across fetches). */
  readonly key: string;
  readonly conditionId: ConditionId;
  readonly tokenId: TokenId;
  readonly side: Side;
  readonly price: Price;
  readonly size: Size;
  /** Epoch ms (the wire carries seconds; normalized). */
  readonly timestamp: number;
  readonly outcome: string | undefined;
  readonly outcomeIndex: number | undefined;
  readonly txHash: string | undefined;
  readonly proxyWallet: string | undefined;
}

/** A Gamma market with its JSON-in-JSON fields decoded. */
export interface GammaMarket {
  readonly id: string;
  readonly conditionId: ConditionId;
  readonly question: string;
  readonly slug: string;
  /** Outcome labels in the venue's order ("Yes"/"No", "Up"/"Down", team names). */
  readonly outcomes: readonly string[];
  /** Token ids, same order as `outcomes` (may be empty for markets not yet on the CLOB). */
  readonly tokenIds: readonly TokenId[];
  readonly outcomePrices: readonly number[] | undefined;
  readonly active: boolean;
  readonly closed: boolean;
  readonly archived: boolean;
  readonly enableOrderBook: boolean | undefined;
  readonly tickSize: TickSize | undefined;
  readonly minOrderSize: Size | undefined;
  readonly negRisk: boolean;
  /** Epoch ms. */
  readonly startTime: number | undefined;
  readonly endTime: number | undefined;
  /**
   * Order-book liquidity in USDC as Gamma reports it (`liquidityNum`, else the `liquidity` text).
   * Undefined when absent or invalid (an invalid value is listed in `issues`, the market is kept).
   */
  readonly liquidity?: number;
  /** Lifetime traded volume in USDC (`volumeNum`, else `volume`); same rules as `liquidity`. */
  readonly volume?: number;
  /** The taker fee schedule charged (`feeSchedule`; `NO_FEES` when `feesEnabled` is false); absent when unknown. */
  readonly feeSchedule?: FeeSchedule;
  /** Informational fields that were present but invalid and therefore left undefined, with why. */
  readonly issues?: readonly string[];
}

export interface GammaEvent {
  readonly id: string;
  readonly slug: string;
  readonly title: string;
  readonly active: boolean;
  readonly closed: boolean;
  readonly negRisk: boolean;
  readonly markets: readonly GammaMarket[];
  /** Markets of the event that failed validation. */
  readonly rejectedMarkets: readonly RejectedItem[];
}

/** A point of `/prices-history`. */
export interface PricePoint {
  /** Epoch ms. */
  readonly timestamp: number;
  readonly price: Price;
}

/** A list element the client refused (schema or value check), with why. The rest of the list is kept. */
export interface RejectedItem {
  readonly index: number;
  readonly id: string | undefined;
  readonly reason: string;
}
