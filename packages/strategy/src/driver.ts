/**
 * The small driver between caches and the executor: told that snapshots changed, it coalesces the
 * burst on the injected Clock, reads the snapshots once, asks the strategy, checks the answer and
 * overwrites the single-slot output with the latest `DesiredQuoteSet` (law I). Synchronous; no I/O.
 *
 * Timing: with `leading` (default) the first change after a quiet period is computed at once (no
 * macrotask hop on the tick-to-intent path); changes within `debounceMs` of the last computation
 * are coalesced into one computation at the end of that window. A refresh every `refreshMs`
 * recomputes without any change, because time alone changes the answer (reference staleness,
 * time to expiry): a silent reference feed must still lead to a pull.
 */
import type { BookReader, Clock, DesiredQuoteSet, Mailbox, MarketInfo, ReferenceReader, TimerHandle } from "@mm/types";
import type { InventoryReader } from "./inventory.js";
import { pulledQuoteSet, type Strategy, type StrategyInputs } from "./strategy.js";
import { validateDesiredQuoteSet } from "./validate.js";
import { OpeningPriceTracker } from "./open-price.js";
import { EwmaVolatility } from "./volatility.js";

export interface StrategyDriverOptions {
  readonly clock: Clock;
  readonly strategy: Strategy;
  /** The market, or a getter for its latest metadata (tick size and status change at runtime). */
  readonly market: MarketInfo | (() => MarketInfo);
  readonly books: BookReader;
  /** Required when the strategy declares a `referenceSymbol`. */
  readonly references?: ReferenceReader;
  readonly inventory: InventoryReader;
  /** Where the latest set goes; give it a single-slot mailbox such as `LatestSlot`. */
  readonly output: Mailbox<DesiredQuoteSet>;
  /** Coalescing window, ms (default 10). */
  readonly debounceMs?: number;
  /** Compute the first change after a quiet period at once (default true). */
  readonly leading?: boolean;
  /** Recompute at least this often without changes, ms (default 1000; 0 disables). */
  readonly refreshMs?: number;
  /** Volatility estimator of the strategy's reference (default: a new `EwmaVolatility()`). */
  readonly volatility?: EwmaVolatility;
  /**
   * Opening price of an up/down window. Default: captured from the reference snapshots this driver
   * reads (`OpeningPriceTracker`, 2 s tolerance) when the market has a `startTime`.
   */
  readonly openPrice?: () => number | undefined;
  /** First `seq` (default 1). */
  readonly initialSeq?: number;
  /** Told about a strategy that threw or returned an invalid set (the driver pulls in both cases). */
  readonly onProblem?: (problem: DriverProblem) => void;
}

export interface DriverProblem {
  readonly kind: "strategy_threw" | "invalid_intent";
  readonly strategy: string;
  readonly detail: string;
  readonly error?: unknown;
}

export interface StrategyDriverStats {
  readonly notifications: number;
  readonly computations: number;
  readonly refreshes: number;
  readonly strategyErrors: number;
  readonly invalidIntents: number;
}

export class StrategyDriver {
  readonly strategy: Strategy;
  readonly volatility: EwmaVolatility | undefined;
  private readonly clock: Clock;
  private readonly marketOf: () => MarketInfo;
  private readonly opts: StrategyDriverOptions;
  private readonly debounceMs: number;
  private readonly leading: boolean;
  private readonly refreshMs: number;
  private seq: number;
  private dirty = false;
  private lastComputeAt = Number.NEGATIVE_INFINITY;
  private coalesceTimer: TimerHandle | undefined;
  private refreshTimer: TimerHandle | undefined;
  private stopped = false;
  private latest: DesiredQuoteSet | undefined;
  private openTracker: OpeningPriceTracker | undefined;
  private counters = { notifications: 0, computations: 0, refreshes: 0, strategyErrors: 0, invalidIntents: 0 };

  constructor(options: StrategyDriverOptions) {
    this.opts = options;
    this.clock = options.clock;
    this.strategy = options.strategy;
    const market = options.market;
    this.marketOf = typeof market === "function" ? market : () => market;
    this.debounceMs = options.debounceMs ?? 10;
    this.leading = options.leading ?? true;
    this.refreshMs = options.refreshMs ?? 1000;
    this.seq = options.initialSeq ?? 1;
    if (!(Number.isFinite(this.debounceMs) && this.debounceMs >= 0))
      throw new RangeError(`debounceMs must be ≥ 0 (got ${this.debounceMs})`);
    if (!(Number.isFinite(this.refreshMs) && this.refreshMs >= 0)) throw new RangeError(`refreshMs must be ≥ 0 (got ${this.refreshMs})`);
    if (!Number.isSafeInteger(this.seq) || this.seq < 0)
      throw new RangeError(`initialSeq must be a non-negative integer (got ${this.seq})`);
    if (options.strategy.referenceSymbol !== undefined) {
      if (options.references === undefined)
        throw new RangeError(
          `strategy ${options.strategy.name} reads ${options.strategy.referenceSymbol} but no ReferenceReader was given`,
        );
      this.volatility = options.volatility ?? new EwmaVolatility();
    } else {
      this.volatility = options.volatility;
    }
  }

  /** Cache keys this driver depends on: both token ids and the reference symbol. */
  watchedKeys(): string[] {
    const m = this.marketOf();
    const keys: string[] = [m.yes.tokenId, m.no.tokenId];
    if (this.strategy.referenceSymbol !== undefined) keys.push(this.strategy.referenceSymbol);
    return keys;
  }

  /** Change signal: something this driver reads has changed. Cheap; may compute at once (leading edge). */
  notify(): void {
    if (this.stopped) return;
    this.counters.notifications++;
    this.dirty = true;
    if (this.coalesceTimer !== undefined) return;
    const now = this.clock.now();
    const due = this.lastComputeAt + this.debounceMs;
    if (this.leading && now >= due) {
      this.compute(false);
      return;
    }
    // min(): a wall clock stepped backwards must not push the computation out by the step.
    const delay = this.leading ? Math.min(due - now, this.debounceMs) : this.debounceMs;
    this.coalesceTimer = this.clock.setTimer(delay, () => {
      this.coalesceTimer = undefined;
      if (this.dirty && !this.stopped) this.compute(false);
    });
  }

  /** Computes now if a change is pending (e.g. at the end of a feed batch). */
  flush(): DesiredQuoteSet | undefined {
    if (!this.dirty || this.stopped) return undefined;
    this.clearCoalesce();
    return this.compute(false);
  }

  /** Computes now regardless of changes. */
  recompute(): DesiredQuoteSet | undefined {
    if (this.stopped) return undefined;
    this.clearCoalesce();
    return this.compute(false);
  }

  /** The last set posted. */
  get lastPosted(): DesiredQuoteSet | undefined {
    return this.latest;
  }

  stats(): StrategyDriverStats {
    return { ...this.counters };
  }

  /** Stops timers; with `pull`, first posts an empty set (`pulled_manual`). Nothing is posted afterwards. */
  stop(options: { readonly pull?: boolean; readonly detail?: string } = {}): void {
    if (this.stopped) return;
    if (options.pull) this.post(pulledQuoteSet(this.baseInputs(), "pulled_manual", options.detail ?? "strategy stopped"));
    this.stopped = true;
    this.clearCoalesce();
    if (this.refreshTimer !== undefined) this.clock.clearTimer(this.refreshTimer);
    this.refreshTimer = undefined;
  }

  private clearCoalesce(): void {
    if (this.coalesceTimer !== undefined) this.clock.clearTimer(this.coalesceTimer);
    this.coalesceTimer = undefined;
  }

  private baseInputs(): Pick<StrategyInputs, "seq" | "now" | "market"> {
    return { seq: this.seq, now: this.clock.now(), market: this.marketOf() };
  }

  private compute(refresh: boolean): DesiredQuoteSet {
    const now = this.clock.now();
    this.dirty = false;
    this.lastComputeAt = now;
    this.counters.computations++;
    if (refresh) this.counters.refreshes++;
    const market = this.marketOf();
    const symbol = this.strategy.referenceSymbol;
    const reference = symbol === undefined ? undefined : this.opts.references?.reference(symbol);
    if (reference !== undefined) {
      this.volatility?.observeSnapshot(reference);
      if (this.opts.openPrice === undefined && market.startTime !== undefined) {
        if (this.openTracker?.startTime !== market.startTime) this.openTracker = new OpeningPriceTracker(market.startTime);
        this.openTracker.observe(reference.mid, reference.receivedAt);
      }
    }
    const openPrice = this.opts.openPrice !== undefined ? this.opts.openPrice() : this.openTracker?.value();
    const inventory = this.opts.inventory.inventory(market.conditionId);
    let set: DesiredQuoteSet;
    if (inventory === undefined) {
      set = pulledQuoteSet({ seq: this.seq, now, market }, "pulled_inventory_invalid", "inventory not known yet");
    } else {
      const inputs: StrategyInputs = {
        seq: this.seq,
        now,
        market,
        yesBook: this.opts.books.book(market.yes.tokenId),
        noBook: this.opts.books.book(market.no.tokenId),
        reference,
        volatility: this.volatility?.estimate(),
        inventory,
        openPrice,
      };
      set = this.run(inputs);
    }
    this.post(set);
    this.armRefresh();
    return set;
  }

  private run(inputs: StrategyInputs): DesiredQuoteSet {
    let set: DesiredQuoteSet;
    try {
      set = this.strategy.quote(inputs);
    } catch (error) {
      this.counters.strategyErrors++;
      const detail = error instanceof Error ? error.message : String(error);
      this.opts.onProblem?.({ kind: "strategy_threw", strategy: this.strategy.name, detail, error });
      return pulledQuoteSet(inputs, "pulled_strategy_error", `${this.strategy.name} threw: ${detail}`.slice(0, 200));
    }
    const problems =
      set.conditionId === inputs.market.conditionId && set.seq === inputs.seq ? validateDesiredQuoteSet(set) : ["wrong conditionId or seq"];
    if (problems.length > 0) {
      this.counters.invalidIntents++;
      const detail = problems.slice(0, 3).join("; ");
      this.opts.onProblem?.({ kind: "invalid_intent", strategy: this.strategy.name, detail });
      return pulledQuoteSet(inputs, "pulled_invalid_intent", `${this.strategy.name}: ${detail}`.slice(0, 200));
    }
    return set;
  }

  private post(set: DesiredQuoteSet): void {
    this.seq++;
    this.latest = set;
    this.opts.output.post(set);
  }

  /** One refresh timer at a time: when it fires early (a computation happened meanwhile) it re-arms for the rest. */
  private armRefresh(): void {
    if (this.refreshMs === 0 || this.stopped || this.refreshTimer !== undefined) return;
    this.scheduleRefresh(this.refreshMs);
  }

  private scheduleRefresh(delay: number): void {
    this.refreshTimer = this.clock.setTimer(delay, () => {
      this.refreshTimer = undefined;
      if (this.stopped) return;
      const idle = this.clock.now() - this.lastComputeAt;
      if (idle >= this.refreshMs) {
        this.clearCoalesce();
        this.compute(true);
      } else {
        this.scheduleRefresh(Math.min(this.refreshMs, this.refreshMs - idle));
      }
    });
  }
}

/**
 * Routes cache change keys (token ids, reference symbols) to the drivers that read them; feed it
 * from a cache's change signal or by draining its dirty set.
 */
export class StrategyDriverRouter {
  private readonly byKey = new Map<string, StrategyDriver[]>();

  add(driver: StrategyDriver): void {
    for (const key of driver.watchedKeys()) {
      const list = this.byKey.get(key);
      if (list === undefined) this.byKey.set(key, [driver]);
      else if (!list.includes(driver)) list.push(driver);
    }
  }

  remove(driver: StrategyDriver): void {
    for (const [key, list] of this.byKey) {
      const rest = list.filter((d) => d !== driver);
      if (rest.length === 0) this.byKey.delete(key);
      else this.byKey.set(key, rest);
    }
  }

  /** Notifies every driver that reads `key`; returns how many. */
  notify(key: string): number {
    const list = this.byKey.get(key);
    if (list === undefined) return 0;
    for (const d of list) d.notify();
    return list.length;
  }

  /**
   * Notifies for every key of a drained dirty set, each driver once: a frame that changed both tokens
   * of a market (the usual `price_change`) is one change to its driver, not two (a second notify in
   * the same burst would only schedule a redundant trailing computation).
   */
  drain(keys: Iterable<string>): void {
    const due = this.due;
    const start = due.length; // re-entrant drains (a driver's output posting into one) use the tail
    for (const key of keys) {
      const list = this.byKey.get(key);
      if (list === undefined) continue;
      for (const d of list) if (due.indexOf(d, start) < 0) due.push(d);
    }
    const end = due.length;
    try {
      for (let i = start; i < end; i++) due[i]!.notify();
    } finally {
      // Popping keeps the scratch's backing store (\`length = 0\` would drop it: a new one every burst).
      while (due.length > start) due.pop();
    }
  }

  /** Scratch list of `drain` (reused: no allocation per burst). */
  private readonly due: StrategyDriver[] = [];
}
