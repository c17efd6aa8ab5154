/** Prometheus metrics of the bot (own registry, so several bots or tests never collide). */
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";

export class BotMetrics {
  readonly registry = new Registry();
  readonly ordersPlaced = new Counter({
    name: "mm_orders_placed_total",
    help: "PLACE actions submitted",
    labelNames: ["market"],
    registers: [this.registry],
  });
  readonly cancels = new Counter({
    name: "mm_cancels_total",
    help: "CANCEL and CANCEL_ALL actions submitted",
    labelNames: ["kind"],
    registers: [this.registry],
  });
  readonly fills = new Counter({
    name: "mm_fill_updates_total",
    help: "Fill status updates applied",
    labelNames: ["status"],
    registers: [this.registry],
  });
  readonly rejects = new Counter({
    name: "mm_rejects_total",
    help: "Venue rejections by classified reason",
    labelNames: ["reason"],
    registers: [this.registry],
  });
  readonly reconnects = new Counter({
    name: "mm_feed_reconnects_total",
    help: "Feed reconnects",
    labelNames: ["feed"],
    registers: [this.registry],
  });
  readonly invariantViolations = new Counter({
    name: "mm_invariant_violations_total",
    help: "Executor law checks that failed",
    registers: [this.registry],
  });
  readonly executorMode = new Gauge({
    name: "mm_executor_mode",
    help: "1 for the executor's current mode",
    labelNames: ["market", "mode"],
    registers: [this.registry],
  });
  readonly inventory = new Gauge({
    name: "mm_inventory_shares",
    help: "Inventory per token",
    labelNames: ["market", "outcome", "state"],
    registers: [this.registry],
  });
  readonly pnl = new Gauge({ name: "mm_pnl_usdc", help: "PnL in USDC", labelNames: ["market", "kind"], registers: [this.registry] });
  readonly feedAge = new Gauge({
    name: "mm_feed_last_message_age_seconds",
    help: "Seconds since the feed's last message",
    labelNames: ["feed"],
    registers: [this.registry],
  });

  constructor(options: { readonly processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: "mm_" });
  }

  setMode(market: string, mode: string, modes: readonly string[]): void {
    for (const m of modes) this.executorMode.set({ market, mode: m }, m === mode ? 1 : 0);
  }
}
