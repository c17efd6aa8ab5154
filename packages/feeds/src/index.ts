// @mm/feeds: market, user and reference feeds. I/O only: sockets, reconnect, continuity and safety
// semantics; decoded frames go into @mm/caches (market, reference) or a backpressured queue (user).
export { backoffDelay, DEFAULT_BACKOFF, MIN_INITIAL_DELAY_MS, MIN_MAX_DELAY_MS, normalizeBackoff, type BackoffOptions } from "./backoff.js";
export { framePreview, silentLogger, type FeedLogger } from "./logger.js";
export {
  ManagedWebSocket,
  WsStats,
  type DisconnectInfo,
  type DisconnectReason,
  type Heartbeat,
  type WsClientOptions,
  type WsHandlers,
  type WsSession,
  type WsState,
} from "./ws-client.js";
export { MarketFeed, MarketFeedStats, type MarketFeedOptions, type MarketSubscription, type ShardStats } from "./market-feed.js";
export { UserFeed, UserFeedStats, type UserCredentials, type UserFeedOptions } from "./user-feed.js";
export { ReferenceFeed, ReferenceFeedStats, type ReferenceFeedOptions } from "./reference-feed.js";
