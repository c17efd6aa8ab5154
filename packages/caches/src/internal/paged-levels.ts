/**
 * One side of an order book over a bounded integer index space, stored as a two-level paged array.
 *
 * Index space: `0 .. numSlots-1`, where a HIGHER index is always a BETTER price (the book mirrors
 * the ask side so that both sides share this code). A directory (`dir`, one Int32 per page of
 * `PAGE_SIZE` slots) maps a page to its offset in a per-side pool (`pool`, Float64 sizes, 0 = no
 * level); absent pages cost 4 bytes. Memory therefore follows the occupied price ranges, not the
 * grid: a 0.01 grid (101 slots) costs ~1 KB per side, a 0.0001 grid (10,001 slots) ~1.3 KB of
 * directory plus 256 B per occupied page, instead of an 80 KB dense array per side.
 *
 * Costs: `set` is O(1) — a directory load, a slot write and a best-index compare (no per-level
 * counters on the hot path). The best index is tracked and rescanned only when the best level is
 * deleted; the rescan walks the directory and the slots of present pages, so it is bounded by
 * `numPages + numSlots` in the worst case and is usually one page.
 *
 * Reclamation without per-update bookkeeping: pages that became empty are returned to the free
 * list (a) when a rescan walks over them, (b) by a sweep before the pool would grow, and (c) on
 * `clear`/`compact` (every snapshot). So the pool grows (by 1.5×) only when the live pages need
 * it, and a snapshot shrinks an oversized pool back to ~1.25× the live pages.
 *
 * Callers validate inputs (index in range, size a safe non-negative integer); this class does not.
 */

export const PAGE_BITS = 5;
export const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;
/** Pages a pool starts with (or all pages, when the grid is smaller). */
const MIN_POOL_PAGES = 4;

export class PagedLevels {
  /** Slots in the index space (grid size). */
  numSlots: number;
  /** Directory length: pages covering the index space. */
  numPages: number;
  /** Page → offset of its first slot in `pool`, or -1 when the page is not allocated. */
  private dir: Int32Array;
  /** Sizes by pool slot; 0 means no level. */
  private pool: Float64Array;
  /** Stack of free pool page numbers. */
  private free: Int32Array;
  private freeTop = 0;
  /** Pool pages handed out so far (high-water mark; pages below it are allocated or free). */
  private used = 0;
  /** Pool capacity in pages. */
  private cap: number;
  /** Best (highest) occupied index, or -1 when the side is empty. */
  best = -1;

  constructor(numSlots: number) {
    this.numSlots = numSlots;
    this.numPages = (numSlots + PAGE_MASK) >> PAGE_BITS;
    this.cap = Math.min(this.numPages, MIN_POOL_PAGES);
    this.dir = new Int32Array(this.numPages).fill(-1);
    this.pool = new Float64Array(this.cap << PAGE_BITS);
    this.free = new Int32Array(this.cap);
  }

  get(i: number): number {
    const off = this.dir[i >> PAGE_BITS]!;
    return off < 0 ? 0 : this.pool[off + (i & PAGE_MASK)]!;
  }

  /** Sets the absolute size at index `i` (0 removes the level). */
  set(i: number, size: number): void {
    let off = this.dir[i >> PAGE_BITS]!;
    if (off < 0) {
      if (size === 0) return; // removing an absent level
      off = this.allocPage(i >> PAGE_BITS);
    }
    this.pool[off + (i & PAGE_MASK)] = size;
    if (size !== 0) {
      if (i > this.best) this.best = i;
    } else if (i === this.best) {
      this.best = this.nextBelow(i);
    }
  }

  /**
   * Highest occupied index strictly below `i`, or -1. Walks present pages downwards and frees the
   * empty ones it crosses.
   */
  nextBelow(i: number): number {
    if (i <= 0) return -1;
    const dir = this.dir;
    const pool = this.pool;
    let pi = (i - 1) >> PAGE_BITS;
    let off = dir[pi]!;
    if (off >= 0) {
      for (let j = (i - 1) & PAGE_MASK; j >= 0; j--) if (pool[off + j] !== 0) return (pi << PAGE_BITS) | j;
      if (this.pageEmpty(off)) this.freePage(pi, off);
    }
    for (pi--; pi >= 0; pi--) {
      off = dir[pi]!;
      if (off < 0) continue;
      for (let j = PAGE_MASK; j >= 0; j--) if (pool[off + j] !== 0) return (pi << PAGE_BITS) | j;
      this.freePage(pi, off); // fully scanned: empty
    }
    return -1;
  }

  /** Number of occupied slots (O(allocated pages × page size); not for hot paths). */
  get levels(): number {
    let n = 0;
    for (let pi = 0; pi < this.numPages; pi++) {
      const off = this.dir[pi]!;
      if (off < 0) continue;
      for (let j = 0; j < PAGE_SIZE; j++) if (this.pool[off + j] !== 0) n++;
    }
    return n;
  }

  /** Removes every level (the pool keeps its capacity; see `compact`). */
  clear(): void {
    this.pool.fill(0, 0, this.used << PAGE_BITS);
    this.dir.fill(-1);
    this.used = 0;
    this.freeTop = 0;
    this.best = -1;
  }

  /**
   * Gives memory back: frees empty pages and, when the pool exceeds 1.5 × (1.25 × live pages),
   * moves the live pages into a pool of 1.25 × their number. O(pool); after snapshots only.
   */
  compact(): void {
    this.sweep();
    const live = this.used - this.freeTop;
    const target = Math.min(this.numPages, Math.max(MIN_POOL_PAGES, Math.ceil(live * 1.25)));
    if (this.cap <= 1.5 * target) return;
    const pool = new Float64Array(target << PAGE_BITS);
    let next = 0;
    for (let pi = 0; pi < this.numPages; pi++) {
      const off = this.dir[pi]!;
      if (off < 0) continue;
      const newOff = next << PAGE_BITS;
      pool.set(this.pool.subarray(off, off + PAGE_SIZE), newOff);
      this.dir[pi] = newOff;
      next++;
    }
    this.pool = pool;
    this.free = new Int32Array(target);
    this.cap = target;
    this.used = next;
    this.freeTop = 0;
  }

  /** Re-shapes the index space (tick-size change); all levels are removed. */
  reshape(numSlots: number): void {
    this.numSlots = numSlots;
    this.numPages = (numSlots + PAGE_MASK) >> PAGE_BITS;
    this.dir = new Int32Array(this.numPages).fill(-1);
    this.cap = Math.min(this.numPages, MIN_POOL_PAGES);
    this.pool = new Float64Array(this.cap << PAGE_BITS);
    this.free = new Int32Array(this.cap);
    this.used = 0;
    this.freeTop = 0;
    this.best = -1;
  }

  /** Bytes held by the typed arrays (the object headers are a few hundred bytes more). */
  bytes(): number {
    return this.dir.byteLength + this.pool.byteLength + this.free.byteLength;
  }

  /** Pool pages currently allocated to directory pages (some may be empty until reclaimed). */
  pagesInUse(): number {
    return this.used - this.freeTop;
  }

  private allocPage(pi: number): number {
    if (this.freeTop === 0 && this.used === this.cap) {
      // Reclaim empty pages first; grow only if that frees less than a quarter of the pool.
      this.sweep();
      if (this.freeTop < this.cap >> 2 && this.cap < this.numPages) this.grow();
    }
    const page = this.freeTop > 0 ? this.free[--this.freeTop]! : this.used++;
    const off = page << PAGE_BITS;
    this.dir[pi] = off;
    return off;
  }

  private pageEmpty(off: number): boolean {
    for (let j = 0; j < PAGE_SIZE; j++) if (this.pool[off + j] !== 0) return false;
    return true;
  }

  private freePage(pi: number, off: number): void {
    this.dir[pi] = -1;
    this.free[this.freeTop++] = off >> PAGE_BITS;
  }

  /** Frees every allocated page that holds no level. */
  private sweep(): void {
    for (let pi = 0; pi < this.numPages; pi++) {
      const off = this.dir[pi]!;
      if (off >= 0 && this.pageEmpty(off)) this.freePage(pi, off);
    }
  }

  private grow(): void {
    // Geometric growth by 1.5 (amortized O(1) per page, at most ~50% slack); a side never needs
    // more pool pages than its grid has pages.
    const cap = Math.min(this.numPages, Math.ceil(this.cap * 1.5));
    const pool = new Float64Array(cap << PAGE_BITS);
    pool.set(this.pool);
    const free = new Int32Array(cap);
    free.set(this.free.subarray(0, this.freeTop));
    this.pool = pool;
    this.free = free;
    this.cap = cap;
  }
}
