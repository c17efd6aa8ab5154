import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyL2 } from "@mm/protocol";
import { systemClock } from "@mm/types";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpTransport, type HttpTransport } from "../src/index.js";

const CREDS = { key: "00000000-0000-4000-8000-000000000001", secret: `${"A".repeat(43)}=`, passphrase: "pass-phrase" };
const ADDRESS = "0x00000000000000000000000000000000000000aa";

type H = (req: IncomingMessage, body: string, res: ServerResponse) => void;

async function serve(handler: H): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      body += c;
    });
    req.on("end", () => handler(req, body, res));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function setup(handler: H, timeoutMs = 2_000): Promise<HttpTransport> {
  const { server, url } = await serve(handler);
  const t = createHttpTransport({
    baseUrl: url,
    credentials: CREDS,
    address: ADDRESS,
    clock: systemClock,
    timeoutsMs: { postOrder: timeoutMs, getOrder: timeoutMs },
  });
  cleanup.push(async () => {
    await t.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return t;
}

describe("HTTP transport (undici Pool, loopback)", () => {
  it("signs every call with L2 headers the venue can verify (path without query, exact body) and reuses connections", async () => {
    const seen: boolean[] = [];
    const ports = new Set<number>();
    const t = await setup((req, body, res) => {
      const path = (req.url ?? "").split("?")[0]!;
      const v = verifyL2({
        headers: req.headers as Record<string, string>,
        method: req.method ?? "",
        path,
        body,
        nowSeconds: Date.now() / 1000,
        lookup: (k) => (k === CREDS.key ? { creds: CREDS, address: ADDRESS } : undefined),
      });
      seen.push(v.ok);
      ports.add(req.socket.remotePort ?? 0);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ path, query: (req.url ?? "").split("?")[1] ?? "" }));
    });
    const body = JSON.stringify({ orderID: "0x1" });
    for (let i = 0; i < 20; i++) {
      const r = await t.send({ route: "deleteOrder", method: "DELETE", path: "/order", body }, new AbortController().signal);
      expect(r.kind).toBe("response");
    }
    const r = await t.send(
      { route: "getTrades", method: "GET", path: "/data/trades", query: { after: "5" } },
      new AbortController().signal,
    );
    expect(r.kind === "response" && JSON.parse(r.text)).toEqual({ path: "/data/trades", query: "after=5" });
    expect(seen.every(Boolean)).toBe(true);
    // Keep-alive: 21 sequential calls ride a handful of connections, not one each.
    expect(ports.size).toBeLessThanOrEqual(4);
  });

  it("no answer within the route timeout → timeout", async () => {
    const t = await setup(() => {}, 150);
    const r = await t.send({ route: "postOrder", method: "POST", path: "/order", body: "{}" }, new AbortController().signal);
    expect(r).toEqual({ kind: "timeout" });
  });

  it("connection refused → network error, provably not sent", async () => {
    const { server, url } = await serve(() => {});
    await new Promise((r) => server.close(r));
    const t = createHttpTransport({ baseUrl: url, credentials: CREDS, address: ADDRESS, clock: systemClock });
    cleanup.push(() => t.destroy());
    const r = await t.send({ route: "postOrder", method: "POST", path: "/order", body: "{}" }, new AbortController().signal);
    expect(r).toMatchObject({ kind: "network", sent: false });
  });

  it("reset after the request was written → network error, maybe sent", async () => {
    const t = await setup((req) => req.socket.destroy());
    const r = await t.send({ route: "postOrder", method: "POST", path: "/order", body: "{}" }, new AbortController().signal);
    expect(r).toMatchObject({ kind: "network", sent: true });
  });

  it("shutdown signal aborts an in-flight request", async () => {
    const t = await setup(() => {}, 5_000);
    const ctl = new AbortController();
    const p = t.send({ route: "postOrder", method: "POST", path: "/order", body: "{}" }, ctl.signal);
    setTimeout(() => ctl.abort(), 50);
    expect(await p).toEqual({ kind: "aborted", sent: true });
    expect(await t.send({ route: "postOrder", method: "POST", path: "/order" }, ctl.signal)).toEqual({ kind: "aborted", sent: false });
  });

  it("oversized responses are cut off, never buffered whole", async () => {
    const { server, url } = await serve((_req, _b, res) => res.end("x".repeat(2_000_000)));
    const t = createHttpTransport({ baseUrl: url, credentials: CREDS, address: ADDRESS, clock: systemClock, maxResponseBytes: 100_000 });
    cleanup.push(async () => {
      await t.destroy();
      await new Promise((r) => server.close(r));
    });
    const r = await t.send({ route: "getOrders", method: "GET", path: "/data/orders" }, new AbortController().signal);
    expect(r).toMatchObject({ kind: "network" });
    expect(JSON.stringify(r)).not.toContain(CREDS.secret);
  });
});
