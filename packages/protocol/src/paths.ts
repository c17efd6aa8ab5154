/** Hosts and REST paths (POLYMARKET.md §0, §4, §5, §7, §8, §9, §12). Paths are what L2 HMAC signs. */

export const HOSTS = {
  clob: "https://clob.polymarket.com",
  clobStaging: "https://clob-staging.polymarket.com",
  clobV2Test: "https://clob-v2.polymarket.com",
  marketWs: "wss://ws-subscriptions-clob.polymarket.com/ws/market",
  userWs: "wss://ws-subscriptions-clob.polymarket.com/ws/user",
  gamma: "https://gamma-api.polymarket.com",
  dataApi: "https://data-api.polymarket.com",
  rtds: "wss://ws-live-data.polymarket.com",
  binanceRest: "https://api.binance.com",
  binanceRestMirror: "https://data-api.binance.vision",
  binanceWs: "wss://stream.binance.com:9443",
  binanceFuturesWs: "wss://fstream.binance.com",
} as const;

/** CLOB REST paths. Functions build paths with an id segment; query strings are NOT part of the signed path. */
export const CLOB_PATHS = {
  ok: "/ok",
  time: "/time",
  version: "/version",
  book: "/book",
  books: "/books",
  price: "/price",
  prices: "/prices",
  midpoint: "/midpoint",
  midpoints: "/midpoints",
  spread: "/spread",
  spreads: "/spreads",
  lastTradePrice: "/last-trade-price",
  lastTradesPrices: "/last-trades-prices",
  tickSize: "/tick-size",
  negRisk: "/neg-risk",
  feeRate: "/fee-rate",
  pricesHistory: "/prices-history",
  markets: "/markets",
  market: (conditionId: string): string => `/markets/${conditionId}`,
  samplingMarkets: "/sampling-markets",
  simplifiedMarkets: "/simplified-markets",
  samplingSimplifiedMarkets: "/sampling-simplified-markets",
  clobMarketV2: (conditionId: string): string => `/clob-markets/${conditionId}`,
  marketByToken: (tokenId: string): string => `/markets-by-token/${tokenId}`,
  // trading (L2)
  postOrder: "/order",
  postOrders: "/orders",
  cancelOrder: "/order",
  cancelOrders: "/orders",
  cancelAll: "/cancel-all",
  cancelMarketOrders: "/cancel-market-orders",
  openOrders: "/data/orders",
  order: (orderId: string): string => `/data/order/${orderId}`,
  trades: "/data/trades",
  balanceAllowance: "/balance-allowance",
  updateBalanceAllowance: "/balance-allowance/update",
  heartbeats: "/v1/heartbeats",
  orderScoring: "/order-scoring",
  ordersScoring: "/orders-scoring",
  notifications: "/notifications",
  // auth
  createApiKey: "/auth/api-key",
  deriveApiKey: "/auth/derive-api-key",
  apiKeys: "/auth/api-keys",
  deleteApiKey: "/auth/api-key",
  banStatus: "/auth/ban-status/closed-only",
} as const;

export const GAMMA_PATHS = {
  markets: "/markets",
  marketsKeyset: "/markets/keyset",
  market: (id: string): string => `/markets/${id}`,
  events: "/events",
  eventsKeyset: "/events/keyset",
  event: (id: string): string => `/events/${id}`,
  publicSearch: "/public-search",
  tags: "/tags",
} as const;

export const DATA_API_PATHS = { trades: "/trades", tradesV2: "/v2/trades", positions: "/positions" } as const;

export const BINANCE_PATHS = {
  bookTicker: "/api/v3/ticker/bookTicker",
  tickerPrice: "/api/v3/ticker/price",
  depth: "/api/v3/depth",
  aggTrades: "/api/v3/aggTrades",
  klines: "/api/v3/klines",
} as const;

/** The path an L2 signature covers: the request path with any query string removed. */
export function signedPath(pathWithQuery: string): string {
  const q = pathWithQuery.indexOf("?");
  return q < 0 ? pathWithQuery : pathWithQuery.slice(0, q);
}
