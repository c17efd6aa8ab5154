/**
 * @mm/venue-sim server benches.
 *
 * - Market-channel messages per second delivered to ONE loopback `ws` client (in a worker thread): the engine places and
 *   cancels orders in-process (each yields one `price_change` frame for both tokens), the venue
 *   serializes once and writes through its corked per-connection outbox. Baseline: a bare `ws`
 *   server sending the same number of same-sized frames with plain `ws.send`, same process, same run.
 *   Cross-check: the client receives exactly N frames and sampled frames validate against @mm/protocol.
 * - The same without the engine: synthetic level changes through the venue's serializer and fan-out,
 *   isolating the channel's cost from matching.
 */
import type { AddressInfo } from "node:net";
import { defineBenches } from "@mm/bench";
import { WirePriceChangeSchema } from "@mm/protocol";
import { ManualClock, type Price, type Size, type Usdc } from "@mm/types";
import { Worker } from "node:worker_threads";
import { WebSocketServer } from "ws";
import type { LevelChange } from "../src/engine/index.js";
import { makeUpDownMarkets, startVenueSim, VenueEngine } from "../src/index.js";
import { priceChangeFrame } from "../src/server/wire.js";

const CHUNK = 500;
const CLIENT = new URL("./ws-count-client.mjs", import.meta.url);

interface Receiver {
  readonly ready: Promise<void>;
  readonly done: Promise<{ count: number; sample: string; at: number }>;
  readonly worker: Worker;
}

/** The receiving client runs in a worker thread (its own core), like a separate consumer process. */
function receiver(url: string, expected: number, subscribe?: unknown, booksFirst = 0): Receiver {
  const worker = new Worker(CLIENT, { workerData: { url, expected, subscribe, booksFirst } });
  let onReady: () => void = () => {};
  let onDone: (v: { count: number; sample: string; at: number }) => void = () => {};
  let onError: (e: Error) => void = () => {};
  const ready = new Promise<void>((r, j) => {
    onReady = r;
    onError = j;
  });
  const done = new Promise<{ count: number; sample: string; at: number }>((r, j) => {
    onDone = r;
    const prev = onError;
    onError = (e) => {
      prev(e);
      j(e);
    };
  });
  done.catch(() => {});
  worker.on("message", (m: { type: string; count: number; sample: string; at: number; message: string }) => {
    if (m.type === "ready") onReady();
    else if (m.type === "done") onDone(m);
    else onError(new Error(m.message));
  });
  worker.on("error", (e) => onError(e));
  return { ready, done, worker };
}

const yieldLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

async function venueRate(
  n: number,
  viaEngine: boolean,
): Promise<{ rate: number; frameBytes: number; sample: string; producedPerSec: number }> {
  const sim = await startVenueSim({
    seed: 1,
    markets: 1,
    flow: false,
    rateLimits: false,
    clock: new ManualClock(1_790_000_000_000),
    reference: { intervalMs: 0 },
    marketWs: { idleTimeoutMs: 0 },
  });
  try {
    const m = sim.venue.allMarkets()[0]!;
    const { engine } = sim.venue;
    const owner = sim.credentials.apiKey;
    const rx = receiver(`${sim.urls.ws}/market`, n, { assets_ids: [m.info.yes.tokenId, m.info.no.tokenId], type: "market" }, 2);
    await rx.ready;
    const ids: string[] = [];
    const tokens = [m.info.yes.tokenId, m.info.no.tokenId];
    const t0 = performance.now();
    let produced = 0;
    while (produced < n) {
      const end = Math.min(n, produced + CHUNK);
      for (; produced < end; produced++) {
        if (!viaEngine) {
          // Channel only: the venue's serializer and fan-out on synthetic level changes (no matching).
          const p = (100 * (1 + ((produced * 7) % 45))) as Price;
          const changes: LevelChange[] = [
            { tokenId: m.info.yes.tokenId, side: "BUY", price: p, size: 5_000_000 as Size, bestBid: p, bestAsk: undefined },
            {
              tokenId: m.info.no.tokenId,
              side: "SELL",
              price: (10_000 - p) as Price,
              size: 5_000_000 as Size,
              bestBid: undefined,
              bestAsk: (10_000 - p) as Price,
            },
          ];
          sim.venue.marketChannel.publish(tokens, priceChangeFrame(m.info.conditionId, changes, 1_790_000_000_000, produced));
        } else if (produced % 2 === 0 || ids.length === 0) {
          const p = (100 * (1 + ((produced * 7) % 45))) as Price;
          const r = engine.placeOrder({
            owner,
            tokenId: m.info.yes.tokenId,
            side: "BUY",
            orderType: "GTC",
            price: p,
            size: 5_000_000 as Size,
          });
          if (!r.ok) throw new Error(`place failed: ${r.reject.message}`);
          ids.push(r.orderId);
        } else {
          const id = ids.shift() as string;
          const c = engine.cancelOrders(owner, [id]);
          if (c.canceled.length !== 1) throw new Error("cancel failed");
        }
      }
      await yieldLoop();
    }
    const producedMs = performance.now() - t0;
    const got = await rx.done;
    const rate = n / ((got.at - performance.timeOrigin - t0) / 1000);
    await rx.worker.terminate();
    if (got.count !== n) throw new Error(`venue delivered ${got.count} of ${n}`);
    const check = WirePriceChangeSchema.safeParse(JSON.parse(got.sample));
    if (!check.success) throw new Error(`sample frame fails the schema: ${got.sample}`);
    return { rate, frameBytes: got.sample.length, sample: got.sample, producedPerSec: n / (producedMs / 1000) };
  } finally {
    await sim.stop();
  }
}

/** The engine alone (same place/cancel sequence, one no-op listener): the ceiling of the engine-driven case. */
function engineOnlyRate(n: number): number {
  const engine = new VenueEngine({ clock: new ManualClock(1_790_000_000_000), config: { seed: 1 } });
  const m = makeUpDownMarkets({ seed: 1, count: 1, startTime: 1_790_000_000_000 })[0]!;
  engine.addMarket(m.info);
  engine.deposit("bench", 1_000_000_000_000 as Usdc);
  let events = 0;
  engine.subscribe(() => {
    events++;
  });
  const ids: string[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0 || ids.length === 0) {
      const r = engine.placeOrder({
        owner: "bench",
        tokenId: m.info.yes.tokenId,
        side: "BUY",
        orderType: "GTC",
        price: (100 * (1 + ((i * 7) % 45))) as Price,
        size: 5_000_000 as Size,
      });
      if (r.ok) ids.push(r.orderId);
    } else engine.cancelOrders("bench", [ids.shift() as string]);
  }
  const rate = n / ((performance.now() - t0) / 1000);
  if (events < n) throw new Error(`engine emitted ${events} events for ${n} operations`);
  return rate;
}

async function bareRate(n: number, frame: string): Promise<number> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
  await new Promise((r) => wss.once("listening", r));
  try {
    const port = (wss.address() as AddressInfo).port;
    const connected = new Promise<import("ws").WebSocket>((r) => wss.once("connection", r));
    const rx = receiver(`ws://127.0.0.1:${port}`, n);
    await rx.ready;
    const server = await connected;
    const t0 = performance.now();
    let sent = 0;
    while (sent < n) {
      const end = Math.min(n, sent + CHUNK);
      for (; sent < end; sent++) server.send(frame);
      await yieldLoop();
    }
    const got = await rx.done;
    const rate = n / ((got.at - performance.timeOrigin - t0) / 1000);
    await rx.worker.terminate();
    if (got.count !== n) throw new Error(`bare server delivered ${got.count} of ${n}`);
    return rate;
  } finally {
    await new Promise((r) => wss.close(r));
  }
}

export default defineBenches([
  {
    name: "venue-sim/market channel msgs/s to one loopback client (engine-driven)",
    unit: "msg/s",
    better: "higher",
    target: { minValue: 50_000 },
    async measure(ctx) {
      const n = ctx.n(200_000, 400);
      const venue = await venueRate(n, true);
      const bare = await bareRate(n, venue.sample);
      const engineOnly = engineOnlyRate(n);
      return {
        value: Math.round(venue.rate),
        baseline: Math.round(bare),
        details: {
          frames: n,
          frameBytes: venue.frameBytes,
          engineAndServerMsgPerSec: Math.round(venue.producedPerSec),
          engineOnlyOpsPerSec: Math.round(engineOnly),
          crossChecked: true,
        },
      };
    },
  },
  {
    name: "venue-sim/market channel msgs/s to one loopback client (channel only)",
    unit: "msg/s",
    better: "higher",
    target: { minValue: 50_000, minRatio: 0.5 },
    async measure(ctx) {
      const n = ctx.n(200_000, 400);
      const venue = await venueRate(n, false);
      const bare = await bareRate(n, venue.sample);
      return {
        value: Math.round(venue.rate),
        baseline: Math.round(bare),
        details: { frames: n, frameBytes: venue.frameBytes, serverMsgPerSec: Math.round(venue.producedPerSec), crossChecked: true },
      };
    },
  },
]);
