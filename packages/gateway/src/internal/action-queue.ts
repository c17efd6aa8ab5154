/**
 * The gateway's priority queue, served by one worker. Three lanes:
 *  1. interrupt — CANCEL_ALL, always served first and never rate-limited;
 *  2. cancel    — CANCEL, FIFO, ahead of new orders (cancels only ever reduce risk);
 *  3. normal    — PLACE and SYNC, FIFO between them (a SYNC answers for what was sent before it).
 * Pushing a CANCEL_ALL can clear every queued PLACE (returned to the caller, which must answer
 * each one), so no PLACE queued before a CANCEL_ALL can be sent after it. Pure data structure.
 */
import type { CancelAction, CancelAllAction, PlaceAction, SyncAction } from "@mm/types";

export interface Queued<A> {
  readonly action: A;
  /** Clock time when submitted. */
  readonly enqueuedAt: number;
}

/** A simple array deque with amortized O(1) shift (index + periodic compaction). */
class Lane<T> {
  private items: T[] = [];
  private start = 0;

  get length(): number {
    return this.items.length - this.start;
  }
  push(x: T): void {
    this.items.push(x);
  }
  unshift(xs: readonly T[]): void {
    if (xs.length === 0) return;
    this.items = [...xs, ...this.items.slice(this.start)];
    this.start = 0;
  }
  peek(i = 0): T | undefined {
    return this.items[this.start + i];
  }
  shift(): T | undefined {
    if (this.start >= this.items.length) return undefined;
    const x = this.items[this.start++];
    if (this.start > 1024 && this.start * 2 > this.items.length) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
    return x;
  }
  /** Removes and returns every item matching `pred`, keeping the order of the rest. */
  removeWhere(pred: (x: T) => boolean): T[] {
    const kept: T[] = [];
    const removed: T[] = [];
    for (let i = this.start; i < this.items.length; i++) {
      const x = this.items[i] as T;
      (pred(x) ? removed : kept).push(x);
    }
    this.items = kept;
    this.start = 0;
    return removed;
  }
  toArray(): T[] {
    return this.items.slice(this.start);
  }
}

export type NormalAction = PlaceAction | SyncAction;

export class ActionQueue {
  private readonly interrupt = new Lane<Queued<CancelAllAction>>();
  private readonly cancels = new Lane<Queued<CancelAction>>();
  private readonly normal = new Lane<Queued<NormalAction>>();

  get size(): number {
    return this.interrupt.length + this.cancels.length + this.normal.length;
  }
  get pendingCancelAll(): number {
    return this.interrupt.length;
  }
  get pendingCancels(): number {
    return this.cancels.length;
  }
  get pendingNormal(): number {
    return this.normal.length;
  }

  pushCancelAll(action: CancelAllAction, now: number, clearPlaces: boolean): Queued<PlaceAction>[] {
    this.interrupt.push({ action, enqueuedAt: now });
    return clearPlaces ? this.clearPlaces() : [];
  }

  pushCancel(action: CancelAction, now: number): void {
    this.cancels.push({ action, enqueuedAt: now });
  }

  pushNormal(action: NormalAction, now: number): void {
    this.normal.push({ action, enqueuedAt: now });
  }

  /** Removes every queued PLACE (SYNCs stay), in submission order. */
  clearPlaces(): Queued<PlaceAction>[] {
    return this.normal.removeWhere((q) => q.action.kind === "PLACE") as Queued<PlaceAction>[];
  }

  /** Takes every queued CANCEL_ALL (they are coalesced into one venue call). */
  takeCancelAlls(): Queued<CancelAllAction>[] {
    const out: Queued<CancelAllAction>[] = [];
    for (let q = this.interrupt.shift(); q !== undefined; q = this.interrupt.shift()) out.push(q);
    return out;
  }

  /** Up to `max` cancels from the head of the cancel lane. */
  takeCancels(max: number): Queued<CancelAction>[] {
    const out: Queued<CancelAction>[] = [];
    while (out.length < max) {
      const q = this.cancels.shift();
      if (q === undefined) break;
      out.push(q);
    }
    return out;
  }

  /** Puts cancels back at the head (e.g. a CANCEL_ALL interrupted their retry). */
  requeueCancels(items: readonly Queued<CancelAction>[]): void {
    this.cancels.unshift(items);
  }

  requeueNormal(items: readonly Queued<NormalAction>[]): void {
    this.normal.unshift(items);
  }

  peekNormal(): Queued<NormalAction> | undefined {
    return this.normal.peek();
  }

  /** Number of consecutive PLACEs at the head of the normal lane (stops at a SYNC), up to `max`. */
  leadingPlaces(max: number): number {
    let n = 0;
    while (n < max) {
      const q = this.normal.peek(n);
      if (q === undefined || q.action.kind !== "PLACE") break;
      n++;
    }
    return n;
  }

  /** Takes up to `max` consecutive PLACEs from the head of the normal lane. */
  takePlaces(max: number): Queued<PlaceAction>[] {
    const n = this.leadingPlaces(max);
    const out: Queued<PlaceAction>[] = [];
    for (let i = 0; i < n; i++) out.push(this.normal.shift() as Queued<PlaceAction>);
    return out;
  }

  takeSync(): Queued<SyncAction> | undefined {
    const q = this.normal.peek();
    if (q === undefined || q.action.kind !== "SYNC") return undefined;
    return this.normal.shift() as Queued<SyncAction>;
  }

  /** Removes everything (shutdown), lanes in priority order. */
  drain(): Queued<CancelAllAction | CancelAction | NormalAction>[] {
    const out: Queued<CancelAllAction | CancelAction | NormalAction>[] = [
      ...this.interrupt.toArray(),
      ...this.cancels.toArray(),
      ...this.normal.toArray(),
    ];
    this.interrupt.removeWhere(() => true);
    this.cancels.removeWhere(() => true);
    this.normal.removeWhere(() => true);
    return out;
  }
}
