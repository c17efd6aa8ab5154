/**
 * PnL for presentation: our fills (deduplicated per trade leg, latest status wins, FAILED removed
 * whenever it arrives) replayed with average cost per token. Realized PnL comes from reducing a
 * position; unrealized marks what is held at a price the caller supplies (book mid, or 0/1 after
 * resolution). Integers throughout: price units × micro-shares / 10 000 = micro-USDC.
 */
import { fillKey, PRICE_SCALE, type UserFillEvent } from "@mm/types";

interface Leg {
  readonly seq: number;
  readonly conditionId: string;
  readonly tokenId: string;
  readonly side: "BUY" | "SELL";
  readonly price: number;
  readonly size: number;
  status: string;
}

export interface TokenPnl {
  /** Net shares (micro) from our non-failed fills. */
  readonly position: number;
  /** Average cost of the open position, price units. */
  readonly avgCost: number;
  /** micro-USDC. */
  readonly realized: number;
}

export class PnlTracker {
  private readonly legs = new Map<string, Leg>();
  private seq = 0;

  /** Applies a fill event (any status, duplicates welcome). */
  onFill(e: UserFillEvent): void {
    const key = fillKey(e);
    const prev = this.legs.get(key);
    if (prev !== undefined) {
      prev.status = e.status;
      return;
    }
    this.legs.set(key, {
      seq: this.seq++,
      conditionId: e.conditionId,
      tokenId: e.tokenId,
      side: e.side,
      price: e.price,
      size: e.size,
      status: e.status,
    });
  }

  /** Fill legs that did not fail. */
  get fills(): number {
    let n = 0;
    for (const l of this.legs.values()) if (l.status !== "FAILED") n++;
    return n;
  }

  fillsOf(conditionId: string): number {
    let n = 0;
    for (const l of this.legs.values()) if (l.status !== "FAILED" && l.conditionId === conditionId) n++;
    return n;
  }

  /** Per token: position, average cost, realized PnL. */
  byToken(): Map<string, TokenPnl> {
    const state = new Map<string, { position: number; cost: number; realized: number }>();
    const legs = [...this.legs.values()].filter((l) => l.status !== "FAILED").sort((a, b) => a.seq - b.seq);
    for (const l of legs) {
      const s = state.get(l.tokenId) ?? { position: 0, cost: 0, realized: 0 };
      const signed = l.side === "BUY" ? l.size : -l.size;
      // cost: micro-shares × price units (divide by PRICE_SCALE for micro-USDC)
      if (s.position === 0 || Math.sign(s.position) === Math.sign(signed)) {
        s.cost += signed * l.price;
        s.position += signed;
      } else {
        const closing = Math.min(Math.abs(signed), Math.abs(s.position));
        const avg = s.cost / s.position;
        const dir = Math.sign(s.position);
        s.realized += (dir * closing * (l.price - avg)) / PRICE_SCALE;
        s.cost -= dir * closing * avg;
        s.position -= dir * closing;
        const rest = Math.abs(signed) - closing;
        if (rest > 0) {
          s.position += Math.sign(signed) * rest;
          s.cost = Math.sign(signed) * rest * l.price;
        }
        if (s.position === 0) s.cost = 0;
      }
      state.set(l.tokenId, s);
    }
    const out = new Map<string, TokenPnl>();
    for (const [t, s] of state)
      out.set(t, { position: s.position, avgCost: s.position === 0 ? 0 : s.cost / s.position, realized: Math.round(s.realized) });
    return out;
  }

  /** Realized and unrealized micro-USDC over the given tokens, marking at `mark(token)` (price units). */
  pnl(tokens: readonly string[], mark: (tokenId: string) => number | undefined): { realized: number; unrealized: number } {
    const all = this.byToken();
    let realized = 0;
    let unrealized = 0;
    for (const t of tokens) {
      const s = all.get(t);
      if (s === undefined) continue;
      realized += s.realized;
      const m = mark(t);
      if (m !== undefined && s.position !== 0) unrealized += Math.round((s.position * (m - s.avgCost)) / PRICE_SCALE);
    }
    return { realized, unrealized };
  }
}
