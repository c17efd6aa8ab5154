/**
 * `AssetRegistry`: every market and asset the recorder knows, with the asset state machine
 * pending → subscribed → expired, and the market ↔ assets ↔ connection mapping. Plain data; the
 * lifecycle controller and the connection pool drive it.
 */
import type { TickSize } from "@mm/types";

export type AssetStatus = "pending" | "subscribed" | "expired";

export interface AssetEntry {
  readonly assetId: string;
  readonly market: string;
  status: AssetStatus;
  /** Connection currently carrying the asset (the newest one during a recycle overlap). */
  conn: number | undefined;
  tick: TickSize | undefined;
  readonly addedAt: number;
  subscribedAt: number | undefined;
  expiredAt: number | undefined;
}

export interface MarketEntry {
  readonly market: string;
  slug: string | undefined;
  readonly assets: readonly string[];
  readonly source: "gamma" | "ws";
  readonly discoveredAt: number;
  closedAt: number | undefined;
  closeReason: string | undefined;
}

export interface RegistryStats {
  markets: number;
  activeMarkets: number;
  assets: number;
  pending: number;
  subscribed: number;
  expired: number;
  addedTotal: number;
  expiredTotal: number;
  removedTotal: number;
}

export class AssetRegistry {
  private readonly markets_ = new Map<string, MarketEntry>();
  private readonly assets_ = new Map<string, AssetEntry>();
  private addedTotal = 0;
  private expiredTotal = 0;
  private removedTotal = 0;

  /** Adds a market and its (not yet known) assets as pending; returns the newly added asset ids. */
  addMarket(
    m: {
      market: string;
      slug?: string | undefined;
      assets: readonly string[];
      ticks?: ReadonlyArray<TickSize | undefined>;
      source: "gamma" | "ws";
    },
    now: number,
  ): string[] {
    const existing = this.markets_.get(m.market);
    if (existing !== undefined) {
      if (existing.slug === undefined && m.slug !== undefined) existing.slug = m.slug;
      return [];
    }
    this.markets_.set(m.market, {
      market: m.market,
      slug: m.slug,
      assets: [...m.assets],
      source: m.source,
      discoveredAt: now,
      closedAt: undefined,
      closeReason: undefined,
    });
    const added: string[] = [];
    m.assets.forEach((assetId, i) => {
      if (this.assets_.has(assetId)) return;
      this.assets_.set(assetId, {
        assetId,
        market: m.market,
        status: "pending",
        conn: undefined,
        tick: m.ticks?.[i],
        addedAt: now,
        subscribedAt: undefined,
        expiredAt: undefined,
      });
      added.push(assetId);
      this.addedTotal++;
    });
    return added;
  }

  market(id: string): MarketEntry | undefined {
    return this.markets_.get(id);
  }

  asset(id: string): AssetEntry | undefined {
    return this.assets_.get(id);
  }

  markets(): IterableIterator<MarketEntry> {
    return this.markets_.values();
  }

  assets(): IterableIterator<AssetEntry> {
    return this.assets_.values();
  }

  pending(): string[] {
    const out: string[] = [];
    for (const a of this.assets_.values()) if (a.status === "pending") out.push(a.assetId);
    return out;
  }

  markSubscribed(assetId: string, conn: number, now: number): void {
    const a = this.assets_.get(assetId);
    if (a === undefined || a.status === "expired") return;
    a.status = "subscribed";
    a.conn = conn;
    a.subscribedAt ??= now;
  }

  /** The asset lost its connection and is waiting for another one. */
  markPending(assetId: string): void {
    const a = this.assets_.get(assetId);
    if (a === undefined || a.status === "expired") return;
    a.status = "pending";
    a.conn = undefined;
  }

  /** Market closed/resolved: its assets become expired (returns them, for unsubscribing). */
  expireMarket(market: string, reason: string, now: number): string[] {
    const m = this.markets_.get(market);
    if (m === undefined || m.closedAt !== undefined) return [];
    m.closedAt = now;
    m.closeReason = reason;
    const out: string[] = [];
    for (const id of m.assets) {
      const a = this.assets_.get(id);
      if (a === undefined || a.status === "expired") continue;
      a.status = "expired";
      a.expiredAt = now;
      this.expiredTotal++;
      out.push(id);
    }
    return out;
  }

  /** Drops a closed market and its assets (delayed cleanup); returns the removed asset ids. */
  removeMarket(market: string): string[] {
    const m = this.markets_.get(market);
    if (m === undefined) return [];
    this.markets_.delete(market);
    const out: string[] = [];
    for (const id of m.assets) if (this.assets_.delete(id)) out.push(id);
    this.removedTotal += out.length;
    return out;
  }

  /** Closed markets whose cleanup is due. */
  dueForCleanup(now: number, delayMs: number): string[] {
    const out: string[] = [];
    for (const m of this.markets_.values()) if (m.closedAt !== undefined && now - m.closedAt >= delayMs) out.push(m.market);
    return out;
  }

  stats(): RegistryStats {
    let pending = 0;
    let subscribed = 0;
    let expired = 0;
    for (const a of this.assets_.values()) {
      if (a.status === "pending") pending++;
      else if (a.status === "subscribed") subscribed++;
      else expired++;
    }
    let active = 0;
    for (const m of this.markets_.values()) if (m.closedAt === undefined) active++;
    return {
      markets: this.markets_.size,
      activeMarkets: active,
      assets: this.assets_.size,
      pending,
      subscribed,
      expired,
      addedTotal: this.addedTotal,
      expiredTotal: this.expiredTotal,
      removedTotal: this.removedTotal,
    };
  }
}
