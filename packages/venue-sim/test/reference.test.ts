import {
  WireBinanceBookTickerRestSchema,
  WireBinanceBookTickerSchema,
  WireBinanceCombinedSchema,
  WireBinancePriceRestSchema,
} from "@mm/protocol";
import { ManualClock } from "@mm/types";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { PricePath, upProbability } from "../src/reference/path.js";
import { ReferenceServer } from "../src/reference/server.js";

const servers: ReferenceServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});

async function startRef(seed = 7): Promise<{ ref: ReferenceServer; clock: ManualClock }> {
  const clock = new ManualClock(1_700_000_000_000);
  const ref = new ReferenceServer({ clock, seed, symbols: [{ symbol: "BTCUSDT" }, { symbol: "ETHUSDT", initialPrice: 3500 }] });
  await ref.start();
  servers.push(ref);
  return { ref, clock };
}

function nextMessage(ws: WebSocket): Promise<string> {
  return new Promise((resolve) => ws.once("message", (d) => resolve(d.toString())));
}

describe("price path", () => {
  it("is deterministic per seed and differs across seeds", () => {
    const run = (seed: number) => {
      const p = new PricePath({ seed, volatility: 0.8, jumpIntensityPerYear: 5000, jumpStdDev: 0.02 }, 0);
      const out: number[] = [];
      for (let i = 1; i <= 500; i++) out.push(p.advanceTo(i * 100).mid);
      return out;
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
    for (const x of run(3)) expect(Number.isFinite(x) && x > 0).toBe(true);
  });

  it("keeps bid < ask on the tick grid", () => {
    const p = new PricePath({ seed: 9, initialPrice: 100, priceTick: 0.01 }, 0);
    for (let i = 1; i < 200; i++) {
      const q = p.advanceTo(i * 1000);
      expect(q.bid).toBeLessThan(q.ask);
      expect(Math.abs(q.bid * 100 - Math.round(q.bid * 100))).toBeLessThan(1e-6);
    }
  });

  it("up probability is ½ at the money with time left, monotone in spot, and settles at expiry", () => {
    expect(upProbability(100, 100, 0.6, 300_000)).toBeCloseTo(0.5, 2);
    expect(upProbability(101, 100, 0.6, 300_000)).toBeGreaterThan(upProbability(100.5, 100, 0.6, 300_000));
    expect(upProbability(101, 100, 0.6, 0)).toBe(1);
    expect(upProbability(99, 100, 0.6, 0)).toBe(0);
  });
});

describe("Binance-like reference server", () => {
  it("serves bookTicker and price over REST in Binance's shapes", async () => {
    const { ref } = await startRef();
    const r = await fetch(`${ref.url}/api/v3/ticker/bookTicker?symbol=BTCUSDT`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(["askPrice", "askQty", "bidPrice", "bidQty", "symbol"]);
    expect(body.symbol).toBe("BTCUSDT");
    expect(WireBinanceBookTickerRestSchema.safeParse(body).success).toBe(true);
    for (const k of ["askPrice", "askQty", "bidPrice", "bidQty"]) expect(body[k]).toMatch(/^\d+\.\d{8}$/);
    expect(Number(body.bidPrice)).toBeLessThan(Number(body.askPrice));
    const p = (await (await fetch(`${ref.url}/api/v3/ticker/price?symbol=ETHUSDT`)).json()) as Record<string, string>;
    expect(p.symbol).toBe("ETHUSDT");
    expect(WireBinancePriceRestSchema.safeParse(p).success).toBe(true);
    expect(p.price).toMatch(/^\d+\.\d{8}$/);
    const all = (await (await fetch(`${ref.url}/api/v3/ticker/price`)).json()) as unknown[];
    expect(all).toHaveLength(2);
    const bad = await fetch(`${ref.url}/api/v3/ticker/price?symbol=NOPE`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ code: -1121, msg: "Invalid symbol." });
  });

  it("streams @bookTicker raw and combined as the clock advances", async () => {
    const { ref, clock } = await startRef();
    const raw = new WebSocket(`${ref.wsUrl}/ws/btcusdt@bookTicker`);
    const combined = new WebSocket(`${ref.wsUrl}/stream?streams=btcusdt@bookTicker/ethusdt@bookTicker`);
    await Promise.all([raw, combined].map((w) => new Promise((r) => w.once("open", r))));
    const m1 = nextMessage(raw);
    const m2 = nextMessage(combined);
    clock.advance(100);
    const a = JSON.parse(await m1) as Record<string, unknown>;
    expect(Object.keys(a).sort()).toEqual(["A", "B", "a", "b", "s", "u"]);
    expect(a.s).toBe("BTCUSDT");
    expect(typeof a.u).toBe("number");
    expect(WireBinanceBookTickerSchema.safeParse(a).success).toBe(true);
    const b = JSON.parse(await m2) as { stream: string; data: Record<string, unknown> };
    expect(b.stream).toBe("btcusdt@bookTicker");
    expect(WireBinanceCombinedSchema.safeParse(b).success && WireBinanceBookTickerSchema.safeParse(b.data).success).toBe(true);
    expect(b.data.s).toBe("BTCUSDT");
    // REST reflects the same quote
    const rest = (await (await fetch(`${ref.url}/api/v3/ticker/bookTicker?symbol=BTCUSDT`)).json()) as Record<string, string>;
    expect(rest.bidPrice).toBe(a.b);
    raw.close();
    combined.close();
  });

  it("rejects unknown streams at the upgrade and supports SUBSCRIBE", async () => {
    const { ref, clock } = await startRef();
    const bad = new WebSocket(`${ref.wsUrl}/ws/nope@bookTicker`);
    await new Promise((r) => bad.once("error", r));
    const ws = new WebSocket(`${ref.wsUrl}/stream?streams=btcusdt@bookTicker`);
    await new Promise((r) => ws.once("open", r));
    const ack = nextMessage(ws);
    ws.send(JSON.stringify({ method: "SUBSCRIBE", params: ["ethusdt@bookTicker"], id: 1 }));
    expect(JSON.parse(await ack)).toEqual({ result: null, id: 1 });
    const seen = new Set<string>();
    const both = new Promise<void>((resolve) =>
      ws.on("message", (d) => {
        seen.add((JSON.parse(d.toString()) as { stream: string }).stream);
        if (seen.size === 2) resolve();
      }),
    );
    clock.advance(100);
    await both;
    expect([...seen].sort()).toEqual(["btcusdt@bookTicker", "ethusdt@bookTicker"]);
    ws.close();
  });

  it("same seed ⇒ same quotes", async () => {
    const a = await startRef(42);
    const b = await startRef(42);
    a.clock.advance(5_000);
    b.clock.advance(5_000);
    expect(a.ref.quote("BTCUSDT")).toEqual(b.ref.quote("BTCUSDT"));
  });
});
