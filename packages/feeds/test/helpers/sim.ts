/** Helpers for tests against the venue simulator over loopback. */
import type { BookStore } from "@mm/caches";
import { type BookLevel, parsePriceUnits, parseSizeUnits, type TokenId } from "@mm/types";
import { startVenueSim, type VenueSimHandle, type VenueSimOptions } from "@mm/venue-sim";
import { request } from "undici";

export async function startSim(options: VenueSimOptions = {}): Promise<VenueSimHandle> {
  return startVenueSim({ seed: 7, markets: 2, rateLimits: false, ...options });
}

export const marketWsUrl = (sim: VenueSimHandle): string => `${sim.urls.ws}/market`;
export const userWsUrl = (sim: VenueSimHandle): string => `${sim.urls.ws}/user`;

interface WireBookBody {
  bids: { price: string; size: string }[];
  asks: { price: string; size: string }[];
  tick_size: string;
}

/** The venue's book over HTTP (`GET /book`), levels best first, as integers. */
export async function restBook(sim: VenueSimHandle, token: string): Promise<{ bids: BookLevel[]; asks: BookLevel[] }> {
  const res = await request(`${sim.urls.clob}/book?token_id=${token}`);
  if (res.statusCode !== 200) throw new Error(`/book ${res.statusCode}: ${await res.body.text()}`);
  const body = (await res.body.json()) as WireBookBody;
  const conv = (l: { price: string; size: string }) => ({ price: parsePriceUnits(l.price), size: parseSizeUnits(l.size) }) as BookLevel;
  const bids = body.bids.map(conv).sort((a, b) => b.price - a.price);
  const asks = body.asks.map(conv).sort((a, b) => a.price - b.price);
  return { bids, asks };
}

/** Differences between the store's book and the venue's `/book` (empty when they match exactly). */
export async function bookDiffs(sim: VenueSimHandle, books: BookStore, tokens: readonly string[]): Promise<string[]> {
  const diffs: string[] = [];
  for (const t of tokens) {
    const rest = await restBook(sim, t);
    const view = books.book(t as TokenId);
    if (view === undefined) {
      diffs.push(`${t}: no book`);
      continue;
    }
    const mine = { bids: view.topLevels("BID", 10_000), asks: view.topLevels("ASK", 10_000) };
    if (JSON.stringify(mine) !== JSON.stringify(rest)) {
      diffs.push(`${t}: store ${JSON.stringify(mine).slice(0, 200)} vs venue ${JSON.stringify(rest).slice(0, 200)}`);
    }
  }
  return diffs;
}
