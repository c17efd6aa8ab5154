/**
 * @mm/feeds bench (PERFORMANCE.md G9/G10 style): market-feed receive + decode + apply throughput
 * from the venue simulator over loopback, against a bare `ws` client receiving the same frames
 * (no parse) in the same run.
 *
 * The simulator's market channel publishes pre-serialized `price_change` frames (current schema,
 * both tokens of a market per frame, as the venue sends them) through its real outboxes. Server and
 * client share this process, so the ratio understates the client-side difference; absolute
 * µs/msg include the server's share. The candidate's final books are checked against the same
 * frames applied synchronously to a local store.
 */
import { BookStore } from "@mm/caches";
import { defineBenches, median } from "@mm/bench";
import { decodeWsFrame } from "@mm/protocol";
import { formatPrice, formatSize, type TokenId } from "@mm/types";
import { startVenueSim, type VenueSimHandle } from "@mm/venue-sim";
import WebSocket from "ws";
import { MarketFeed } from "../src/index.js";

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Prepared {
  readonly frames: string[];
  readonly tokensOfFrame: string[][];
  readonly tokens: string[];
}

function prepare(sim: VenueSimHandle, n: number): Prepared {
  const markets = sim.venue.allMarkets().map((m) => m.info);
  const r = rng(99);
  const frames: string[] = [];
  const tokensOfFrame: string[][] = [];
  // Venue timestamps after any subscription snapshot of this run (the store refuses older frames).
  const t0 = Date.now() + 3_600_000;
  for (let i = 0; i < n; i++) {
    const m = markets[i % markets.length]!;
    const p = 100 * (20 + Math.floor(r() * 60)); // 0.20 … 0.79 on the 0.01 grid
    const bidSide = r() < 0.5;
    const sz = r() < 0.3 ? 0 : (1 + Math.floor(r() * 5000)) * 10_000;
    const entry = (asset: string, price: number, side: "BUY" | "SELL") => ({
      asset_id: asset,
      price: formatPrice(price),
      size: formatSize(sz),
      side,
      hash: (i * 2654435761).toString(16).padStart(8, "0"),
      best_bid: "0.5",
      best_ask: "0.51",
    });
    frames.push(
      JSON.stringify({
        event_type: "price_change",
        market: m.conditionId,
        price_changes: [entry(m.yes.tokenId, p, bidSide ? "BUY" : "SELL"), entry(m.no.tokenId, 10_000 - p, bidSide ? "SELL" : "BUY")],
        timestamp: String(t0 + i),
      }),
    );
    tokensOfFrame.push([m.yes.tokenId, m.no.tokenId]);
  }
  return { frames, tokensOfFrame, tokens: markets.flatMap((m) => [m.yes.tokenId, m.no.tokenId]) };
}

/**
 * Publishes every frame through the simulator's market channel, a chunk per event-loop turn, at
 * most `window` frames ahead of what the client has received (the venue disconnects consumers
 * whose unsent backlog grows past 64 MiB; a closed loop measures the receiver, not the buffer).
 */
async function publishAll(sim: VenueSimHandle, p: Prepared, received: () => number): Promise<void> {
  const chunk = 1_000;
  const window = 20_000;
  for (let i = 0; i < p.frames.length; i += chunk) {
    while (i - received() > window) await new Promise((r) => setImmediate(r));
    const end = Math.min(p.frames.length, i + chunk);
    for (let j = i; j < end; j++) sim.venue.marketChannel.publish(p.tokensOfFrame[j]!, p.frames[j]!);
    await new Promise((r) => setImmediate(r));
  }
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function runFeed(sim: VenueSimHandle, p: Prepared): Promise<{ ns: number; books: BookStore }> {
  const books = new BookStore();
  const feed = new MarketFeed({ url: `${sim.urls.ws}/market`, books, stallTimeoutMs: 0 });
  feed.subscribe(sim.venue.allMarkets().map((m) => m.info));
  feed.start();
  try {
    await until(() => p.tokens.every((t) => books.book(t as TokenId)?.trusted === true), 10_000, "snapshots");
    const base = feed.totals().messages;
    const t0 = process.hrtime.bigint();
    await publishAll(sim, p, () => feed.totals().messages - base);
    await until(() => feed.totals().messages - base >= p.frames.length, 60_000, "feed messages");
    const ns = Number(process.hrtime.bigint() - t0) / p.frames.length;
    if (feed.stats.decodeErrors > 0) throw new Error(`${feed.stats.decodeErrors} decode errors`);
    if (books.stats.rejectedFrames > 0)
      throw new Error(`${books.stats.rejectedFrames} frames refused: ${JSON.stringify(books.stats.lastRejection)}`);
    return { ns, books };
  } finally {
    await feed.stop();
  }
}

async function runBare(sim: VenueSimHandle, p: Prepared): Promise<number> {
  const ws = new WebSocket(`${sim.urls.ws}/market`, { perMessageDeflate: false });
  let count = 0;
  ws.on("message", () => {
    count++;
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  ws.send(JSON.stringify({ assets_ids: p.tokens, type: "market" }));
  await until(() => count >= p.tokens.length, 10_000, "bare snapshots");
  const base = count;
  const t0 = process.hrtime.bigint();
  await publishAll(sim, p, () => count - base);
  await until(() => count - base >= p.frames.length, 60_000, "bare messages");
  const ns = Number(process.hrtime.bigint() - t0) / p.frames.length;
  ws.terminate();
  return ns;
}

export default defineBenches([
  {
    name: "feeds/market feed receive+decode+apply vs bare ws (sim loopback)",
    unit: "k msg/s",
    better: "higher",
    // Decoding alone costs ~2–3× a bare receive (PERFORMANCE.md §2(a), (d)); this guards regressions.
    target: { minRatio: 0.2 },
    async measure(ctx) {
      const sim = await startVenueSim({ seed: 3, markets: 2, flow: false, rateLimits: false });
      try {
        const p = prepare(sim, ctx.n(200_000, 300));
        // expected final books: the same frames applied synchronously
        const expected = new BookStore();
        for (const m of sim.venue.allMarkets()) expected.registerMarket(m.info);
        const reps = ctx.smoke ? 1 : 3;
        const cand: number[] = [];
        const bare: number[] = [];
        let last: BookStore | undefined;
        for (let i = 0; i < reps; i++) {
          bare.push(await runBare(sim, p));
          const r = await runFeed(sim, p);
          cand.push(r.ns);
          last = r.books;
        }
        // cross-check: the feed's books equal the synchronous application of the initial books + frames
        for (const t of p.tokens) {
          const b = sim.venue.engine.book(t as TokenId)!;
          if (expected.applySnapshot(t as TokenId, b.bids, b.asks, 0) !== undefined) throw new Error("engine snapshot refused");
        }
        for (const f of p.frames) {
          for (const ev of decodeWsFrame(f).events) if (ev.kind === "price_change") expected.applyPriceChanges(ev.changes, 1);
        }
        for (const t of p.tokens) {
          const a =
            JSON.stringify(last!.book(t as TokenId)!.topLevels("BID", 200)) +
            JSON.stringify(last!.book(t as TokenId)!.topLevels("ASK", 200));
          const b =
            JSON.stringify(expected.book(t as TokenId)!.topLevels("BID", 200)) +
            JSON.stringify(expected.book(t as TokenId)!.topLevels("ASK", 200));
          if (a !== b) throw new Error(`book mismatch for ${t}`);
        }
        const c = median(cand);
        const b = median(bare);
        return {
          value: 1e6 / c,
          baseline: 1e6 / b,
          details: {
            frames: p.frames.length,
            candidateUsPerMsg: Number((c / 1e3).toFixed(3)),
            bareUsPerMsg: Number((b / 1e3).toFixed(3)),
            booksChecked: p.tokens.length,
          },
        };
      } finally {
        await sim.stop();
      }
    },
  },
]);
