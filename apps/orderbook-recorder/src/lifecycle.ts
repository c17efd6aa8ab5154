/**
 * `LifecycleController`: discovers markets from Gamma on an interval (and from `new_market` events
 * when enabled), subscribes their assets without restarts, expires closed or resolved markets
 * (confirmed closed by Gamma, or a `market_resolved` event) and removes them after a delay.
 * Discovery failures are counted and retried at the next interval; they never expire anything.
 * Filters decide only which NEW markets are subscribed: a recorded market is never dropped
 * because it stops matching (e.g. its liquidity falls below the minimum), only when it closes.
 */
import type { GammaMarket, GammaMarketsQuery, PolymarketClient } from "@mm/ingestion";
import type { ConditionId, TickSize } from "@mm/types";
import type { AssetRegistry } from "./registry.js";

export interface MarketFilter {
  /** Only these market slugs (default: every active market). */
  readonly slugs?: readonly string[];
  /** Only markets with these Gamma tag ids. */
  readonly tagIds?: readonly number[];
  /**
   * Only markets whose Gamma liquidity (USDC) is at least this. Markets whose liquidity is unknown
   * (absent or invalid on Gamma) are skipped while a minimum is set, and counted.
   */
  readonly minLiquidity?: number;
}

export interface LifecycleOptions {
  readonly client: Pick<PolymarketClient, "gammaMarketPages">;
  readonly registry: AssetRegistry;
  readonly filter?: MarketFilter;
  /** Instance sharding: keep only assets this instance records. */
  readonly acceptAsset?: (assetId: string) => boolean;
  /** Subscribe these assets (dynamic subscribe). */
  readonly onAdded: (assets: readonly string[], market: string) => void;
  /** The market closed: unsubscribe these assets now. */
  readonly onExpired: (assets: readonly string[], market: string, reason: string) => void;
  /** Cleanup (after `cleanupDelayMs`): drop the books. */
  readonly onRemoved: (assets: readonly string[], market: string) => void;
  readonly intervalMs?: number;
  /** Use `new_market` events (custom feature) as well as polling. Default true. */
  readonly newMarketEvents?: boolean;
  readonly cleanupDelayMs?: number;
  readonly pageSize?: number;
  readonly now?: () => number;
}

export interface LifecycleStats {
  passes: number;
  failures: number;
  lastError: string | undefined;
  lastPassAt: number;
  lastPassMs: number;
  discovered: number;
  fromEvents: number;
  expiredByGamma: number;
  expiredByEvent: number;
  removed: number;
  skippedNoBook: number;
  skippedOtherShard: number;
  /** Listings skipped for liquidity below `filter.minLiquidity` (cumulative: once per pass that lists them). */
  skippedLowLiquidity: number;
  /** Listings skipped because `filter.minLiquidity` is set and Gamma's liquidity is unknown (cumulative, once per pass). */
  skippedUnknownLiquidity: number;
}

export class LifecycleController {
  readonly stats: LifecycleStats = {
    passes: 0,
    failures: 0,
    lastError: undefined,
    lastPassAt: 0,
    lastPassMs: 0,
    discovered: 0,
    fromEvents: 0,
    expiredByGamma: 0,
    expiredByEvent: 0,
    removed: 0,
    skippedNoBook: 0,
    skippedOtherShard: 0,
    skippedLowLiquidity: 0,
    skippedUnknownLiquidity: 0,
  };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly now: () => number;
  private stopped = false;

  constructor(private readonly o: LifecycleOptions) {
    this.now = o.now ?? Date.now;
    const min = o.filter?.minLiquidity;
    if (min !== undefined && !(Number.isFinite(min) && min >= 0)) throw new RangeError(`minLiquidity ${min} is not a non-negative number`);
  }

  /** Runs a first pass (awaited), then one every `intervalMs`. */
  async start(): Promise<void> {
    await this.discover();
    const every = Math.max(1000, this.o.intervalMs ?? 60_000);
    this.timer = setInterval(() => {
      void this.discover();
      this.cleanup();
    }, every);
    this.timer.unref();
  }

  stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    return this.running ?? Promise.resolve();
  }

  /** One discovery pass (concurrent calls share the pass in flight). */
  discover(): Promise<void> {
    if (this.running !== undefined) return this.running;
    this.running = this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** A `new_market` event (custom feature). */
  onNewMarket(e: { market: string; assetIds: readonly string[]; slug: string | undefined; tickSize: TickSize | undefined }): void {
    if (this.o.newMarketEvents === false || this.stopped) return;
    const slugs = this.o.filter?.slugs;
    if (slugs !== undefined && slugs.length > 0 && (e.slug === undefined || !slugs.includes(e.slug))) return;
    // Tag filters cannot be checked from the event: the next Gamma pass decides for those.
    // Neither can liquidity: with a minimum set, the next Gamma pass decides.
    if ((this.o.filter?.tagIds?.length ?? 0) > 0 || this.o.filter?.minLiquidity !== undefined) return;
    if (
      this.add(
        e.market,
        e.slug,
        e.assetIds,
        e.assetIds.map(() => e.tickSize),
        "ws",
      )
    )
      this.stats.fromEvents++;
  }

  /** A `market_resolved` event. */
  onResolved(market: string): void {
    if (this.stopped) return;
    if (this.expire(market, "resolved")) this.stats.expiredByEvent++;
  }

  /** Removes markets closed more than `cleanupDelayMs` ago. */
  cleanup(): void {
    const due = this.o.registry.dueForCleanup(this.now(), this.o.cleanupDelayMs ?? 10 * 60_000);
    for (const market of due) {
      const assets = this.o.registry.removeMarket(market);
      this.stats.removed += assets.length;
      if (assets.length > 0) this.o.onRemoved(assets, market);
    }
  }

  private async pass(): Promise<void> {
    const t0 = this.now();
    try {
      const seen = new Set<string>();
      for (const q of this.queries()) {
        for await (const page of this.o.client.gammaMarketPages(q, { pageSize: this.o.pageSize ?? 500 })) {
          if (this.stopped) return;
          for (const m of page.items) this.consider(m, seen);
        }
      }
      await this.confirmClosed(seen);
      this.stats.passes++;
      this.stats.lastPassAt = this.now();
      this.stats.lastPassMs = this.now() - t0;
    } catch (e) {
      this.stats.failures++;
      this.stats.lastError = e instanceof Error ? e.message : String(e);
    }
  }

  private queries(): GammaMarketsQuery[] {
    const base: GammaMarketsQuery = { active: true, closed: false };
    const f = this.o.filter ?? {};
    if (f.slugs !== undefined && f.slugs.length > 0) return f.slugs.map((slug) => ({ ...base, slug }));
    if (f.tagIds !== undefined && f.tagIds.length > 0) return f.tagIds.map((tagId) => ({ ...base, tagId }));
    return [base];
  }

  private consider(m: GammaMarket, seen: Set<string>): void {
    if (m.closed || !m.active || m.archived) return;
    if (m.enableOrderBook === false || m.tokenIds.length === 0) {
      this.stats.skippedNoBook++;
      return;
    }
    // Listed as active, so not closed: a recorded market below the minimum is kept (see header).
    seen.add(m.conditionId);
    const min = this.o.filter?.minLiquidity;
    if (min !== undefined && this.o.registry.market(m.conditionId) === undefined) {
      if (m.liquidity === undefined) {
        this.stats.skippedUnknownLiquidity++;
        return;
      }
      if (m.liquidity < min) {
        this.stats.skippedLowLiquidity++;
        return;
      }
    }
    if (
      this.add(
        m.conditionId,
        m.slug,
        m.tokenIds,
        m.tokenIds.map(() => m.tickSize),
        "gamma",
      )
    )
      this.stats.discovered++;
  }

  private add(
    market: string,
    slug: string | undefined,
    ids: readonly string[],
    ticks: ReadonlyArray<TickSize | undefined>,
    source: "gamma" | "ws",
  ): boolean {
    if (this.o.registry.market(market) !== undefined) return false;
    const accept = this.o.acceptAsset;
    const keep: string[] = [];
    const keepTicks: Array<TickSize | undefined> = [];
    ids.forEach((a, i) => {
      if (accept === undefined || accept(a)) {
        keep.push(a);
        keepTicks.push(ticks[i]);
      }
    });
    if (keep.length === 0) {
      this.stats.skippedOtherShard++;
      return false;
    }
    const added = this.o.registry.addMarket({ market, slug, assets: keep, ticks: keepTicks, source }, this.now());
    if (added.length > 0) this.o.onAdded(added, market);
    return added.length > 0;
  }

  /** Active markets the pass did not list are looked up by id; only `closed: true` expires them. */
  private async confirmClosed(seen: Set<string>): Promise<void> {
    const missing: string[] = [];
    for (const m of this.o.registry.markets()) if (m.closedAt === undefined && !seen.has(m.market)) missing.push(m.market);
    for (let i = 0; i < missing.length; i += 100) {
      const chunk = missing.slice(i, i + 100) as ConditionId[];
      for await (const page of this.o.client.gammaMarketPages({ conditionIds: chunk }, { pageSize: 100 })) {
        for (const m of page.items) {
          if (m.closed && this.expire(m.conditionId, "closed")) this.stats.expiredByGamma++;
        }
      }
    }
  }

  private expire(market: string, reason: string): boolean {
    const assets = this.o.registry.expireMarket(market, reason, this.now());
    if (assets.length === 0) return false;
    this.o.onExpired(assets, market, reason);
    return true;
  }
}
