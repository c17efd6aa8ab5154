/**
 * A Binance-like reference server: REST `/api/v3/ticker/bookTicker` and `/api/v3/ticker/price`,
 * WebSocket `/ws/<symbol>@bookTicker` and combined `/stream?streams=a/b` (wrapped as
 * `{"stream","data"}`), driven by seeded price paths on the injected Clock (wire shapes per
 * POLYMARKET.md §12: strings with 8 decimals, no event time on spot bookTicker).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Clock, TimerHandle } from "@mm/types";
import { WebSocket, WebSocketServer } from "ws";
import { closeServer, listen, sendJson, splitUrl } from "../server/http-kit.js";
import { PricePath, type PricePathOptions, type ReferenceQuote } from "./path.js";

export interface ReferenceSymbolOptions extends Omit<PricePathOptions, "seed"> {
  /** Upper-case symbol, e.g. "BTCUSDT". */
  readonly symbol: string;
}

export interface ReferenceServerOptions {
  readonly clock: Clock;
  readonly seed: number;
  readonly symbols?: readonly ReferenceSymbolOptions[];
  /** Path step / broadcast interval in ms (default 100). 0 disables the timer (step manually). */
  readonly intervalMs?: number;
  readonly host?: string;
  readonly port?: number;
  /** Protocol-level ping interval for WS clients (default 20 s, as current Binance docs). */
  readonly pingIntervalMs?: number;
}

interface Subscriber {
  readonly socket: WebSocket;
  /** Lower-case stream names ("btcusdt@bookticker") this socket receives. */
  readonly streams: Set<string>;
  readonly combined: boolean;
}

const STREAM_SUFFIX = "@bookticker";

export function formatBinanceDecimal(x: number): string {
  return x.toFixed(8);
}

export function bookTickerRest(symbol: string, q: ReferenceQuote): Record<string, string> {
  return {
    symbol,
    bidPrice: formatBinanceDecimal(q.bid),
    bidQty: formatBinanceDecimal(q.bidQty),
    askPrice: formatBinanceDecimal(q.ask),
    askQty: formatBinanceDecimal(q.askQty),
  };
}

export function bookTickerWs(symbol: string, q: ReferenceQuote): Record<string, string | number> {
  return {
    u: q.seq,
    s: symbol,
    b: formatBinanceDecimal(q.bid),
    B: formatBinanceDecimal(q.bidQty),
    a: formatBinanceDecimal(q.ask),
    A: formatBinanceDecimal(q.askQty),
  };
}

export class ReferenceServer {
  readonly paths = new Map<string, PricePath>();
  private readonly clock: Clock;
  private readonly intervalMs: number;
  private readonly host: string;
  private readonly requestedPort: number;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly subscribers = new Set<Subscriber>();
  private readonly listeners = new Set<(symbol: string, quote: ReferenceQuote) => void>();
  private timer: TimerHandle | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private readonly pingIntervalMs: number;
  private port = 0;
  /** When true, quotes keep updating but WS pushes stop (socket stays open). */
  frozen = false;
  /** Counts of REST requests by path. */
  readonly requestCounts = new Map<string, number>();

  constructor(options: ReferenceServerOptions) {
    this.clock = options.clock;
    this.intervalMs = options.intervalMs ?? 100;
    this.host = options.host ?? "127.0.0.1";
    this.requestedPort = options.port ?? 0;
    this.pingIntervalMs = options.pingIntervalMs ?? 20_000;
    const symbols = options.symbols ?? [{ symbol: "BTCUSDT" }];
    let salt = 0;
    for (const s of symbols) {
      const symbol = s.symbol.toUpperCase();
      this.paths.set(symbol, new PricePath({ ...s, seed: (options.seed + Math.imul(++salt, 0x9e3779b1)) >>> 0 }, this.clock.now()));
    }
    this.http = createServer((req, res) => this.onRequest(req, res));
    this.wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    this.http.on("upgrade", (req, socket, head) => this.onUpgrade(req, socket, head));
  }

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }
  get wsUrl(): string {
    return `ws://${this.host}:${this.port}`;
  }

  async start(): Promise<void> {
    this.port = await listen(this.http, this.host, this.requestedPort);
    if (this.intervalMs > 0) this.schedule();
    if (this.pingIntervalMs > 0) {
      this.pingTimer = setInterval(() => {
        for (const s of this.subscribers) if (s.socket.readyState === WebSocket.OPEN) s.socket.ping();
      }, this.pingIntervalMs);
      this.pingTimer.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    if (this.pingTimer !== undefined) clearInterval(this.pingTimer);
    for (const s of this.subscribers) s.socket.terminate();
    this.subscribers.clear();
    this.wss.close();
    await closeServer(this.http);
  }

  /** Latest quote of a symbol (upper-case). */
  quote(symbol: string): ReferenceQuote | undefined {
    return this.paths.get(symbol.toUpperCase())?.last;
  }

  /** Called after every path step (the flow engine prices markets from it). */
  onQuote(fn: (symbol: string, quote: ReferenceQuote) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Advances every path to the clock's now and pushes the quotes (the timer calls this). */
  step(): void {
    const now = this.clock.now();
    for (const [symbol, path] of this.paths) {
      const q = path.advanceTo(now);
      for (const fn of this.listeners) fn(symbol, q);
      if (!this.frozen) this.broadcast(symbol, q);
    }
  }

  /** Closes every WS connection (fault injection). */
  dropConnections(): number {
    let n = 0;
    for (const s of this.subscribers) {
      s.socket.terminate();
      n++;
    }
    this.subscribers.clear();
    return n;
  }

  get connectionCount(): number {
    return this.subscribers.size;
  }

  private schedule(): void {
    this.timer = this.clock.setTimer(this.intervalMs, () => {
      this.step();
      this.schedule();
    });
  }

  private broadcast(symbol: string, q: ReferenceQuote): void {
    if (this.subscribers.size === 0) return;
    const stream = `${symbol.toLowerCase()}${STREAM_SUFFIX}`;
    const wireStream = `${symbol.toLowerCase()}@bookTicker`;
    const data = bookTickerWs(symbol, q);
    let raw: string | undefined;
    let wrapped: string | undefined;
    for (const s of this.subscribers) {
      if (!s.streams.has(stream) || s.socket.readyState !== WebSocket.OPEN) continue;
      if (s.combined) {
        wrapped ??= JSON.stringify({ stream: wireStream, data });
        s.socket.send(wrapped);
      } else {
        raw ??= JSON.stringify(data);
        s.socket.send(raw);
      }
    }
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const { path, query } = splitUrl(req.url);
    this.requestCounts.set(path, (this.requestCounts.get(path) ?? 0) + 1);
    if (req.method !== "GET") {
      sendJson(res, 405, { code: -1000, msg: "Method not allowed." });
      return;
    }
    if (path === "/api/v3/ping") {
      sendJson(res, 200, {});
      return;
    }
    if (path === "/api/v3/time") {
      sendJson(res, 200, { serverTime: this.clock.now() });
      return;
    }
    const render =
      path === "/api/v3/ticker/bookTicker"
        ? (symbol: string, q: ReferenceQuote) => bookTickerRest(symbol, q)
        : path === "/api/v3/ticker/price"
          ? (symbol: string, q: ReferenceQuote) => ({ symbol, price: formatBinanceDecimal((q.bid + q.ask) / 2) })
          : undefined;
    if (render === undefined) {
      sendJson(res, 404, { code: -1000, msg: "Not found." });
      return;
    }
    const symbol = query.get("symbol");
    if (symbol === null) {
      sendJson(
        res,
        200,
        [...this.paths].map(([s, p]) => render(s, p.last)),
      );
      return;
    }
    const path_ = this.paths.get(symbol);
    if (path_ === undefined) {
      sendJson(res, 400, { code: -1121, msg: "Invalid symbol." });
      return;
    }
    sendJson(res, 200, render(symbol, path_.last));
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { path, query } = splitUrl(req.url);
    let streams: string[] | undefined;
    let combined = false;
    if (path.startsWith("/ws/")) {
      streams = path
        .slice(4)
        .split("/")
        .filter((s) => s.length > 0);
    } else if (path === "/stream") {
      combined = true;
      streams = (query.get("streams") ?? "").split("/").filter((s) => s.length > 0);
    }
    const normalized = streams?.map((s) => s.toLowerCase());
    if (normalized === undefined || normalized.some((s) => !this.isKnownStream(s))) {
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const sub: Subscriber = { socket: ws, streams: new Set(normalized), combined };
      this.subscribers.add(sub);
      ws.on("close", () => this.subscribers.delete(sub));
      ws.on("error", () => this.subscribers.delete(sub));
      ws.on("message", (data, isBinary) => {
        if (isBinary) return;
        this.onControl(sub, data.toString());
      });
    });
  }

  private isKnownStream(stream: string): boolean {
    if (!stream.endsWith(STREAM_SUFFIX)) return false;
    return this.paths.has(stream.slice(0, -STREAM_SUFFIX.length).toUpperCase());
  }

  /** Binance's live subscription methods: SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS. */
  private onControl(sub: Subscriber, text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      sub.socket.send(JSON.stringify({ error: { code: 3, msg: "Invalid JSON" }, id: null }));
      return;
    }
    if (typeof msg !== "object" || msg === null) return;
    const { method, params, id } = msg as { method?: unknown; params?: unknown; id?: unknown };
    const reqId = typeof id === "number" || typeof id === "string" ? id : null;
    const list = Array.isArray(params) ? params.filter((p): p is string => typeof p === "string").map((p) => p.toLowerCase()) : [];
    if (method === "SUBSCRIBE") {
      if (list.some((s) => !this.isKnownStream(s))) {
        sub.socket.send(JSON.stringify({ error: { code: 2, msg: "Invalid request: unknown stream" }, id: reqId }));
        return;
      }
      for (const s of list) sub.streams.add(s);
      sub.socket.send(JSON.stringify({ result: null, id: reqId }));
    } else if (method === "UNSUBSCRIBE") {
      for (const s of list) sub.streams.delete(s);
      sub.socket.send(JSON.stringify({ result: null, id: reqId }));
    } else if (method === "LIST_SUBSCRIPTIONS") {
      sub.socket.send(JSON.stringify({ result: [...sub.streams].map((s) => s.replace(STREAM_SUFFIX, "@bookTicker")), id: reqId }));
    } else {
      sub.socket.send(JSON.stringify({ error: { code: 1, msg: "Invalid request" }, id: reqId }));
    }
  }
}
