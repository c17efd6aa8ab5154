/**
 * Ordered shutdown (ARCHITECTURE.md): stop strategy → cancel-all → stop feeds → flush the journal.
 * SIGINT/SIGTERM start it; a second signal forces exit, but only once cancel-all has been attempted,
 * so an impatient Ctrl-C never leaves quotes resting at the venue. One Ctrl-C often arrives twice
 * (the terminal signals the whole process group and `pnpm` relays it to its child): signals within
 * `relayWindowMs` of the first count as that same keypress.
 */
export interface ShutdownStep {
  readonly name: string;
  /** Marks the step whose attempt unlocks a forced exit. */
  readonly safety?: boolean;
  readonly run: () => Promise<void> | void;
  /** Give up on this step after this many ms (default 5 s) and continue. */
  readonly timeoutMs?: number;
}

export interface ShutdownReport {
  readonly reason: string;
  readonly steps: readonly { readonly name: string; readonly ok: boolean; readonly error?: string; readonly ms: number }[];
}

export interface SignalSource {
  on(signal: "SIGINT" | "SIGTERM", handler: () => void): unknown;
  off(signal: "SIGINT" | "SIGTERM", handler: () => void): unknown;
}

export class ShutdownCoordinator {
  private started: Promise<ShutdownReport> | undefined;
  private safetyAttempted = false;
  private finished = false;
  private firstSignalAt = Number.NEGATIVE_INFINITY;
  private readonly handler = (): void => this.onSignal();

  constructor(
    private readonly steps: readonly ShutdownStep[],
    private readonly hooks: {
      readonly forceExit: (code: number) => void;
      readonly log: (message: string) => void;
      readonly signals?: SignalSource;
      /** Signals this soon after the first are the same keypress relayed by a parent. Default 1,000 ms. */
      readonly relayWindowMs?: number;
      readonly now?: () => number;
    },
  ) {
    hooks.signals?.on("SIGINT", this.handler);
    hooks.signals?.on("SIGTERM", this.handler);
  }

  get isShuttingDown(): boolean {
    return this.started !== undefined;
  }

  /** Runs the steps once, in order; later calls return the same promise. */
  shutdown(reason: string): Promise<ShutdownReport> {
    this.started ??= this.runSteps(reason);
    return this.started;
  }

  private onSignal(): void {
    if (this.finished) {
      this.hooks.log("signal received after shutdown completed: exiting");
      return;
    }
    const now = (this.hooks.now ?? Date.now)();
    if (!this.started) {
      this.firstSignalAt = now;
      this.hooks.log("signal received: shutting down (stop strategy, cancel-all, stop feeds, flush journal); signal again to force exit");
      void this.shutdown("signal");
      return;
    }
    if (now - this.firstSignalAt < (this.hooks.relayWindowMs ?? 1_000)) return;
    if (this.safetyAttempted) {
      this.hooks.log("second signal: forcing exit (cancel-all was attempted)");
      this.hooks.forceExit(130);
    } else {
      this.hooks.log("second signal: waiting until cancel-all has been attempted before exiting");
    }
  }

  private async runSteps(reason: string): Promise<ShutdownReport> {
    const results: { name: string; ok: boolean; error?: string; ms: number }[] = [];
    for (const step of this.steps) {
      const t0 = Date.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(step.run),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${step.timeoutMs ?? 5_000} ms`)), step.timeoutMs ?? 5_000);
          }),
        ]);
        results.push({ name: step.name, ok: true, ms: Date.now() - t0 });
      } catch (error) {
        results.push({ name: step.name, ok: false, error: error instanceof Error ? error.message : String(error), ms: Date.now() - t0 });
      } finally {
        clearTimeout(timer);
        if (step.safety) this.safetyAttempted = true;
      }
    }
    // The handlers stay installed: a signal that arrives after shutdown (process managers and pnpm
    // forward Ctrl-C to the whole group) must not kill the process mid-exit with the default action.
    this.finished = true;
    return { reason, steps: results };
  }
}
