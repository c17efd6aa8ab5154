/**
 * Consistent assignment of assets to N buckets by rendezvous (highest-random-weight) hashing:
 * deterministic across processes and machines, and growing N from n to n+1 moves only ~1/(n+1) of
 * the assets. Used for `--shard k/N` (instances) and for book-worker sharding, with different salts
 * so the two splits are independent.
 */

/** 32-bit FNV-1a over a string's UTF-16 code units, then a murmur3 finalizer. */
export function hash32(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The bucket in [0, n) of `key` (salt separates independent splits). */
export function rendezvousBucket(key: string, n: number, salt = ""): number {
  if (n <= 1) return 0;
  const base = hash32(salt + key);
  let best = -1;
  let bestBucket = 0;
  for (let b = 0; b < n; b++) {
    const w = hash32(String(b), base);
    if (w > best) {
      best = w;
      bestBucket = b;
    }
  }
  return bestBucket;
}

export interface ShardSpec {
  /** 0-based index of this instance. */
  readonly index: number;
  readonly count: number;
}

/** Parses `k/N` (k 0-based, 0 ≤ k < N ≤ 1024). */
export function parseShard(s: string): ShardSpec | { readonly error: string } {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  if (m === null) return { error: `shard must look like k/N, got ${JSON.stringify(s)}` };
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!(count >= 1 && count <= 1024 && index < count)) return { error: `shard ${s}: need 0 ≤ k < N ≤ 1024` };
  return { index, count };
}

export function instanceShardOf(assetId: string, count: number): number {
  return rendezvousBucket(assetId, count, "instance:");
}

export function workerShardOf(assetId: string, workers: number): number {
  return rendezvousBucket(assetId, workers, "worker:");
}
