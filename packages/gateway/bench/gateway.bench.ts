/**
 * G7 (PERFORMANCE.md): the gateway's REST path on loopback against the global `fetch` baseline in
 * the same run, same body, same L2 headers, at concurrency 1 and 50; and queue-to-wire latency
 * (submit → the request arriving at the server) through the worker.
 *
 * A minimal node:http server in this process answers every request with a fixed order response.
 * Candidate and baseline alternate rounds; the medians of the rounds are reported.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type BenchSpec, defineBenches, median, percentile } from "@mm/bench";
import { buildL2Headers } from "@mm/protocol";
import { type GatewayResult, type OrderId, systemClock } from "@mm/types";
import { createHttpTransport, GatewayCore, type HttpTransport, type OrderSigner, type VenueRequest } from "../src/index.js";

const CREDS = { key: "00000000-0000-4000-8000-000000000001", secret: `${"A".repeat(43)}=`, passphrase: "bench" };
const ADDRESS = "0x00000000000000000000000000000000000000aa";
const ORDER_ID = `0x${"ab".repeat(32)}`;
/** A realistic V1 `POST /order` envelope (~600 B) and the venue's answer. */
const BODY = JSON.stringify({
  deferExec: false,
  order: {
    salt: 1234567890123,
    maker: ADDRESS,
    signer: ADDRESS,
    taker: "0x0000000000000000000000000000000000000000",
    tokenId: "71321045679252212594626385532706912750332728571942532289631379312455583992563",
    makerAmount: "5500000",
    takerAmount: "10000000",
    side: "BUY",
    expiration: "0",
    nonce: "0",
    feeRateBps: "0",
    signatureType: 0,
    signature: `0x${"1b".repeat(65)}`,
  },
  owner: CREDS.key,
  orderType: "GTC",
  postOnly: true,
});
const REPLY = JSON.stringify({
  success: true,
  errorMsg: "",
  orderID: ORDER_ID,
  status: "live",
  takingAmount: "",
  makingAmount: "",
  transactionsHashes: [],
  tradeIDs: [],
});
const CANCEL_REPLY = JSON.stringify({ canceled: [ORDER_ID], not_canceled: {} });

interface Loopback {
  readonly url: string;
  readonly server: Server;
  /** hrtime (ns) of the last request's arrival, by request tag. */
  readonly arrivals: Map<string, bigint>;
  close(): Promise<void>;
}

async function loopback(): Promise<Loopback> {
  const arrivals = new Map<string, bigint>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let n = 0;
    req.on("data", (c: Buffer) => {
      n += c.length;
    });
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(REPLY) });
      res.end(REPLY);
      void n;
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    server,
    arrivals,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

const REQ: VenueRequest = { route: "postOrder", method: "POST", path: "/order", body: BODY };

/** Runs `total` calls with `concurrency` workers; returns req/s and per-call latencies (ns). */
async function drive(total: number, concurrency: number, once: () => Promise<void>): Promise<{ rps: number; lat: Float64Array }> {
  const lat = new Float64Array(total);
  let next = 0;
  const t0 = process.hrtime.bigint();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const s = process.hrtime.bigint();
      await once();
      lat[i] = Number(process.hrtime.bigint() - s);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  return { rps: total / secs, lat: lat.sort() };
}

function throughputSpec(concurrency: number, target: BenchSpec["target"]): BenchSpec {
  return {
    name: `gateway/http loopback c${concurrency} (undici Pool vs fetch)`,
    unit: "req/s",
    better: "higher",
    target,
    async measure(ctx) {
      const lb = await loopback();
      const transport: HttpTransport = createHttpTransport({
        baseUrl: lb.url,
        credentials: CREDS,
        address: ADDRESS,
        clock: systemClock,
        connections: Math.max(1, concurrency),
      });
      const signal = new AbortController().signal;
      let okOurs = 0;
      let okFetch = 0;
      const ours = async () => {
        const r = await transport.send(REQ, signal);
        if (r.kind === "response" && r.status === 200 && r.text === REPLY) okOurs++;
      };
      const viaFetch = async () => {
        const headers = {
          ...buildL2Headers(ADDRESS, CREDS, { method: "POST", path: "/order", body: BODY }, systemClock.now() / 1000),
          "content-type": "application/json",
          accept: "application/json",
        };
        const res = await fetch(`${lb.url}/order`, { method: "POST", headers, body: BODY });
        if (res.status === 200 && (await res.text()) === REPLY) okFetch++;
      };
      try {
        const total = ctx.n(concurrency === 1 ? 2_000 : 10_000, concurrency === 1 ? 20 : 100);
        const rounds = ctx.smoke ? 1 : 3;
        await drive(Math.min(total, 500), concurrency, ours);
        await drive(Math.min(total, 500), concurrency, viaFetch);
        okOurs = 0;
        okFetch = 0;
        const a: number[] = [];
        const b: number[] = [];
        let latOurs: Float64Array = new Float64Array(0);
        let latFetch: Float64Array = new Float64Array(0);
        for (let i = 0; i < rounds; i++) {
          const x = await drive(total, concurrency, ours);
          const y = await drive(total, concurrency, viaFetch);
          a.push(x.rps);
          b.push(y.rps);
          latOurs = x.lat;
          latFetch = y.lat;
        }
        if (okOurs !== total * rounds || okFetch !== total * rounds) {
          throw new Error(`cross-check failed: ours ${okOurs}, fetch ${okFetch}, expected ${total * rounds} each`);
        }
        return {
          value: median(a),
          baseline: median(b),
          details: {
            crossChecked: true,
            requests: total * rounds,
            p50Us: percentile(latOurs, 50) / 1e3,
            p99Us: percentile(latOurs, 99) / 1e3,
            fetchP50Us: percentile(latFetch, 50) / 1e3,
            fetchP99Us: percentile(latFetch, 99) / 1e3,
          },
        };
      } finally {
        await transport.destroy();
        await lb.close();
      }
    },
  };
}

const CANCEL_REQ: VenueRequest = { route: "deleteOrder", method: "DELETE", path: "/order", body: JSON.stringify({ orderID: ORDER_ID }) };

/** Signs nothing (queue-to-wire measures the queue, not secp256k1): a fixed id and envelope. */
const nullSigner: OrderSigner = { sign: () => ({ orderId: ORDER_ID as OrderId, envelope: { order: {} } }) };

const queueToWire: BenchSpec = {
  name: "gateway/queue-to-wire p50 (submit → request at server) vs direct send",
  unit: "µs",
  better: "lower",
  // The queue adds at most ~2× to a bare loopback send (same transport, same server).
  target: { minRatio: 0.5 },
  async measure(ctx) {
    const lb = await loopback();
    const inner = createHttpTransport({ baseUrl: lb.url, credentials: CREDS, address: ADDRESS, clock: systemClock, connections: 1 });
    // Each request carries a tag (query string) so the server can stamp its arrival time.
    let currentTag = "";
    const tagged = {
      send: (req: VenueRequest, signal: AbortSignal) => inner.send({ ...req, query: { tag: currentTag } }, signal),
    };
    const results: GatewayResult[] = [];
    const core = new GatewayCore({
      transport: tagged,
      signer: nullSigner,
      mailbox: { post: (m) => results.push(m) },
      clock: systemClock,
    });
    const server = lb.server;
    server.removeAllListeners("request");
    server.on("request", (req: IncomingMessage, res: ServerResponse) => {
      const t = new URL(req.url ?? "/", "http://x").searchParams.get("tag");
      if (t) lb.arrivals.set(t, process.hrtime.bigint());
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(CANCEL_REPLY) });
        res.end(CANCEL_REPLY);
      });
    });
    try {
      const n = ctx.n(2_000, 20);
      const viaQueue: number[] = [];
      const direct: number[] = [];
      const signal = new AbortController().signal;
      for (let i = 0; i < n + 50; i++) {
        // Through the worker: CANCEL (no signing), wait for its result.
        currentTag = `q${i}`;
        const before = results.length;
        const t0 = process.hrtime.bigint();
        core.submit({ kind: "CANCEL", actionId: i, orderId: ORDER_ID as OrderId, clientOrderId: "c" });
        while (results.length === before) await new Promise((r) => setImmediate(r));
        const arrivedQ = lb.arrivals.get(currentTag);
        // Direct: the same transport call without the queue.
        currentTag = `d${i}`;
        const t1 = process.hrtime.bigint();
        await tagged.send(CANCEL_REQ, signal);
        const arrivedD = lb.arrivals.get(currentTag);
        if (arrivedQ === undefined || arrivedD === undefined) throw new Error("request did not reach the server");
        if (i >= 50) {
          viaQueue.push(Number(arrivedQ - t0) / 1e3);
          direct.push(Number(arrivedD - t1) / 1e3);
        }
      }
      const acks = results.filter((r) => r.kind === "CANCEL_ACK" && r.canceled).length;
      if (acks !== n + 50) throw new Error(`cross-check failed: ${acks} CANCEL_ACKs for ${n + 50} cancels`);
      viaQueue.sort((x, y) => x - y);
      direct.sort((x, y) => x - y);
      return {
        value: percentile(viaQueue, 50),
        baseline: percentile(direct, 50),
        details: { crossChecked: true, samples: n, p99Us: percentile(viaQueue, 99), directP99Us: percentile(direct, 99) },
      };
    } finally {
      await core.close();
      await inner.destroy();
      await lb.close();
    }
  },
};

export default defineBenches([throughputSpec(1, { minRatio: 1 }), throughputSpec(50, { minRatio: 3 }), queueToWire]);
