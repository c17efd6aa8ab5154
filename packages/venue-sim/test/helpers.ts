/** Loopback test clients for the simulator: L2-signed fetch, order bodies, collecting WS clients, schema checks. */
import {
  buildL2Headers,
  buildLimitOrderV1,
  orderDomainFor,
  PrivateKeySigner,
  postOrderBodyV1,
  signOrderV1,
  WireMarketFrameSchema,
  WireUserFrameSchema,
} from "@mm/protocol";
import { ManualClock, type Side, type TickSize } from "@mm/types";
import { WebSocket } from "ws";
import { startVenueSim, type VenueSimHandle, type VenueSimOptions } from "../src/index.js";

export const T0 = 1_790_000_000_000;

export interface Creds {
  readonly apiKey: string;
  readonly secret: string;
  readonly passphrase: string;
  readonly address: string;
  /** Test keys only (Hardhat accounts). */
  readonly privateKey: string;
}

/** Hardhat account #1 (a public test key). */
export const ALT_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

const running: VenueSimHandle[] = [];
const sockets: WebSocket[] = [];

export async function startSim(options: VenueSimOptions = {}): Promise<{ sim: VenueSimHandle; clock: ManualClock }> {
  const clock = new ManualClock(T0);
  const sim = await startVenueSim({
    seed: 11,
    markets: 2,
    flow: false,
    rateLimits: false,
    clock,
    reference: { intervalMs: 0 },
    ...options,
  });
  running.push(sim);
  return { sim, clock: (options.clock as ManualClock | undefined) ?? clock };
}

export async function stopAll(): Promise<void> {
  for (const s of sockets.splice(0)) s.terminate();
  for (const s of running.splice(0)) await s.stop();
}

const signers = new Map<string, PrivateKeySigner>();
const signerOf = (key: string): PrivateKeySigner => {
  let s = signers.get(key);
  if (s === undefined) {
    s = PrivateKeySigner.fromHex(key);
    signers.set(key, s);
  }
  return s;
};

/** A second funded account on the venue (credentials registered directly, as after L1 create). */
export function addAccount(sim: VenueSimHandle, privateKey = ALT_KEY, usdc = 10_000): Creds {
  const c = sim.venue.credentials.create(signerOf(privateKey).address, "0");
  if (c === undefined) throw new Error("account exists");
  sim.venue.engine.deposit(c.apiKey, (usdc * 1_000_000) as never);
  return { ...c, privateKey };
}

export interface Reply<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/** fetch with L2 headers signed over the path without query and the exact body. */
export async function rest<T = unknown>(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; creds?: Creds; nowSec?: number; signal?: AbortSignal } = {},
): Promise<Reply<T>> {
  const body = options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (options.creds !== undefined) {
    const h = buildL2Headers(
      options.creds.address,
      { key: options.creds.apiKey, secret: options.creds.secret, passphrase: options.creds.passphrase },
      { method, path, ...(body !== undefined ? { body } : {}) },
      options.nowSec ?? T0 / 1000,
    );
    Object.assign(headers, h);
  }
  const r = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* plain text */
  }
  return { status: r.status, body: parsed as T, headers: r.headers };
}

let salt = 1;

/** A signed V1 `POST /order` envelope (official amount rounding and EIP-712 signing, via @mm/protocol). */
export function orderBody(
  creds: Creds,
  tokenId: string,
  side: Side,
  price: number,
  size: number,
  orderType: "GTC" | "GTD" | "FOK" | "FAK" = "GTC",
  extra: { postOnly?: boolean; expiration?: number; tick?: TickSize; negRisk?: boolean } = {},
) {
  const signer = signerOf(creds.privateKey);
  const o = buildLimitOrderV1(
    {
      tokenId,
      side,
      price: Math.round(price * 10_000),
      size: Math.round(size * 1_000_000),
      tickSize: extra.tick ?? 100,
      ...(extra.expiration !== undefined ? { expiration: extra.expiration } : {}),
    },
    { signer: signer.address, maker: signer.address, signatureType: 0 },
    salt++,
  );
  if (!o.ok) throw new Error(`bad amounts: ${JSON.stringify(o.error)}`);
  const domain = orderDomainFor(137, extra.negRisk ?? false, 1);
  if (domain === undefined) throw new Error("no domain");
  return postOrderBodyV1(
    signOrderV1(o.value, signer, domain),
    creds.apiKey,
    orderType,
    extra.postOnly !== undefined ? { postOnly: extra.postOnly } : {},
  );
}

/** Collects every event of a WS connection (arrays flattened; text frames kept as strings). */
export class Collector {
  readonly events: Record<string, unknown>[] = [];
  readonly texts: string[] = [];
  readonly raw: string[] = [];
  closed: { code: number; reason: string } | undefined;
  private waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on("message", (d) => {
      const s = d.toString();
      this.raw.push(s);
      if (s[0] === "{" || s[0] === "[") {
        const v = JSON.parse(s) as unknown;
        for (const e of Array.isArray(v) ? v : [v]) this.events.push(e as Record<string, unknown>);
      } else this.texts.push(s);
      for (const w of this.waiters.splice(0)) w();
    });
    ws.on("close", (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async open(url: string): Promise<Collector> {
    const ws = new WebSocket(url);
    sockets.push(ws);
    const c = new Collector(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    return c;
  }

  send(v: unknown): void {
    this.ws.send(typeof v === "string" ? v : JSON.stringify(v));
  }

  of(type: string): Record<string, unknown>[] {
    return this.events.filter((e) => e.event_type === type);
  }

  /** Resolves once `pred` holds (re-checked on every frame), or rejects after `ms`. */
  async until(pred: () => boolean, ms = 8_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; have ${this.events.length} events: ${JSON.stringify(this.events.slice(-3))}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Waits briefly to observe that nothing else arrives. */
  async quiet(ms = 150): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
  }
}

export function expectMarketValid(c: Collector): void {
  for (const raw of c.raw) {
    if (raw[0] !== "{" && raw[0] !== "[") continue;
    const r = WireMarketFrameSchema.safeParse(JSON.parse(raw));
    if (!r.success) throw new Error(`market frame fails @mm/protocol schema: ${raw.slice(0, 300)}\n${r.error.message}`);
  }
}

export function expectUserValid(c: Collector): void {
  for (const raw of c.raw) {
    if (raw[0] !== "{" && raw[0] !== "[") continue;
    const r = WireUserFrameSchema.safeParse(JSON.parse(raw));
    if (!r.success) throw new Error(`user frame fails @mm/protocol schema: ${raw.slice(0, 300)}\n${r.error.message}`);
  }
}

/** Lets the event loop flush outboxes (setImmediate batching) and deliver frames. */
export const settle = (ms = 30): Promise<void> => new Promise((r) => setTimeout(r, ms));
