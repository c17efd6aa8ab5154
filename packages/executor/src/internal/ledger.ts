/**
 * The reservation ledger: one entry per open order (keyed by client order id), so an order can never
 * hold two reservations. Totals per asset are kept incrementally and can be re-derived (`audit`).
 * An entry is set to what the order holds NOW (`set`), so every update is idempotent; amounts are
 * clamped at 0 and a zero entry is removed.
 */
import type { Reservation, TokenId } from "@mm/types";

type Entry = { -readonly [K in keyof Reservation]: Reservation[K] };

export class ReservationLedger {
  /** Entries are updated in place (one object per order for its whole life: no garbage per fill). */
  private readonly entries = new Map<string, Entry>();
  private readonly totals = new Map<string, number>();

  set(clientOrderId: string, asset: "COLLATERAL" | TokenId, amount: number): void {
    const next = Math.max(amount, 0);
    const prev = this.entries.get(clientOrderId);
    if (prev) {
      if (prev.asset === asset && prev.amount === next) return;
      this.totals.set(prev.asset, (this.totals.get(prev.asset) ?? 0) - prev.amount);
      if (next === 0) {
        this.entries.delete(clientOrderId);
        return;
      }
      prev.asset = asset;
      prev.amount = next;
    } else {
      if (next === 0) return;
      this.entries.set(clientOrderId, { clientOrderId, asset, amount: next });
    }
    this.totals.set(asset, (this.totals.get(asset) ?? 0) + next);
  }

  /** The order's reservation as it is now (read it, don't keep it: it changes in place). */
  get(clientOrderId: string): Reservation | undefined {
    return this.entries.get(clientOrderId);
  }

  total(asset: "COLLATERAL" | TokenId): number {
    return this.totals.get(asset) ?? 0;
  }

  /** Copies of every entry (safe to keep). */
  list(): Reservation[] {
    const out: Reservation[] = [];
    for (const r of this.entries.values()) out.push({ clientOrderId: r.clientOrderId, asset: r.asset, amount: r.amount });
    return out;
  }

  /** Problems found re-deriving the totals (empty when consistent). */
  audit(): string[] {
    const sums = new Map<string, number>();
    const problems: string[] = [];
    for (const r of this.entries.values()) {
      if (!(r.amount > 0)) problems.push(`reservation ${r.clientOrderId} is ${r.amount}`);
      sums.set(r.asset, (sums.get(r.asset) ?? 0) + r.amount);
    }
    for (const [asset, t] of this.totals) {
      if (t < 0) problems.push(`total reserved ${asset} is negative: ${t}`);
      if ((sums.get(asset) ?? 0) !== t) problems.push(`total reserved ${asset} ${t} != Σ entries ${sums.get(asset) ?? 0}`);
    }
    return problems;
  }
}
