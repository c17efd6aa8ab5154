/** `startVenueSim`: the in-process start/stop handle (ephemeral loopback ports, funded test credentials). */
import { type Clock, type FeeSchedule, isFeeSchedule, systemClock } from "@mm/types";
import { OrderFlow, type FlowOptions } from "../flow/flow.js";
import { makeUpDownMarkets } from "./markets.js";
import { type TestCredentials, Venue, type VenueOptions, type VenueUrls } from "./venue.js";

export interface VenueSimOptions extends Omit<VenueOptions, "seed"> {
  readonly seed?: number;
  /** Number of BTC up/down markets (default 3). */
  readonly markets?: number;
  /** Window of each market (default 15 min). */
  readonly windowMs?: number;
  /** Generate neg-risk markets (orders signed against the Neg Risk CTF Exchange); default false. */
  readonly negRisk?: boolean;
  /** Simulated order flow (default on); an object tunes it. */
  readonly flow?: boolean | Partial<FlowOptions>;
  /**
   * Taker fee schedule of every market, the initial ones and those the flow rolls in (default
   * none: nothing charged). E.g. `{ rateBps: 720, exponent: 1 }` for the crypto up/down markets.
   */
  readonly fees?: FeeSchedule;
}

export interface VenueSimHandle {
  readonly urls: VenueUrls;
  readonly credentials: TestCredentials;
  readonly venue: Venue;
  readonly flow: OrderFlow | undefined;
  readonly clock: Clock;
  /** The one-line JSON the CLI prints: urls + test credentials. */
  readonly summary: VenueUrls & TestCredentials;
  stop(): Promise<void>;
}

export async function startVenueSim(options: VenueSimOptions = {}): Promise<VenueSimHandle> {
  if (options.fees !== undefined && !isFeeSchedule(options.fees)) {
    throw new RangeError(
      `startVenueSim: invalid fee schedule ${JSON.stringify(options.fees)} (rateBps an integer in [0, 10000], exponent a whole number in [1, 8])`,
    );
  }
  const seed = options.seed ?? 1;
  const clock = options.clock ?? systemClock;
  const venue = new Venue({ ...options, seed, clock });
  const windowMs = options.windowMs ?? 15 * 60_000;
  const start = Math.floor(clock.now() / 60_000) * 60_000;
  for (const m of makeUpDownMarkets({
    seed,
    count: options.markets ?? 3,
    startTime: start,
    windowMs,
    staggerMs: Math.max(60_000, Math.floor(windowMs / Math.max(1, options.markets ?? 3))),
    ...(options.negRisk !== undefined ? { negRisk: options.negRisk } : {}),
    ...(options.fees !== undefined ? { fees: options.fees } : {}),
  })) {
    venue.addMarket(m);
  }
  let flow: OrderFlow | undefined;
  const urls = await venue.start();
  if (options.flow !== false) {
    flow = new OrderFlow(venue, { seed, windowMs, ...(typeof options.flow === "object" ? options.flow : {}) });
    flow.start();
  }
  let stopped = false;
  return {
    urls,
    credentials: venue.testCredentials,
    venue,
    flow,
    clock,
    summary: { ...urls, ...venue.testCredentials },
    async stop() {
      if (stopped) return;
      stopped = true;
      flow?.stop();
      await venue.stop();
    },
  };
}
