/** Reading our market's book in YES-space, with the trust and staleness checks every strategy shares. */
import { type BookView, PRICE_SCALE, type TickSize } from "@mm/types";

export interface YesSpaceBook {
  readonly ok: true;
  readonly book: BookView;
  /** Which token's book was read; the NO book is mirrored (YES bid = 1 − NO ask). */
  readonly source: "yes" | "no";
  /** YES-space best bid / ask, price units. */
  readonly bestBid: number | undefined;
  readonly bestAsk: number | undefined;
  /** Crossed or locked as the cache reports it (never repaired here). */
  readonly crossed: boolean;
  readonly tick: TickSize;
  readonly ageMs: number;
}

export interface BookProblem {
  readonly ok: false;
  readonly code: "pulled_book_stale" | "pulled_book_untrusted";
  readonly detail: string;
}

/**
 * The freshest trusted book of the two tokens, seen in YES-space. No book ⇒ stale; no trusted book ⇒
 * untrusted; older than `staleAfterMs` ⇒ stale.
 */
export function readYesSpaceBook(
  yes: BookView | undefined,
  no: BookView | undefined,
  now: number,
  staleAfterMs: number,
): YesSpaceBook | BookProblem {
  if (yes === undefined && no === undefined) return { ok: false, code: "pulled_book_stale", detail: "no book yet" };
  let book: BookView | undefined;
  let source: "yes" | "no" = "yes";
  let age = Number.POSITIVE_INFINITY;
  if (yes?.trusted) {
    book = yes;
    age = yes.ageMs(now);
  }
  if (no?.trusted) {
    const a = no.ageMs(now);
    if (book === undefined || a < age) {
      book = no;
      source = "no";
      age = a;
    }
  }
  if (book === undefined) return { ok: false, code: "pulled_book_untrusted", detail: "book untrusted (awaiting a fresh snapshot)" };
  if (!(age <= staleAfterMs))
    return { ok: false, code: "pulled_book_stale", detail: `book ${formatAge(age)} old (limit ${formatAge(staleAfterMs)})` };
  const bid = book.bestBid();
  const ask = book.bestAsk();
  return {
    ok: true,
    book,
    source,
    bestBid: source === "yes" ? bid : ask === undefined ? undefined : PRICE_SCALE - ask,
    bestAsk: source === "yes" ? ask : bid === undefined ? undefined : PRICE_SCALE - bid,
    crossed: book.isCrossedOrLocked(),
    tick: book.tickSize,
    ageMs: age,
  };
}

export function formatAge(ms: number): string {
  if (!Number.isFinite(ms)) return "∞";
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
