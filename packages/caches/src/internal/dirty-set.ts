/**
 * Change notification that never blocks the writer: writers mark keys dirty (O(1), idempotent),
 * the consumer drains them when it is ready. An optional signal fires once per empty → non-empty
 * transition, synchronously and cheaply; a throwing listener is counted, never propagated.
 *
 * Drained on every frame, so it allocates nothing in steady state: a key is dirty when its stamp is
 * the current generation, and a drain only moves to the next generation. (A `Set` cleared per drain
 * cost a fresh hash table each time: `Set.prototype.clear` allocates one, and it was ~2% of the G4
 * tick.) The stamp map holds each key once marked until it is deleted, like the keys' books.
 */
export class DirtySet<K> {
  /** Dirty keys in first-marked order (emptied by popping: the array keeps its storage). */
  private readonly order: K[] = [];
  /** key → the generation it was last marked in. */
  private readonly stamps = new Map<K, number>();
  private generation = 1;
  private listener: (() => void) | undefined;
  /** Listener exceptions swallowed so far (a consumer bug must not break the feed that writes). */
  signalErrors = 0;

  mark(key: K): void {
    if (this.stamps.get(key) === this.generation) return;
    this.stamps.set(key, this.generation);
    this.order.push(key);
    if (this.order.length === 1 && this.listener !== undefined) {
      try {
        this.listener();
      } catch {
        this.signalErrors++;
      }
    }
  }

  /** Forgets the key (dirty or not): for keys that go away for good (an unregistered book). */
  delete(key: K): void {
    const dirty = this.stamps.get(key) === this.generation;
    this.stamps.delete(key);
    if (!dirty) return;
    const i = this.order.indexOf(key);
    if (i >= 0) this.order.splice(i, 1);
  }

  get size(): number {
    return this.order.length;
  }

  has(key: K): boolean {
    return this.stamps.get(key) === this.generation;
  }

  /** Returns the dirty keys in first-marked order and clears the set (appends to `out` if given). */
  drain(out: K[] = []): K[] {
    const order = this.order;
    for (let i = 0; i < order.length; i++) out.push(order[i]!);
    while (order.length > 0) order.pop();
    this.generation++;
    return out;
  }

  /** Sets (or clears, with `undefined`) the signal. Returns the previous one. */
  onDirty(listener: (() => void) | undefined): (() => void) | undefined {
    const previous = this.listener;
    this.listener = listener;
    return previous;
  }
}
