/**
 * `TradeFetcher` — the stale-trade protection (G1) and the REST size fallback (G3).
 *
 * G1: the Data API's "recent trades" can return prints that are months old (a bot once executed at
 * 95¢ on a 2-month-old print while the market was at 5¢). Every fetch here keeps only trades whose
 * timestamp is within `maxAgeSeconds` (default 300) of the injected clock; timestamps are normalized
 * from seconds or milliseconds first; prints dated in the future beyond `maxFutureSkewMs` are
 * dropped too. When everything is stale the result is EMPTY — never "the latest we could find".
 *
 * G3 (`fetchTradeSizeAtPrice`): the market channel's `last_trade_price` / price updates may carry no
 * size. This finds the size of a recent REST print of the same token near that price.
 * LIMITATIONS — read before relying on it:
 *  - The Data API lags matching by about 1–3 minutes: a print seen on the WebSocket a second ago is
 *    usually NOT there yet, and the answer is `undefined` (unknown), not 0.
 *  - Rows are per-wallet fills (taker rows by default); one WS print can map to several rows or to a
 *    row with a different size; the newest row within `tolerance` is returned, not an exact match.
 *  - Only the last `limit` rows of the market are searched.
 *  A size filter must treat `undefined` as "unknown" and decide explicitly (skip or act).
 */
import { type Clock, type ConditionId, type Price, type Size, systemClock, type TokenId } from "@mm/types";
import type { CallOptions, DataTradesQuery, ListResult } from "./client.js";
import type { PublicTrade, RejectedItem } from "./model.js";

/** The part of `PolymarketClient` the fetcher needs (a hand-written stub in tests is fine). */
export interface TradeSource {
  getTrades(q: DataTradesQuery, o?: CallOptions): Promise<ListResult<PublicTrade>>;
}

export interface TradeFetcherOptions {
  readonly source: TradeSource;
  readonly clock?: Clock;
  /** Maximum age of a kept trade. Default 300 s. */
  readonly maxAgeSeconds?: number;
  /** Prints stamped further than this in the future are dropped. Default 60 s (clock skew). */
  readonly maxFutureSkewMs?: number;
  /** Rows requested per fetch. Default 500. */
  readonly limit?: number;
}

export interface FreshTrades {
  /** Trades within the age window, newest first. */
  readonly trades: PublicTrade[];
  /** Dropped as older than `maxAgeSeconds`. */
  readonly stale: number;
  /** Dropped as dated in the future. */
  readonly future: number;
  /** Rows the client refused (malformed). */
  readonly rejected: RejectedItem[];
  /** The clock time the window was computed at. */
  readonly asOf: number;
}

export interface TradeSizeAtPrice {
  readonly size: Size;
  readonly trade: PublicTrade;
}

export const DEFAULT_MAX_TRADE_AGE_SECONDS = 300;

/** Pure G1 filter: keeps trades with `now − maxAge ≤ timestamp ≤ now + maxFutureSkew`, newest first. */
export function filterFreshTrades(
  trades: readonly PublicTrade[],
  nowMs: number,
  maxAgeSeconds: number = DEFAULT_MAX_TRADE_AGE_SECONDS,
  maxFutureSkewMs = 60_000,
): { trades: PublicTrade[]; stale: number; future: number } {
  const oldest = nowMs - maxAgeSeconds * 1000;
  const newest = nowMs + maxFutureSkewMs;
  const kept: PublicTrade[] = [];
  let stale = 0;
  let future = 0;
  for (const t of trades) {
    if (!Number.isFinite(t.timestamp) || t.timestamp < oldest) stale++;
    else if (t.timestamp > newest) future++;
    else kept.push(t);
  }
  kept.sort((a, b) => b.timestamp - a.timestamp);
  return { trades: kept, stale, future };
}

export class TradeFetcher {
  private readonly source: TradeSource;
  private readonly clock: Clock;
  readonly maxAgeSeconds: number;
  private readonly maxFutureSkewMs: number;
  private readonly limit: number;
  private readonly inflight = new Map<string, Promise<ListResult<PublicTrade>>>();

  constructor(options: TradeFetcherOptions) {
    this.source = options.source;
    this.clock = options.clock ?? systemClock;
    this.maxAgeSeconds = options.maxAgeSeconds ?? DEFAULT_MAX_TRADE_AGE_SECONDS;
    this.maxFutureSkewMs = options.maxFutureSkewMs ?? 60_000;
    this.limit = options.limit ?? 500;
    if (!(Number.isFinite(this.maxAgeSeconds) && this.maxAgeSeconds > 0)) throw new RangeError("maxAgeSeconds must be > 0");
    if (!(Number.isInteger(this.limit) && this.limit >= 1 && this.limit <= 10_000)) throw new RangeError("limit must be in [1, 10000]");
  }

  /**
   * Trades of the given markets within the age window (G1). Concurrent calls for the same markets
   * share ONE request (a burst of size lookups costs one Data-API call); each caller's signal still
   * aborts its own wait at once, without cancelling the shared request for the others.
   */
  async fetchTrades(markets: readonly ConditionId[], o: CallOptions & { readonly tokenId?: TokenId } = {}): Promise<FreshTrades> {
    const page = await this.shared(markets, o.signal);
    const asOf = this.clock.now();
    const relevant = o.tokenId === undefined ? page.items : page.items.filter((t) => t.tokenId === o.tokenId);
    const fresh = filterFreshTrades(relevant, asOf, this.maxAgeSeconds, this.maxFutureSkewMs);
    return { ...fresh, rejected: page.rejected, asOf };
  }

  /** Number of distinct Data-API requests currently in flight (observability). */
  get inflightRequests(): number {
    return this.inflight.size;
  }

  private shared(markets: readonly ConditionId[], signal: AbortSignal | undefined): Promise<ListResult<PublicTrade>> {
    signal?.throwIfAborted();
    const key = [...markets].sort().join(",");
    let request = this.inflight.get(key);
    if (request === undefined) {
      const created: Promise<ListResult<PublicTrade>> = this.source.getTrades({ markets, limit: this.limit }).finally(() => {
        if (this.inflight.get(key) === created) this.inflight.delete(key);
      });
      // Every waiter handles the outcome itself; this only keeps a request whose waiters all
      // aborted from surfacing as an unhandled rejection.
      created.catch(() => undefined);
      this.inflight.set(key, created);
      request = created;
    }
    if (signal === undefined) return request;
    const pending = request;
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      pending.then(
        (v) => {
          signal.removeEventListener("abort", onAbort);
          resolve(v);
        },
        (e: unknown) => {
          signal.removeEventListener("abort", onAbort);
          reject(e);
        },
      );
    });
  }

  /** Convenience: the fresh trades of one market, newest first (empty when all are stale). */
  async fetchRecentTrades(conditionId: ConditionId, o: CallOptions = {}): Promise<PublicTrade[]> {
    return (await this.fetchTrades([conditionId], o)).trades;
  }

  /**
   * G3 fallback: size of the newest FRESH print of `tokenId` whose price is within `tolerance` price
   * units of `price` (default 0 = exact). `undefined` means unknown — see the limitations above.
   */
  async fetchTradeSizeAtPrice(
    conditionId: ConditionId,
    tokenId: TokenId,
    price: Price,
    o: CallOptions & { readonly tolerance?: number } = {},
  ): Promise<TradeSizeAtPrice | undefined> {
    const tolerance = o.tolerance ?? 0;
    const { trades } = await this.fetchTrades([conditionId], { ...o, tokenId });
    const match = trades.find((t) => Math.abs(t.price - price) <= tolerance);
    return match === undefined ? undefined : { size: match.size, trade: match };
  }
}

/** One-shot G1 helper: fresh trades of a market through any `TradeSource` (e.g. a `PolymarketClient`). */
export function fetchRecentTrades(
  source: TradeSource,
  conditionId: ConditionId,
  options: Omit<TradeFetcherOptions, "source"> & CallOptions = {},
): Promise<PublicTrade[]> {
  return new TradeFetcher({ ...options, source }).fetchRecentTrades(
    conditionId,
    options.signal === undefined ? {} : { signal: options.signal },
  );
}
