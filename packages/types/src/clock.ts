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

/** Virtual time. `advance` fires due timers in time order (ties in creation order). */
export class ManualClock implements Clock {
  private current: number;
  private nextId = 1;
  private pending: PendingTimer[] = [];

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const id = this.nextId++;
    this.pending.push({ id, at: this.current + Math.max(0, delayMs), fn });
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    this.pending = this.pending.filter((t) => t.id !== handle.id);
  }

  /** Number of timers not yet fired. */
  get pendingTimers(): number {
    return this.pending.length;
  }

  /** Time of the next timer, if any. */
  nextTimerAt(): number | undefined {
    let min: number | undefined;
    for (const t of this.pending) if (min === undefined || t.at < min) min = t.at;
    return min;
  }

  /** Moves time forward by `ms`, firing every timer that falls due (including ones set by fired timers). */
  advance(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  advanceTo(target: number): void {
    if (target < this.current) throw new RangeError(`ManualClock cannot go back from ${this.current} to ${target}`);
    for (;;) {
      let next: PendingTimer | undefined;
      for (const t of this.pending)
        if (t.at <= target && (next === undefined || t.at < next.at || (t.at === next.at && t.id < next.id))) next = t;
      if (next === undefined) break;
      const due = next;
      this.pending = this.pending.filter((t) => t.id !== due.id);
      this.current = due.at;
      due.fn();
    }
    this.current = target;
  }
}
