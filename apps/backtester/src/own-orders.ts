/**
 * Own-order stripping: a recording of a session in which our bot traded contains OUR resting orders
 * in the venue's book. Replaying it as-is double counts them: the replayed order would queue behind
 * its own recorded twin, and the twin's cancel would look like someone else's cancel ahead of it.
 *
 * From the session's executor journal we reconstruct our resting size per YES-space level over time
 * as signed deltas (`ownOrderDeltas`):
 *
 * - place: +(size − matched on entry) when the venue accepted it (the earlier of the PLACE_ACK and
 *   the user channel's PLACEMENT, as the journal received them);
 * - maker fill: −size when the fill (first status seen) reached us;
 * - cancel: −(size − all maker fills of the order) at the earlier of CANCELLATION, CANCEL_ACK
 *   (canceled) and CANCEL_ALL_ACK; so an order's deltas always sum to zero once it left the book.
 *
 * `stripOwnOrders` subtracts them from the tape's levels. Timing: tape times are the recorder's
 * RECEIVE times and journal times are the bot's receive times of the venue's answers, so a delta and
 * the book update that shows it differ by a few network latencies in either direction. Each delta is
 * therefore attributed to the book update of its level that shows exactly that change (the nearest
 * such delta in time), or several of our decreases summing exactly to it (a batch cancel), or for
 * fills an aggregated decrease at least as large (a taker took others' and our size at once), within
 * `windowMs` of it, and an order's deltas only in their order (never a
 * cancel before its place); a delta no
 * update explains within the window is applied when the window has passed (`forced`, counted).
 * Output levels are recorded size − our attributed size; where our attribution exceeds the recorded
 * level the level is 0 and the excess is counted, never a negative size.
 *
 * Trade prints: a print that filled our live order is kept by default (`ownTrades: "keep"`). The
 * taker's volume is independent of who rested at the level, so in the replay the same print first
 * consumes the (stripped) queue ahead of our simulated order and then fills it, which is how the
 * live fill came about. `"remove"` subtracts our maker fills from the prints instead (for a model
 * in which prints must only represent others' volume); the end-to-end parity test measures both.
 */
import type { JournalEntry } from "@mm/executor";
import { type OrderId, PRICE_SCALE, type Side, type TokenId } from "@mm/types";
import { EventKind, SIDE_ASK, SIDE_BID, type Tape, TAKER_BUY, TapeBuilder } from "./tape.js";

export interface OwnOrderDelta {
  /** Journal time (the bot's receive time of the venue answer), epoch ms. */
  readonly at: number;
  readonly market: number;
  /** YES-space side: 0 bid, 1 ask. */
  readonly side: 0 | 1;
  /** YES-space price, price units. */
  readonly price: number;
  /** Signed change of our resting size at the level, micro-shares. */
  readonly size: number;
  readonly kind: "place" | "fill" | "cancel";
  readonly orderId: string;
}

export interface OwnOrderDeltaStats {
  /** Acked orders that rested (place deltas). */
  orders: number;
  /** Orders of unknown tokens (not in the tape's markets), ignored. */
  unknownToken: number;
  /** Maker fills of orders the journal has no accepted PLACE for, ignored. */
  orphanFills: number;
}

interface OrderRec {
  orderId: string;
  market: number;
  side: 0 | 1;
  price: number;
  size: number;
  matchedOnEntry: number;
  placedAt: number;
  cancelAt: number;
  makerFills: { at: number; size: number }[];
}

/** Our resting-size deltas per YES-space level, time-ordered, from an executor journal. */
export function ownOrderDeltas(
  entries: readonly JournalEntry[],
  markets: Tape["markets"],
  stats: OwnOrderDeltaStats = { orders: 0, unknownToken: 0, orphanFills: 0 },
): OwnOrderDelta[] {
  const token = new Map<TokenId, { market: number; yes: boolean }>();
  markets.forEach((m, i) => {
    token.set(m.yes.tokenId, { market: i, yes: true });
    token.set(m.no.tokenId, { market: i, yes: false });
  });
  const placeByClient = new Map<string, { tokenId: TokenId; side: Side; price: number; size: number }>();
  const orders = new Map<string, OrderRec>();
  const placementAt = new Map<string, { at: number; matched: number }>();
  const cancelAt = new Map<string, number>();
  const fillSeen = new Set<string>();
  const fills: { orderId: string; at: number; size: number }[] = [];
  const earliest = (m: Map<string, number>, id: string, at: number): void => {
    const prev = m.get(id);
    if (prev === undefined || at < prev) m.set(id, at);
  };
  for (const e of entries) {
    if (e.type === "action" && e.action.kind === "PLACE") {
      const o = e.action.order;
      placeByClient.set(o.clientOrderId, { tokenId: o.tokenId, side: o.side, price: o.price, size: o.size });
    } else if (e.type === "gateway") {
      const r = e.result;
      if (r.kind === "PLACE_ACK") {
        const req = placeByClient.get(r.clientOrderId);
        if (req === undefined || orders.has(r.orderId)) continue;
        const loc = token.get(req.tokenId);
        if (loc === undefined) {
          stats.unknownToken++;
          continue;
        }
        const bid = loc.yes === (req.side === "BUY");
        orders.set(r.orderId, {
          orderId: r.orderId,
          market: loc.market,
          side: bid ? SIDE_BID : SIDE_ASK,
          price: loc.yes ? req.price : PRICE_SCALE - req.price,
          size: req.size,
          matchedOnEntry: r.venueStatus === "matched" ? req.size : 0,
          placedAt: e.at,
          cancelAt: Number.NaN,
          makerFills: [],
        });
      } else if (r.kind === "CANCEL_ACK" && r.canceled) earliest(cancelAt, r.orderId, e.at);
      else if (r.kind === "CANCEL_ALL_ACK") for (const id of r.canceled) earliest(cancelAt, id, e.at);
    } else if (e.type === "user") {
      const ev = e.event;
      if (ev.kind === "order") {
        if (ev.eventType === "PLACEMENT") {
          const prev = placementAt.get(ev.orderId);
          if (prev === undefined || e.at < prev.at) placementAt.set(ev.orderId, { at: e.at, matched: ev.sizeMatched });
        } else if (ev.eventType === "CANCELLATION") earliest(cancelAt, ev.orderId, e.at);
      } else if (ev.kind === "fill" && ev.role === "MAKER") {
        const key = `${ev.tradeId}:${ev.orderId}`;
        if (fillSeen.has(key)) continue; // later statuses of the same leg: the book moved once
        fillSeen.add(key);
        fills.push({ orderId: ev.orderId, at: e.at, size: ev.size });
      }
    }
  }
  for (const f of fills) {
    const o = orders.get(f.orderId);
    if (o === undefined) stats.orphanFills++;
    else o.makerFills.push({ at: f.at, size: f.size });
  }
  const out: OwnOrderDelta[] = [];
  for (const o of orders.values()) {
    const p = placementAt.get(o.orderId as OrderId);
    if (p !== undefined) {
      o.placedAt = Math.min(o.placedAt, p.at);
      o.matchedOnEntry = Math.max(o.matchedOnEntry, p.matched);
    }
    const rests = o.size - o.matchedOnEntry;
    if (rests <= 0) continue;
    stats.orders++;
    const base = { market: o.market, side: o.side, price: o.price, orderId: o.orderId };
    out.push({ ...base, at: o.placedAt, size: rests, kind: "place" });
    let filled = 0;
    for (const f of o.makerFills) {
      const s = Math.min(f.size, rests - filled);
      if (s <= 0) continue;
      filled += s;
      out.push({ ...base, at: Math.max(f.at, o.placedAt), size: -s, kind: "fill" });
    }
    const c = cancelAt.get(o.orderId);
    if (c !== undefined && rests - filled > 0) out.push({ ...base, at: Math.max(c, o.placedAt), size: -(rests - filled), kind: "cancel" });
  }
  // Time order; at equal times a place before its own fills and cancel.
  const rank = { place: 0, fill: 1, cancel: 2 } as const;
  return out.sort((a, b) => a.at - b.at || rank[a.kind] - rank[b.kind]);
}

export interface StripOptions {
  /** Max |tape time − journal time| for attributing a delta to a book update, ms (default 250). */
  readonly windowMs?: number;
  /** Trade prints that filled our live orders: kept (default) or reduced by our maker fills. */
  readonly ownTrades?: "keep" | "remove";
}

export interface StripStats extends OwnOrderDeltaStats {
  deltas: number;
  /** Deltas attributed to the book update showing them. */
  matched: number;
  /** Deltas no update explained within the window, applied when it passed. */
  forced: number;
  /** Deltas after the tape's end (not applied). */
  afterEnd: number;
  /** Output levels where our attributed size exceeded the recorded one (set to 0), and the excess, micro-shares. */
  excessLevels: number;
  excessSize: number;
  /** Negative deltas larger than our attributed size at the level (clamped at 0), micro-shares. */
  clampedSize: number;
  /** Trade volume removed as our own fills (`ownTrades: "remove"`), micro-shares. */
  tradeVolumeRemoved: number;
}

const NP = PRICE_SCALE + 1;

/** The tape without our own resting orders (see the module comment); a pure function of its inputs. */
export function stripOwnOrders(
  tape: Tape,
  entries: readonly JournalEntry[],
  options: StripOptions = {},
): { readonly tape: Tape; readonly stats: StripStats; readonly deltas: readonly OwnOrderDelta[] } {
  const W = options.windowMs ?? 250;
  if (!(W >= 0)) throw new RangeError("windowMs must be ≥ 0");
  const removeTrades = options.ownTrades === "remove";
  const stats: StripStats = {
    orders: 0,
    unknownToken: 0,
    orphanFills: 0,
    deltas: 0,
    matched: 0,
    forced: 0,
    afterEnd: 0,
    excessLevels: 0,
    excessSize: 0,
    clampedSize: 0,
    tradeVolumeRemoved: 0,
  };
  const ds = ownOrderDeltas(entries, tape.markets, stats);
  stats.deltas = ds.length;
  const nm = tape.markets.length;
  // Per market: [bid, ask] × price, recorded size R, our attributed size O, last emitted output.
  const R = Array.from({ length: nm }, () => new Float64Array(2 * NP));
  const O = Array.from({ length: nm }, () => new Float64Array(2 * NP));
  const last = Array.from({ length: nm }, () => new Float64Array(2 * NP));
  const pending = new Map<number, number[]>(); // level key → unapplied delta indices, time order
  const scratch = new Float64Array(2 * NP); // a snapshot's levels
  const applied = new Uint8Array(ds.length);
  const tradeUsed = new Uint8Array(ds.length);
  const keyOf = (d: OwnOrderDelta): number => d.market * 2 * NP + d.side * NP + d.price;
  let admitted = 0;
  let forceFrom = 0;
  const b = new TapeBuilder(
    { markets: tape.markets, symbols: tape.symbols, source: `${tape.source} (own orders stripped)` },
    tape.length + 16,
  );

  const apply = (i: number): void => {
    const d = ds[i] as OwnOrderDelta;
    applied[i] = 1;
    const o = O[d.market] as Float64Array;
    const j = d.side * NP + d.price;
    const v = (o[j] as number) + d.size;
    if (v < 0) stats.clampedSize += -v;
    o[j] = Math.max(0, v);
    const list = pending.get(keyOf(d));
    if (list !== undefined) {
      const k = list.indexOf(i);
      if (k >= 0) list.splice(k, 1);
      if (list.length === 0) pending.delete(keyOf(d));
    }
  };
  const output = (m: number, j: number): number => {
    const v = ((R[m] as Float64Array)[j] as number) - ((O[m] as Float64Array)[j] as number);
    if (v >= 0) return v;
    stats.excessLevels++;
    stats.excessSize += -v;
    return 0;
  };
  // An order's deltas apply in their order (a cancel never before its place).
  const byOrder = new Map<string, { idx: number[]; next: number }>();
  ds.forEach((d, i) => {
    const o = byOrder.get(d.orderId);
    if (o === undefined) byOrder.set(d.orderId, { idx: [i], next: 0 });
    else o.idx.push(i);
  });
  const eligible = (i: number): boolean => {
    const o = byOrder.get((ds[i] as OwnOrderDelta).orderId) as { idx: number[]; next: number };
    while (o.next < o.idx.length && applied[o.idx[o.next] as number] === 1) o.next++;
    return o.idx[o.next] === i;
  };
  /** Attributes the recorded change `delta` at level `j` of market `m` at time `t` to our pending deltas there. */
  const attribute = (m: number, j: number, delta: number, t: number): void => {
    if (delta === 0) return;
    const list = pending.get(m * 2 * NP + j);
    if (list === undefined) return;
    const cands = list.filter(eligible);
    let exact: number | undefined;
    for (const i of cands) {
      const d = ds[i] as OwnOrderDelta;
      if (d.size === delta && (exact === undefined || Math.abs(d.at - t) < Math.abs((ds[exact] as OwnOrderDelta).at - t))) exact = i;
    }
    if (exact !== undefined) {
      apply(exact);
      stats.matched++;
      return;
    }
    // Increases need an exact match (a level appearing in a snapshot is no evidence of our place).
    if (delta > 0) return;
    // A batch cancel of several of our orders at the level is one update: decreases summing exactly
    // to the change, nearest in time first.
    const near = cands
      .filter((i) => (ds[i] as OwnOrderDelta).size < 0)
      .sort((a, b) => Math.abs((ds[a] as OwnOrderDelta).at - t) - Math.abs((ds[b] as OwnOrderDelta).at - t));
    const pick: number[] = [];
    let sum = 0;
    for (const i of near) {
      const z = (ds[i] as OwnOrderDelta).size;
      if (sum + z < delta) continue;
      sum += z;
      pick.push(i);
      if (sum === delta) break;
    }
    if (sum === delta && pick.length > 1) {
      for (const i of pick) apply(i);
      stats.matched += pick.length;
      return;
    }
    // A taker took others' and our size in one update: our fills that fit the decrease.
    let acc = 0;
    for (const i of cands) {
      const d = ds[i] as OwnOrderDelta;
      if (d.kind !== "fill" || acc + d.size < delta) continue;
      acc += d.size;
      apply(i);
      stats.matched++;
    }
  };
  const emitLevel = (t: number, m: number, j: number): void => {
    const v = output(m, j);
    const l = last[m] as Float64Array;
    if (v === l[j]) return;
    l[j] = v;
    b.push(t, EventKind.LEVEL, m, j >= NP ? SIDE_ASK : SIDE_BID, j % NP, v);
  };

  for (let i = 0; i < tape.length; i++) {
    const t = tape.time[i] as number;
    while (admitted < ds.length && (ds[admitted] as OwnOrderDelta).at <= t + W) {
      const d = ds[admitted] as OwnOrderDelta;
      const k = keyOf(d);
      const list = pending.get(k);
      if (list === undefined) pending.set(k, [admitted]);
      else list.push(admitted);
      admitted++;
    }
    while (forceFrom < admitted && (ds[forceFrom] as OwnOrderDelta).at < t - W) {
      if (applied[forceFrom] === 0) {
        const d = ds[forceFrom] as OwnOrderDelta;
        apply(forceFrom);
        stats.forced++;
        emitLevel(t, d.market, d.side * NP + d.price);
      }
      forceFrom++;
    }
    const kind = tape.kind[i] as number;
    const m = tape.market[i] as number;
    if (kind === EventKind.SNAPSHOT && m < nm) {
      const n = tape.size[i] as number;
      const r = R[m] as Float64Array;
      const fresh = scratch.fill(0);
      for (let j = i + 1; j <= i + n && j < tape.length; j++) {
        const p = tape.price[j] as number;
        if (p > 0 && p < PRICE_SCALE) fresh[(tape.side[j] === SIDE_BID ? 0 : NP) + p] = tape.size[j] as number;
      }
      for (let j = 0; j < 2 * NP; j++) {
        const nv = fresh[j] as number;
        const ov = r[j] as number;
        if (nv === ov) continue;
        r[j] = nv;
        attribute(m, j, nv - ov, t);
      }
      const bids: { price: number; size: number }[] = [];
      const asks: { price: number; size: number }[] = [];
      const l = last[m] as Float64Array;
      for (let j = 0; j < 2 * NP; j++) {
        const v = r[j] === 0 && (O[m] as Float64Array)[j] === 0 ? 0 : output(m, j);
        l[j] = v;
        if (v > 0) (j < NP ? bids : asks).push({ price: j % NP, size: v });
      }
      // The tape's order: bids best first, asks best first.
      bids.reverse();
      b.snapshot(t, m, bids, asks);
      i += n;
      continue;
    }
    if (kind === EventKind.LEVEL && m < nm) {
      const j = ((tape.side[i] as number) === SIDE_BID ? 0 : NP) + (tape.price[i] as number);
      const r = R[m] as Float64Array;
      const nv = tape.size[i] as number;
      const delta = nv - (r[j] as number);
      r[j] = nv;
      attribute(m, j, delta, t);
      emitLevel(t, m, j);
      continue;
    }
    if (kind === EventKind.TRADE && removeTrades && m < nm) {
      const takerBuy = (tape.side[i] as number) === TAKER_BUY;
      const p = tape.price[i] as number;
      let size = tape.size[i] as number;
      for (let k = forceFrom; k < admitted && size > 0; k++) {
        const d = ds[k] as OwnOrderDelta;
        if (tradeUsed[k] === 1 || d.kind !== "fill" || d.market !== m || Math.abs(d.at - t) > W) continue;
        if (takerBuy ? d.side !== SIDE_ASK || d.price > p : d.side !== SIDE_BID || d.price < p) continue;
        tradeUsed[k] = 1;
        const s = Math.min(size, -d.size);
        size -= s;
        stats.tradeVolumeRemoved += s;
      }
      if (size > 0) b.push(t, EventKind.TRADE, m, tape.side[i] as number, p, size, tape.aux[i] as number);
      continue;
    }
    b.push(t, kind as EventKind, m, tape.side[i] as number, tape.price[i] as number, tape.size[i] as number, tape.aux[i] as number);
  }
  stats.afterEnd = ds.length - admitted + [...pending.values()].reduce((a, l) => a + l.length, 0);
  return { tape: b.build(), stats, deltas: ds };
}
