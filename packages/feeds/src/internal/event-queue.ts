/**
 * An unbounded-by-construction, bounded-by-backpressure FIFO: the producer (a socket callback) can
 * always append — nothing is ever dropped — and crossing `highWater` tells it to stop reading
 * (`onHigh`), so the queue stays within `highWater` plus what was already in flight. Draining below
 * `lowWater` lets it read again (`onLow`). Consumers `take()` (promise) or `poll()`.
 */
export class BackpressureQueue<T> {
  private buf: (T | undefined)[];
  private head = 0;
  private count = 0;
  private waiters: ((value: T) => void)[] = [];
  private above = false;
  /** Largest size seen. */
  maxSize = 0;
  /** Times the producer was told to pause. */
  pauses = 0;

  constructor(
    readonly highWater: number,
    readonly lowWater: number,
    private readonly onHigh: () => void,
    private readonly onLow: () => void,
  ) {
    if (!(highWater >= 1) || !(lowWater >= 0) || lowWater >= highWater) throw new RangeError("need 0 <= lowWater < highWater");
    this.buf = new Array(Math.min(1024, highWater));
  }

  get size(): number {
    return this.count;
  }

  /** True while the producer should not read more. */
  get paused(): boolean {
    return this.above;
  }

  offer(value: T): void {
    const w = this.waiters.shift();
    if (w !== undefined) {
      w(value);
      return;
    }
    if (this.count === this.buf.length) this.growBuffer();
    this.buf[(this.head + this.count) % this.buf.length] = value;
    this.count++;
    if (this.count > this.maxSize) this.maxSize = this.count;
    if (!this.above && this.count >= this.highWater) {
      this.above = true;
      this.pauses++;
      this.onHigh();
    }
  }

  poll(): T | undefined {
    if (this.count === 0) return undefined;
    const v = this.buf[this.head] as T;
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) % this.buf.length;
    this.count--;
    if (this.above && this.count <= this.lowWater) {
      this.above = false;
      this.onLow();
    }
    return v;
  }

  /**
   * Next value, waiting if the queue is empty. With `signal`, an abort rejects the wait and
   * withdraws it, so a value offered later stays queued (aborting never loses an event).
   */
  take(signal?: AbortSignal): Promise<T> {
    if (this.count > 0) return Promise.resolve(this.poll() as T);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal?.reason);
      };
      const waiter = (value: T): void => {
        signal?.removeEventListener("abort", onAbort);
        resolve(value);
      };
      this.waiters.push(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  private growBuffer(): void {
    const next = new Array<T | undefined>(this.buf.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.buf[(this.head + i) % this.buf.length];
    this.buf = next;
    this.head = 0;
  }
}
