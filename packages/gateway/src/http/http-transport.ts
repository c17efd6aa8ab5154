/**
 * The live `VenueTransport`: an undici `Pool` with keep-alive to the CLOB origin, L2 HMAC headers
 * (@mm/protocol) on every call, a timeout on every request, bounded response bodies, and
 * AbortSignal propagation (the gateway's shutdown signal aborts in-flight requests).
 *
 * Outcome mapping (what the retry policy needs): connection refused / connect timeout / DNS ⇒
 * `network` with `sent: false` (the request provably never left); our timeout, undici headers/body
 * timeouts ⇒ `timeout`; a reset after writing ⇒ `network` with `sent: true`; shutdown ⇒ `aborted`.
 */
import { type ApiCredentials, buildL2Headers } from "@mm/protocol";
import type { Clock } from "@mm/types";
import { setMaxListeners } from "node:events";
import { Pool } from "undici";
import type { RouteKey, VenueReply, VenueRequest, VenueTransport } from "../transport.js";

export interface HttpTransportOptions {
  /** CLOB origin, e.g. `https://clob.polymarket.com` or the simulator's `http://127.0.0.1:PORT`. */
  readonly baseUrl: string;
  /** L2 credentials. The secret and passphrase never appear in errors or logs. */
  readonly credentials: ApiCredentials;
  /** `POLY_ADDRESS`: the signer address the API key belongs to. */
  readonly address: string;
  /** For `POLY_TIMESTAMP` (unix seconds). */
  readonly clock: Clock;
  /** Per-route request timeouts in ms (defaults: trading 5 s, reads 10 s, heartbeat 4 s). */
  readonly timeoutsMs?: Partial<Record<RouteKey, number>>;
  /** Keep-alive connections in the pool (default 16). */
  readonly connections?: number;
  readonly keepAliveTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  /** Larger responses are cut off and reported as a network error (default 8 MiB). */
  readonly maxResponseBytes?: number;
  /** Extra headers on every request (e.g. a user agent). Never credentials. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface HttpTransport extends VenueTransport {
  /** Graceful: waits for in-flight requests, then closes the connections. */
  close(): Promise<void>;
  /** Immediate: aborts everything. */
  destroy(): Promise<void>;
}

const DEFAULT_TIMEOUTS: Record<RouteKey, number> = {
  postOrder: 5_000,
  postOrders: 5_000,
  deleteOrder: 5_000,
  deleteOrders: 5_000,
  cancelAll: 5_000,
  getOrder: 10_000,
  getOrders: 10_000,
  getTrades: 10_000,
  getBalance: 10_000,
  heartbeat: 4_000,
};

const NOT_SENT_CODES = new Set(["ECONNREFUSED", "UND_ERR_CONNECT_TIMEOUT", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);
const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

function errorCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let depth = 0; depth < 4 && typeof cur === "object" && cur !== null; depth++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === "string") return c;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

class ResponseTooLarge extends Error {}

export function createHttpTransport(o: HttpTransportOptions): HttpTransport {
  const origin = new URL(o.baseUrl).origin;
  const basePath = new URL(o.baseUrl).pathname.replace(/\/+$/, "");
  const timeouts: Record<RouteKey, number> = { ...DEFAULT_TIMEOUTS, ...o.timeoutsMs };
  const maxBytes = o.maxResponseBytes ?? 8 * 1024 * 1024;
  const pool = new Pool(origin, {
    connections: o.connections ?? 16,
    pipelining: 1,
    keepAliveTimeout: o.keepAliveTimeoutMs ?? 30_000,
    keepAliveMaxTimeout: Math.max(o.keepAliveTimeoutMs ?? 30_000, 60_000),
    connect: { timeout: o.connectTimeoutMs ?? 3_000 },
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  const extra = o.headers ?? {};
  // Every concurrent request listens on the caller's shutdown signal; many in flight is normal.
  const widened = new WeakSet<AbortSignal>();

  async function send(req: VenueRequest, signal: AbortSignal): Promise<VenueReply> {
    if (signal.aborted) return { kind: "aborted", sent: false };
    const qs = req.query !== undefined && Object.keys(req.query).length > 0 ? `?${new URLSearchParams(req.query).toString()}` : "";
    const signedPath = basePath + req.path;
    const l2 = buildL2Headers(o.address, o.credentials, { method: req.method, path: signedPath, body: req.body }, o.clock.now() / 1000);
    const headers: Record<string, string> = { ...extra, ...l2, accept: "application/json" };
    if (req.body !== undefined) headers["content-type"] = "application/json";

    const ctl = new AbortController();
    let why: "timeout" | "shutdown" | undefined;
    const onShutdown = (): void => {
      why ??= "shutdown";
      ctl.abort();
    };
    if (!widened.has(signal)) {
      widened.add(signal);
      setMaxListeners(0, signal);
    }
    signal.addEventListener("abort", onShutdown, { once: true });
    const timeoutMs = timeouts[req.route];
    const timer = setTimeout(() => {
      why ??= "timeout";
      ctl.abort();
    }, timeoutMs);
    try {
      const res = await pool.request({
        path: signedPath + qs,
        method: req.method,
        headers,
        ...(req.body !== undefined ? { body: req.body } : {}),
        signal: ctl.signal,
        // undici closes the connection after a body on a method that "does not expect one" (DELETE)
        // unless told otherwise; the venue's DELETE /order(s) carry bodies, and a new TLS connection
        // per cancel would be slow. The venue (and the simulator) read those bodies correctly.
        reset: false,
        headersTimeout: timeoutMs + 1_000,
        bodyTimeout: timeoutMs + 1_000,
      });
      const declared = Number(res.headers["content-length"]);
      if (Number.isFinite(declared) && declared > maxBytes) {
        res.body.destroy();
        throw new ResponseTooLarge(`response of ${declared} bytes exceeds ${maxBytes}`);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        const b = chunk as Buffer;
        size += b.length;
        if (size > maxBytes) {
          res.body.destroy();
          throw new ResponseTooLarge(`response exceeds ${maxBytes} bytes`);
        }
        chunks.push(b);
      }
      const text = Buffer.concat(chunks).toString("utf8");
      const h = res.headers;
      return {
        kind: "response",
        status: res.statusCode,
        header: (name) => {
          const v = h[name.toLowerCase()];
          return Array.isArray(v) ? v[0] : v;
        },
        text,
      };
    } catch (e) {
      if (why === "shutdown") return { kind: "aborted", sent: true };
      if (why === "timeout") return { kind: "timeout" };
      const code = errorCode(e);
      if (code !== undefined && TIMEOUT_CODES.has(code)) return { kind: "timeout" };
      const sent = !(code !== undefined && NOT_SENT_CODES.has(code));
      const message = e instanceof ResponseTooLarge ? e.message : `${code ?? "error"}: ${e instanceof Error ? e.message : String(e)}`;
      return { kind: "network", sent, message: message.slice(0, 300) };
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", onShutdown);
    }
  }

  return {
    send,
    close: () => pool.close(),
    destroy: () => pool.destroy(),
  };
}
