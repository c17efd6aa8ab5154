/**
 * Change notification that never blocks the writer: writers mark keys dirty (O(1), idempotent),
 * the consumer drains them when it is ready. An optional signal fires once per empty → non-empty
 * transition, synchronously and cheaply; a throwing listener is counted, never propagated.
 */
export class DirtySet<K> {
  private readonly keys = new Set<K>();
  private listener: (() => void) | undefined;
  /** Listener exceptions swallowed so far (a consumer bug must not break the feed that writes). */
  signalErrors = 0;

  mark(key: K): void {
    const wasEmpty = this.keys.size === 0;
    this.keys.add(key);
    if (wasEmpty && this.listener !== undefined) {
      try {
        this.listener();
      } catch {
        this.signalErrors++;
      }
    }
  }

  delete(key: K): void {
    this.keys.delete(key);
  }

  get size(): number {
    return this.keys.size;
  }

  has(key: K): boolean {
    return this.keys.has(key);
  }

  /** Returns the dirty keys in first-marked order and clears the set (appends to `out` if given). */
  drain(out: K[] = []): K[] {
    for (const k of this.keys) out.push(k);
    this.keys.clear();
    return out;
  }

  /** Sets (or clears, with `undefined`) the signal. Returns the previous one. */
  onDirty(listener: (() => void) | undefined): (() => void) | undefined {
    const previous = this.listener;
    this.listener = listener;
    return previous;
  }
}
