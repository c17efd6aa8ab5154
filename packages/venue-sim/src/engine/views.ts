import type { BookSnapshot, Level } from "./types.js";

/**
 * The wire's level order for a snapshot: bids ascending and asks descending (best price LAST,
 * POLYMARKET.md §2.4 / GOTCHAS 3). Engine snapshots are best-first; this returns new arrays.
 */
export function wireOrderLevels(snapshot: Pick<BookSnapshot, "bids" | "asks">): { readonly bids: Level[]; readonly asks: Level[] } {
  return { bids: snapshot.bids.slice().reverse(), asks: snapshot.asks.slice().reverse() };
}
