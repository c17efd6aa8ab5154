/**
 * The bot's clock: the system clock, plus the ability to cancel every timer still pending when the
 * run ends (executor cooldown / sync-retry timers, strategy refreshes), so nothing fires into a
 * closed journal and nothing keeps the process alive after shutdown.
 */
import { type Clock, systemClock, type TimerHandle } from "@mm/types";

export class RunClock implements Clock {
  private readonly pending = new Map<number, TimerHandle>();
  private closed = false;
  private nextDeadId = -1;

  now(): number {
    return systemClock.now();
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    if (this.closed) return { id: this.nextDeadId-- };
    const handle = systemClock.setTimer(delayMs, () => {
      this.pending.delete(handle.id);
      if (!this.closed) fn();
    });
    this.pending.set(handle.id, handle);
    return handle;
  }

  clearTimer(handle: TimerHandle): void {
    if (handle.id < 0) return;
    this.pending.delete(handle.id);
    systemClock.clearTimer(handle);
  }

  /** Timers not yet fired. */
  get pendingTimers(): number {
    return this.pending.size;
  }

  /** Cancels every pending timer; later timers are never scheduled. */
  close(): void {
    this.closed = true;
    for (const h of this.pending.values()) systemClock.clearTimer(h);
    this.pending.clear();
  }
}
