/**
 * Book-only replay: the tape through the venue model (books, trades, the queue-position model of
 * whatever orders rest) without strategy or executor. The fast path of sweeps over fill models and
 * the G8 benchmark; `jsonLinesToTapeUnchecked` is the JSON-lines decode it is compared with.
 */
import type { ManualClock } from "@mm/types";
import { EVENT_KIND_NAMES, type EventKind, type Tape, TapeBuilder, type TapeMeta } from "./tape.js";
import { EventKind as K } from "./tape.js";
import type { SimVenue } from "./venue-model.js";

/** Applies every event to `venue`, advancing `clock` with the tape's time. Returns the events applied. */
export function replayBook(tape: Tape, venue: SimVenue, clock: ManualClock): number {
  const n = tape.length;
  const { time, kind, market, side, price, size } = tape;
  let now = clock.now();
  let applied = 0;
  for (let i = 0; i < n; i++) {
    const t = time[i] as number;
    if (t > now) {
      clock.advanceTo(t);
      now = t;
    }
    const k = kind[i] as number;
    if (k === K.SNAPSHOT) {
      venue.applySnapshot(tape, i);
      const levels = size[i] as number;
      i += levels;
      applied += levels + 1;
      continue;
    }
    // Reference quotes move no book (the runner feeds them to the reference cache).
    if (k !== K.REFERENCE) venue.applyScalar(k, market[i] as number, side[i] as number, price[i] as number, size[i] as number);
    applied++;
  }
  return applied;
}

const KINDS = new Map<string, EventKind>(EVENT_KIND_NAMES.map((k, i) => [k, i as EventKind]));

/**
 * JSON lines → tape with `JSON.parse` per line and no schema validation: the cheapest honest JSON
 * decode (the replay bench's baseline). Use `tapeFromJsonLines` for untrusted input.
 */
export function jsonLinesToTapeUnchecked(text: string): Tape {
  let start = 0;
  let end = text.indexOf("\n");
  const meta = JSON.parse(text.slice(0, end < 0 ? text.length : end)) as TapeMeta;
  const b = new TapeBuilder(meta, 1 << 16);
  start = end + 1;
  while (start > 0 && start < text.length) {
    end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    if (end > start) {
      const e = JSON.parse(text.slice(start, end)) as { t: number; k: string; m: number; s: number; p: number; q: number; x: number };
      b.push(e.t, KINDS.get(e.k) ?? K.REFERENCE, e.m, e.s, e.p, e.q, e.x);
    }
    start = end + 1;
  }
  return b.build();
}
