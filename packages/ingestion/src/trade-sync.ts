/**
 * `TradeSync` — archives public trade prints of markets into storage, resumably: it walks the Data
 * API newest-first from offset 0 until it reaches prints older than the market's stored watermark,
 * then stores the new prints and advances the watermark in ONE transaction (`trades.record`), so a
 * crash can never leave the watermark ahead of the stored trades. Re-fetched prints are skipped
 * idempotently by their key.
 *
 * This is the archive path (backtests, analysis). Trading decisions must use `TradeFetcher`, which
 * applies the freshness window (G1); the archive deliberately keeps old prints.
 */
import type { TradeRecord, TradeRepository, TradeWatermarkRepository } from "@mm/storage";
import type { ConditionId } from "@mm/types";
import type { CallOptions } from "./client.js";
import { PolymarketApiError } from "./errors.js";
import type { PublicTrade, RejectedItem } from "./model.js";
import type { TradeSource } from "./trade-fetcher.js";

export interface TradeSyncOptions {
  readonly source: TradeSource;
  readonly trades: TradeRepository;
  readonly watermarks: TradeWatermarkRepository;
  /** Rows per request. Default 500 (the Data API allows 10,000). */
  readonly pageSize?: number;
  /** The Data API refuses offsets above 10,000; the walk stops there and says so. */
  readonly maxOffset?: number;
}

export interface TradeSyncReport {
  readonly conditionId: ConditionId;
  readonly fetched: number;
  readonly inserted: number;
  readonly unchanged: number;
  readonly updated: number;
  readonly rejected: readonly RejectedItem[];
  /** Epoch ms of the stored watermark after the run (undefined if the market has no prints). */
  readonly watermark: number | undefined;
  /** True when the walk hit `maxOffset` before reaching the watermark: older prints may be missing. */
  readonly truncated: boolean;
}

export const toTradeRecord = (t: PublicTrade): TradeRecord => ({
  key: t.key,
  conditionId: t.conditionId,
  tokenId: t.tokenId,
  side: t.side,
  price: t.price,
  size: t.size,
  timestamp: t.timestamp,
  source: "data-api",
  ...(t.txHash === undefined ? {} : { txHash: t.txHash }),
});

export class TradeSync {
  private readonly pageSize: number;
  private readonly maxOffset: number;

  constructor(private readonly options: TradeSyncOptions) {
    this.pageSize = options.pageSize ?? 500;
    this.maxOffset = options.maxOffset ?? 10_000;
    if (!(Number.isInteger(this.pageSize) && this.pageSize >= 1 && this.pageSize <= 10_000))
      throw new RangeError("pageSize must be in [1, 10000]");
  }

  async syncMarket(conditionId: ConditionId, o: CallOptions = {}): Promise<TradeSyncReport> {
    const since = (await this.options.watermarks.get(conditionId))?.timestamp;
    const collected: PublicTrade[] = [];
    const rejected: RejectedItem[] = [];
    let truncated = false;
    for (let offset = 0; ; offset += this.pageSize) {
      if (offset > this.maxOffset) {
        truncated = true;
        break;
      }
      const page = await this.options.source.getTrades({ markets: [conditionId], limit: this.pageSize, offset }, o);
      rejected.push(...page.rejected.map((r) => ({ ...r, index: r.index + offset })));
      let reachedWatermark = false;
      for (const t of page.items) {
        if (t.conditionId !== conditionId) {
          throw new PolymarketApiError({
            reason: "invalid_response",
            method: "GET",
            url: "/trades",
            attempts: 1,
            retryable: false,
            detail: `asked for ${conditionId}, got a print of ${t.conditionId}`,
          });
        }
        if (since !== undefined && t.timestamp < since) reachedWatermark = true;
        else collected.push(t);
      }
      if (reachedWatermark || page.items.length + page.rejected.length < this.pageSize) break;
    }
    const { summary, watermark } = await this.options.trades.record(conditionId, collected.map(toTradeRecord));
    return {
      conditionId,
      fetched: collected.length,
      ...summary,
      rejected,
      watermark: watermark?.timestamp ?? since,
      truncated,
    };
  }
}
