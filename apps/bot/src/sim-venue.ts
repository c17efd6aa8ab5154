/**
 * Sim mode: the venue simulator in-process on loopback, with seeded order flow and a seeded BTC
 * reference path. The simulator checks orders like the real venue (EIP-712 order ids, signatures,
 * L2 auth), so the same gateway code runs in sim and live modes.
 */
import type { Clock } from "@mm/types";
import { startVenueSim, type VenueSimHandle } from "@mm/venue-sim";
import type { BotConfig } from "./config.js";

/** `clock`: the simulator's timers (settlement, flow, reference path) run on it; close it after `stop()`. */
export async function startSimVenue(config: Readonly<BotConfig>, clock: Clock): Promise<VenueSimHandle> {
  const s = config.sim;
  return startVenueSim({
    clock,
    seed: s.seed,
    markets: s.markets,
    windowMs: s.windowMinutes * 60_000,
    flow: s.flow ? { takerRatePerSec: s.takerRatePerSec } : false,
    engine: {
      settlement: {
        minedDelayMs: s.minedDelayMs,
        confirmedDelayMs: s.confirmedDelayMs,
        retryDelayMs: Math.max(100, s.minedDelayMs),
        failProbability: s.failedTradeProbability,
        retryProbability: 0,
      },
    },
    testCollateral: Math.round(s.collateral * 1_000_000),
    fees: { rateBps: s.takerFeeBps, exponent: s.feeExponent },
    reference: { symbols: [{ symbol: config.reference.symbol, volatility: s.volatility }] },
  });
}
