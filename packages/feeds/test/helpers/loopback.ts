/**
 * A small real WebSocket server on loopback for transport-level tests (hand-written, no mocks):
 * answers text PING with PONG unless told not to, records what clients send, can push frames,
 * close or terminate sockets, and refuse upgrades.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

export class LoopbackWsServer {
  readonly http: Server;
  readonly wss: WebSocketServer;
  readonly sockets = new Set<WebSocket>();
  readonly received: string[] = [];
  connections = 0;
  answerPings = true;
  rejectUpgrades = 0;
  onConnection: ((ws: WebSocket) => void) | undefined;
  onText: ((ws: WebSocket, text: string) => void) | undefined;
  private port = 0;

  constructor() {
    this.http = createServer((_req, res) => {
      res.statusCode = 404;
      res.end();
    });
    this.wss = new WebSocketServer({ noServer: true });
    this.http.on("upgrade", (req, socket, head) => {
      if (this.rejectUpgrades > 0) {
        this.rejectUpgrades--;
        socket.end("HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.http.listen(0, "127.0.0.1", resolve));
    this.port = (this.http.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  private accept(ws: WebSocket): void {
    this.connections++;
    this.sockets.add(ws);
    ws.on("close", () => this.sockets.delete(ws));
    ws.on("message", (data) => {
      const text = data.toString();
      this.received.push(text);
      if (text === "PING") {
        if (this.answerPings) ws.send("PONG");
        return;
      }
      this.onText?.(ws, text);
    });
    this.onConnection?.(ws);
  }

  broadcast(text: string): void {
    for (const ws of this.sockets) ws.send(text);
  }

  /** Server-side close of every socket. */
  closeAll(code = 1001): void {
    for (const ws of this.sockets) ws.close(code, "server closing");
  }

  terminateAll(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  async stop(): Promise<void> {
    this.terminateAll();
    this.wss.close();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

/** Polls `check` until it is truthy (or throws after `timeoutMs`). */
export async function eventually<T>(check: () => T | undefined | false, timeoutMs = 5_000, what = "condition"): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
