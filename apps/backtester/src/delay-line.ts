/**
 * A FIFO of deliveries on the virtual clock: each item is delivered at max(its due time, the previous
 * item's delivery time), so a path never reorders (one socket, one gateway worker), and at most one
 * timer is armed per line however many items wait.
 */
import type { Clock, TimerHandle } from "@mm/types";

export class DelayLine<T> {
  private readonly times: number[] = [];
  private readonly items: T[] = [];
  private head = 0;
  private last = Number.NEGATIVE_INFINITY;
  private timer: TimerHandle | undefined;
  private armedAt = Number.NaN;

  constructor(
    private readonly clock: Clock,
    private readonly deliver: (item: T) => void,
  ) {}

  /** Schedules `item` `delayMs` from now (never before an item pushed earlier). Returns the delivery time. */
  push(delayMs: number, item: T): number {
    const at = Math.max(this.last, this.clock.now() + Math.max(0, delayMs));
    this.last = at;
    this.times.push(at);
    this.items.push(item);
    this.arm();
    return at;
  }

  get pending(): number {
    return this.items.length - this.head;
  }

  private arm(): void {
    if (this.head >= this.times.length) return;
    const at = this.times[this.head] as number;
    if (this.timer !== undefined && this.armedAt === at) return;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.armedAt = at;
    this.timer = this.clock.setTimer(at - this.clock.now(), () => this.fire());
  }

  private fire(): void {
    this.timer = undefined;
    const now = this.clock.now();
    while (this.head < this.times.length && (this.times[this.head] as number) <= now) {
      const item = this.items[this.head] as T;
      this.items[this.head] = undefined as T;
      this.head++;
      this.deliver(item);
    }
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.times.splice(0, this.head);
      this.head = 0;
    }
    this.arm();
  }
}
