// @mm/venue-sim: a faithful local Polymarket venue (CLOB REST, market and user WebSockets, matching,
// settlement lifecycle, faults) and a Binance-like reference server. Curated public surface.

// ---- running it ----------------------------------------------------------------------------------
export { startVenueSim, type VenueSimHandle, type VenueSimOptions } from "./server/start.js";
export {
  TEST_ADDRESS,
  TEST_PRIVATE_KEY,
  Venue,
  type FaultSpec,
  type TestCredentials,
  type VenueOptions,
  type VenueUrls,
} from "./server/venue.js";
export { makeUpDownMarkets, type MarketGenOptions, type SimMarket } from "./server/markets.js";
export type { FrameFaults, HttpFault, HttpFaultKind, Channel } from "./server/faults.js";
export { DEFAULT_RATE_LIMITS, type BucketSpec, type SignerLimits } from "./server/rate-limit.js";
export { l2Signature, deriveCredentials, type ApiCredentials, type L1Verifier } from "./server/auth.js";
export type { SignedOrderCheck } from "./server/clob-routes.js";
export { DepositWalletRegistry } from "./server/deposit-wallets.js";

// ---- reference and flow ----------------------------------------------------------------------------
export { ReferenceServer, type ReferenceServerOptions, type ReferenceSymbolOptions } from "./reference/server.js";
export { PricePath, upProbability, normalCdf, type PricePathOptions, type ReferenceQuote } from "./reference/path.js";
export { Rng } from "./reference/rng.js";
export { OrderFlow, type FlowOptions } from "./flow/flow.js";

// ---- the matching engine (pure, deterministic; reused by the backtester) ---------------------------
export {
  VenueEngine,
  DEFAULT_ENGINE_CONFIG,
  MAX_BATCH_ORDERS,
  CANCEL_NOT_FOUND_REASON,
  FAK_KILL_MESSAGE,
  FOK_KILL_MESSAGE,
  HEARTBEAT_INVALID_MESSAGE,
  STATUS_CANCELED_MARKET_RESOLVED,
  Rejects,
  batchTooLargeMessage,
  wireOrderLevels,
  type AssetBalance,
  type BestPrices,
  type BookEngineEvent,
  type BookSnapshot,
  type CancelCause,
  type CancelResult,
  type CollectedFees,
  type EngineConfig,
  type EngineEvent,
  type EngineListener,
  type EngineOptions,
  type EngineReject,
  type HeartbeatResult,
  type LastTrade,
  type LastTradeEngineEvent,
  type Level,
  type LevelChange,
  type MakerLeg,
  type MarketResolvedEngineEvent,
  type MarketStatus,
  type MarketView,
  type MatchType,
  type OpenOrdersFilter,
  type OrderEngineEvent,
  type OrderView,
  type OwnerId,
  type Payout,
  type PlaceOrderInput,
  type PlaceResult,
  type RejectCode,
  type SettlementConfig,
  type TickAutoConfig,
  type TickSizeEngineEvent,
  type TradeEngineEvent,
  type TradeFault,
  type TradeLeg,
  type TradesFilter,
  type TradeView,
  type TradingMode,
} from "./engine/index.js";

// ---- wire mapping (engine views → venue JSON), for tools that replay engine output ---------------
export { bookEvent, bookSummary, priceChangeEvent, summaryHash, userOrderEvent, userTradeEvent } from "./server/wire.js";
