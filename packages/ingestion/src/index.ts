// @mm/ingestion: REST market data with the stale-trade (G1), size-backfill (G3) and
// orderbook-verification (G5) protections, and metadata sync into @mm/storage.
//
// Seed-era names: `PolymarketClient`, `TradeFetcher`, `fetchRecentTrades`, `MetadataSync`,
// `verifyOrderbookPrice`, `PriceUpdate`. The seed's `WebSocketClient` lives in @mm/feeds (the market
// feed); ingestion may not depend on feeds, and takes its updates as `PriceUpdate`s.
export {
  type ApiErrorDetails,
  type ApiErrorReason,
  isPolymarketApiError,
  PolymarketApiError,
} from "./errors.js";
export { DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter, type RetryPolicy, retryDelayMs } from "./retry.js";
export type { RetryInfo, TransportStats } from "./internal/transport.js";
export {
  type CallOptions,
  type ClobMarketsPage,
  type DataTradesQuery,
  type GammaEventsQuery,
  type GammaMarketsQuery,
  type ListResult,
  MAX_BOOKS_PER_REQUEST,
  type PageWalkOptions,
  PolymarketClient,
  type PolymarketClientOptions,
  type PriceHistoryQuery,
} from "./client.js";
export type { GammaEvent, GammaMarket, OrderBookSnapshot, PricePoint, PublicTrade, RejectedItem } from "./model.js";
export {
  normalizeBook,
  normalizeClobMarket,
  normalizeDataTrade,
  normalizeGammaMarket,
  priceFromJsonNumber,
  publicTradeKey,
  sizeFromJsonNumber,
} from "./normalize.js";
export {
  DEFAULT_MAX_TRADE_AGE_SECONDS,
  fetchRecentTrades,
  filterFreshTrades,
  type FreshTrades,
  TradeFetcher,
  type TradeFetcherOptions,
  type TradeSizeAtPrice,
  type TradeSource,
} from "./trade-fetcher.js";
export { type BidSource, type OrderbookVerification, verifyOrderbookPrice } from "./verify-orderbook.js";
export {
  EventProcessor,
  type EventProcessorOptions,
  type EventProcessorStats,
  type PriceUpdate,
  type ProcessedEvent,
  type SizeBackfill,
  type SizeSource,
  tradeFetcherBackfill,
} from "./event-processor.js";
export {
  type MarketMetadataSource,
  type MetadataChange,
  MetadataSync,
  type MetadataSyncOptions,
  type MetadataSyncStats,
  type SyncReport,
} from "./metadata-sync.js";
export { toTradeRecord, TradeSync, type TradeSyncOptions, type TradeSyncReport } from "./trade-sync.js";
export { metadataSyncScoped, polymarketClientScoped } from "./scoped.js";
