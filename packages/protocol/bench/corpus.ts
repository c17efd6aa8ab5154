/** Deterministic, realistic market-channel frames for the benches (shapes of POLYMARKET.md §2). */

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const digits = (r: () => number, n: number) => {
  let s = String(1 + Math.floor(r() * 9));
  while (s.length < n) s += String(Math.floor(r() * 10));
  return s;
};
const hex = (r: () => number, n: number) => {
  let s = "";
  while (s.length < n) s += Math.floor(r() * 16).toString(16);
  return s;
};
const priceText = (units: number) => String(units / 10_000);
const sizeText = (r: () => number) => (r() < 0.5 ? String(Math.floor(r() * 5000)) : (Math.floor(r() * 5_000_000) / 100).toString());

export interface Corpus {
  readonly frames: Buffer[];
  readonly priceChangeFrames: Buffer[];
  /** Wire price strings as they appear in the frames. */
  readonly prices: string[];
  /** Wire size strings as they appear in the frames. */
  readonly sizes: string[];
}

export function makeCorpus(count: number, seed = 42): Corpus {
  const r = rng(seed);
  const market = `0x${hex(r, 64)}`;
  const yes = digits(r, 77);
  const no = digits(r, 77);
  const frames: Buffer[] = [];
  const priceChangeFrames: Buffer[] = [];
  const prices: string[] = [];
  const sizes: string[] = [];
  let ts = 1_757_908_892_351;
  for (let i = 0; i < count; i++) {
    ts += Math.floor(r() * 50);
    const x = r();
    const p = 100 + Math.floor(r() * 98) * 100; // cent grid
    if (x < 0.8) {
      const s1 = sizeText(r);
      const bb = priceText(p);
      const ba = priceText(p + 100);
      const frame = {
        market,
        price_changes: [
          { asset_id: yes, price: priceText(p), size: s1, side: "BUY", hash: hex(r, 40), best_bid: bb, best_ask: ba },
          {
            asset_id: no,
            price: priceText(10_000 - p),
            size: s1,
            side: "SELL",
            hash: hex(r, 40),
            best_bid: priceText(10_000 - p - 100),
            best_ask: priceText(10_000 - p),
          },
        ],
        timestamp: String(ts),
        event_type: "price_change",
      };
      prices.push(priceText(p), bb, ba, priceText(10_000 - p));
      sizes.push(s1, s1);
      const b = Buffer.from(JSON.stringify(frame));
      frames.push(b);
      priceChangeFrames.push(b);
    } else if (x < 0.95) {
      const bids = [];
      const asks = [];
      for (let k = 20; k >= 1; k--) bids.push({ price: priceText(Math.max(100, p - k * 100)), size: sizeText(r) });
      for (let k = 20; k >= 1; k--) asks.push({ price: priceText(Math.min(9900, p + k * 100)), size: sizeText(r) });
      for (const l of bids) {
        prices.push(l.price);
        sizes.push(l.size);
      }
      frames.push(
        Buffer.from(JSON.stringify({ market, asset_id: yes, timestamp: String(ts), hash: hex(r, 40), bids, asks, event_type: "book" })),
      );
    } else {
      const s = sizeText(r);
      prices.push(priceText(p));
      sizes.push(s);
      frames.push(
        Buffer.from(
          JSON.stringify({
            asset_id: yes,
            event_type: "last_trade_price",
            fee_rate_bps: "0",
            market,
            price: priceText(p),
            side: "BUY",
            size: s,
            timestamp: String(ts),
          }),
        ),
      );
    }
  }
  return { frames, priceChangeFrames, prices, sizes };
}
