/**
 * An interruptible sleep on the injected Clock: resolves `"timeout"` when the timer fires or
 * `"woken"` when `wake()` is called first (a new action arrived, typically a CANCEL_ALL).
 */
import type { Clock, TimerHandle } from "@mm/types";

export class Sleeper {
  private pending: { readonly resolve: (r: "timeout" | "woken") => void; readonly timer: TimerHandle | undefined } | undefined;

  constructor(private readonly clock: Clock) {}

  get sleeping(): boolean {
    return this.pending !== undefined;
  }

  sleep(ms: number): Promise<"timeout" | "woken"> {
    this.wake();
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms)
        ? this.clock.setTimer(Math.max(0, ms), () => {
            if (this.pending?.resolve === resolve) this.pending = undefined;
            resolve("timeout");
          })
        : undefined;
      this.pending = { resolve, timer };
    });
  }

  wake(): void {
    const p = this.pending;
    if (p === undefined) return;
    this.pending = undefined;
    if (p.timer !== undefined) this.clock.clearTimer(p.timer);
    p.resolve("woken");
  }
}
