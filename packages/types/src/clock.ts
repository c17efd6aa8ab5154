/**
 * The `Clock` port. Live code gets `systemClock`; tests and the backtester drive a `ManualClock`, so
 * the same strategy and executor code runs deterministically on virtual time.
 */
export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Runs `fn` once after `delayMs`. */
  setTimer(delayMs: number, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

class SystemClock implements Clock {
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private nextId = 1;
  now(): number {
    return Date.now();
  }
  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const id = this.nextId++;
    const t = setTimeout(
      () => {
        this.timers.delete(id);
        fn();
      },
      Math.max(0, delayMs),
    );
    this.timers.set(id, t);
    return { id };
  }
  clearTimer(handle: TimerHandle): void {
    const t = this.timers.get(handle.id);
    if (t !== undefined) {
      clearTimeout(t);
      this.timers.delete(handle.id);
    }
  }
}

export const systemClock: Clock = new SystemClock();

interface PendingTimer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

const earlier = (a: PendingTimer, b: PendingTimer): boolean => a.at < b.at || (a.at === b.at && a.id < b.id);

/**
 * Virtual time. `advance` fires due timers in time order (ties in creation order). Timers sit in a
 * binary min-heap, so a backtest with many pending settlement timers stays O(log n) per timer;
 * cancellation is lazy (the id is forgotten and skipped when it surfaces).
 */
export class ManualClock implements Clock {
  private current: number;
  private nextId = 1;
  private readonly heap: PendingTimer[] = [];
  private readonly live = new Set<number>();

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const id = this.nextId++;
    this.push({ id, at: this.current + Math.max(0, delayMs), fn });
    this.live.add(id);
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    this.live.delete(handle.id);
  }

  /** Number of timers not yet fired. */
  get pendingTimers(): number {
    return this.live.size;
  }

  /** Time of the next timer, if any. */
  nextTimerAt(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.at;
  }

  /** Moves time forward by `ms`, firing every timer that falls due (including ones set by fired timers). */
  advance(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  advanceTo(target: number): void {
    if (target < this.current) throw new RangeError(`ManualClock cannot go back from ${this.current} to ${target}`);
    for (;;) {
      this.dropCancelled();
      const next = this.heap[0];
      if (next === undefined || next.at > target) break;
      this.pop();
      this.live.delete(next.id);
      this.current = next.at;
      next.fn();
    }
    this.current = target;
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && !this.live.has((this.heap[0] as PendingTimer).id)) this.pop();
  }

  private push(t: PendingTimer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(t, h[parent] as PendingTimer)) break;
      h[i] = h[parent] as PendingTimer;
      i = parent;
    }
    h[i] = t;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop() as PendingTimer;
    if (h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const child = r < h.length && earlier(h[r] as PendingTimer, h[l] as PendingTimer) ? r : l;
      if (!earlier(h[child] as PendingTimer, last)) break;
      h[i] = h[child] as PendingTimer;
      i = child;
    }
    h[i] = last;
  }
}
