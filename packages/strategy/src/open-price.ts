/**
 * The reference price at the start of an up/down window, captured from the snapshots the driver
 * reads. The opening price is the last observation at or before `startTime`, provided it is at most
 * `toleranceMs` old at the start (the feed was alive); otherwise the first observation after the
 * start, if it arrives within `toleranceMs`. Otherwise it stays unknown and the strategy pulls:
 * supply the opening price explicitly then (e.g. from the resolution source).
 *
 * The venue resolves crypto up/down markets on its resolution source (Chainlink data streams), so
 * a price captured from another reference (Binance) is an approximation of the strike.
 */
export class OpeningPriceTracker {
  private beforePrice = Number.NaN;
  private beforeAt = Number.NEGATIVE_INFINITY;
  private afterPrice = Number.NaN;
  private afterAt = Number.NaN;

  constructor(
    readonly startTime: number,
    readonly toleranceMs = 2000,
  ) {
    if (!Number.isFinite(startTime)) throw new RangeError(`startTime must be finite (got ${startTime})`);
    if (!(Number.isFinite(toleranceMs) && toleranceMs >= 0)) throw new RangeError(`toleranceMs must be ≥ 0 (got ${toleranceMs})`);
  }

  /** Feeds one observation (price at epoch-ms `at`); invalid ones are ignored. */
  observe(price: number, at: number): void {
    if (!(Number.isFinite(price) && price > 0 && Number.isFinite(at))) return;
    if (at <= this.startTime) {
      if (at >= this.beforeAt) {
        this.beforePrice = price;
        this.beforeAt = at;
      }
    } else if (Number.isNaN(this.afterAt) || at < this.afterAt) {
      this.afterPrice = price;
      this.afterAt = at;
    }
  }

  /** The opening price when it can be established, else undefined. */
  value(): number | undefined {
    if (this.startTime - this.beforeAt <= this.toleranceMs) return this.beforePrice;
    if (!Number.isNaN(this.afterAt) && this.afterAt - this.startTime <= this.toleranceMs) return this.afterPrice;
    return undefined;
  }
}
