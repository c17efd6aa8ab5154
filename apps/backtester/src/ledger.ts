/**
 * Our economic position as the backtest sees it (not the executor's view): fills count from their
 * match, a FAILED trade is taken out again, fees and rebates count at MINED. Average-cost realized
 * PnL per token; marks at the venue mid (YES) and 1 − mid (NO); resolution pays 1 / 0.
 */
import { PRICE_SCALE, type TokenId } from "@mm/types";
import type { VenueTrade } from "./venue-model.js";

export interface TokenBook {
  readonly tokenId: TokenId;
  readonly market: number;
  readonly outcome: "YES" | "NO";
  /** micro-shares */
  position: number;
  /** price units */
  avgCost: number;
  /** micro-USDC */
  realized: number;
}

export class Ledger {
  /** micro-USDC: starting collateral ± fills − fees. */
  cash: number;
  fees = 0;
  private readonly tokens = new Map<TokenId, TokenBook>();
  private readonly active: VenueTrade[] = [];
  private dirty = false;
  private readonly startCash: number;

  constructor(
    startCollateral: number,
    private readonly tokenInfo: ReadonlyMap<TokenId, { readonly market: number; readonly outcome: "YES" | "NO" }>,
  ) {
    this.cash = startCollateral;
    this.startCash = startCollateral;
  }

  onTrade(t: VenueTrade): void {
    if (t.status === "MATCHED") {
      this.active.push(t);
      this.apply(t);
    } else if (t.status === "FAILED") {
      this.dirty = true;
    } else if (t.status === "MINED") {
      this.chargeFee(t);
    }
  }

  /** Token books, rebuilt from the surviving fills when a trade failed since the last read. */
  books(): readonly TokenBook[] {
    if (this.dirty) this.rebuild();
    return [...this.tokens.values()];
  }

  /** Mark-to-market equity minus the start, micro-USDC; `mark(market)` is the YES mid in price units. */
  valuation(mark: (market: number) => number | undefined, payoff?: (market: number) => 0 | 1 | undefined) {
    if (this.dirty) this.rebuild();
    let value = 0;
    let unrealized = 0;
    let realized = 0;
    for (const b of this.tokens.values()) {
      realized += b.realized;
      const won = payoff?.(b.market);
      let m: number | undefined;
      if (won !== undefined) m = (b.outcome === "YES" ? won : 1 - won) * PRICE_SCALE;
      else {
        const yes = mark(b.market);
        m = yes === undefined ? undefined : b.outcome === "YES" ? yes : PRICE_SCALE - yes;
      }
      const px = m ?? b.avgCost;
      value += (b.position * px) / PRICE_SCALE;
      unrealized += (b.position * (px - b.avgCost)) / PRICE_SCALE;
    }
    return { total: this.cash + value - this.startCash, realized: realized - this.fees, unrealized, fees: this.fees };
  }

  /** YES-space exposure of a market, shares (YES − NO). */
  exposure(market: number): number {
    if (this.dirty) this.rebuild();
    let q = 0;
    for (const b of this.tokens.values()) if (b.market === market) q += b.outcome === "YES" ? b.position : -b.position;
    return q / 1_000_000;
  }

  private book(t: VenueTrade): TokenBook {
    let b = this.tokens.get(t.tokenId);
    if (b === undefined) {
      const info = this.tokenInfo.get(t.tokenId);
      b = {
        tokenId: t.tokenId,
        market: info?.market ?? t.market,
        outcome: info?.outcome ?? t.outcome,
        position: 0,
        avgCost: 0,
        realized: 0,
      };
      this.tokens.set(t.tokenId, b);
    }
    return b;
  }

  private apply(t: VenueTrade): void {
    const b = this.book(t);
    const notional = (t.price * t.size) / PRICE_SCALE;
    if (t.side === "BUY") {
      b.avgCost = b.position + t.size > 0 ? (b.avgCost * b.position + t.price * t.size) / (b.position + t.size) : 0;
      b.position += t.size;
      this.cash -= notional;
    } else {
      b.realized += ((t.price - b.avgCost) * t.size) / PRICE_SCALE;
      b.position -= t.size;
      this.cash += notional;
      if (b.position <= 0) b.avgCost = b.position === 0 ? 0 : t.price;
    }
  }

  private rebuild(): void {
    this.dirty = false;
    this.cash = this.startCash;
    for (const b of this.tokens.values()) {
      b.position = 0;
      b.avgCost = 0;
      b.realized = 0;
    }
    this.fees = 0;
    for (let i = 0; i < this.active.length; i++) {
      const t = this.active[i] as VenueTrade;
      if (t.status === "FAILED") continue;
      this.apply(t);
      if (t.status === "MINED" || t.status === "CONFIRMED") this.chargeFee(t);
    }
    // Keep only the survivors.
    let w = 0;
    for (const t of this.active) if (t.status !== "FAILED") this.active[w++] = t;
    this.active.length = w;
  }

  /** A taker BUY pays in shares (the position shrinks); a taker SELL, or a rebate, in USDC. */
  private chargeFee(t: VenueTrade): void {
    this.fees += t.fee;
    if (t.feeShares > 0) {
      const b = this.tokens.get(t.tokenId);
      if (b !== undefined) b.position -= t.feeShares;
    } else this.cash -= t.fee;
  }
}
