/** Loopback venue simulator for ingestion tests (flow off, rate limits off, virtual time). */
import { PolymarketClient, type PolymarketClientOptions } from "../src/index.js";
import { startVenueSim, type SimMarket, type VenueSimHandle, type VenueSimOptions } from "@mm/venue-sim";
import { ManualClock, type Price, type Size, systemClock, type Usdc } from "@mm/types";

export const DAY = 86_400_000;
/** "Now" of the tests (2026-09-21). */
export const NOW = 1_790_000_000_000;

export interface TestVenue {
  readonly sim: VenueSimHandle;
  readonly clock: ManualClock;
  readonly markets: SimMarket[];
  client(options?: PolymarketClientOptions): PolymarketClient;
  stop(): Promise<void>;
}

export async function startTestVenue(options: VenueSimOptions & { startAt?: number } = {}): Promise<TestVenue> {
  const clock = new ManualClock(options.startAt ?? NOW);
  const sim = await startVenueSim({
    seed: 5,
    markets: 3,
    flow: false,
    rateLimits: false,
    clock,
    reference: { intervalMs: 0 },
    windowMs: 120 * DAY,
    ...options,
  });
  const clients: PolymarketClient[] = [];
  return {
    sim,
    clock,
    markets: sim.venue.allMarkets(),
    client(o = {}) {
      const c = new PolymarketClient({
        clobUrl: sim.urls.clob,
        gammaUrl: sim.urls.gamma,
        dataApiUrl: sim.urls.data,
        clock: systemClock,
        retry: { baseDelayMs: 2, maxDelayMs: 10 },
        timeoutMs: 5_000,
        ...o,
      });
      clients.push(c);
      return c;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.close()));
      await sim.stop();
    },
  };
}

let owners = 0;

/** Makes one trade of YES at `price` on the venue's engine: a maker sells minted YES, a taker buys it. */
export function matchYesTrade(sim: VenueSimHandle, m: SimMarket, price: Price, size: Size): void {
  const e = sim.venue.engine;
  const maker = `maker-${++owners}`;
  const taker = `taker-${owners}`;
  e.deposit(maker, 1_000_000_000 as Usdc);
  e.deposit(taker, 1_000_000_000 as Usdc);
  if (!e.split(maker, m.info.conditionId, size)) throw new Error("split failed");
  const ask = e.placeOrder({ owner: maker, tokenId: m.info.yes.tokenId, side: "SELL", orderType: "GTC", price, size });
  if (!ask.ok) throw new Error(`maker order rejected: ${JSON.stringify(ask)}`);
  const bid = e.placeOrder({ owner: taker, tokenId: m.info.yes.tokenId, side: "BUY", orderType: "GTC", price, size });
  if (!bid.ok || bid.tradeIds.length === 0) throw new Error(`taker order did not trade: ${JSON.stringify(bid)}`);
}

/** Rests a YES bid on the venue's book. */
export function restYesBid(sim: VenueSimHandle, m: SimMarket, price: Price, size: Size): void {
  const e = sim.venue.engine;
  const owner = `bidder-${++owners}`;
  e.deposit(owner, 1_000_000_000 as Usdc);
  const r = e.placeOrder({ owner, tokenId: m.info.yes.tokenId, side: "BUY", orderType: "GTC", price, size });
  if (!r.ok) throw new Error(`bid rejected: ${JSON.stringify(r)}`);
}
