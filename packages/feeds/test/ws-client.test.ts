import { afterEach, describe, expect, it } from "vitest";
import {
  backoffDelay,
  type DisconnectInfo,
  ManagedWebSocket,
  MIN_INITIAL_DELAY_MS,
  normalizeBackoff,
  type WsHandlers,
} from "../src/index.js";
import { eventually, LoopbackWsServer, sleep } from "./helpers/loopback.js";

const fast = { initialMs: 50, maxMs: 1_000, jitter: 0 };

function recorder(extra: Partial<WsHandlers> = {}) {
  const log = { opens: 0, messages: [] as string[], disconnects: [] as DisconnectInfo[] };
  const handlers: WsHandlers = {
    onOpen: (s) => {
      log.opens++;
      s.send("SUBSCRIBE");
    },
    onMessage: (data) => {
      log.messages.push(data.toString());
    },
    onDisconnect: (info) => {
      log.disconnects.push(info);
    },
    ...extra,
  };
  return { log, handlers };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(): Promise<LoopbackWsServer> {
  const s = await new LoopbackWsServer().start();
  cleanups.push(() => s.stop());
  return s;
}

function client(url: string, handlers: WsHandlers, opts: Partial<ConstructorParameters<typeof ManagedWebSocket>[0]> = {}) {
  // Generous dead-socket timeout by default: a loaded CI box must not cause spurious reconnects.
  const c = new ManagedWebSocket({ url, name: "test", backoff: fast, pingIntervalMs: 50, pongTimeoutMs: 2_000, ...opts }, handlers);
  cleanups.push(() => c.stop());
  return c;
}

describe("backoff", () => {
  it("grows exponentially to the cap with bounded jitter, and floors cannot be configured away", () => {
    const p = normalizeBackoff({ initialMs: 100, maxMs: 5_000, factor: 2, jitter: 0 });
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(p, a))).toEqual([100, 200, 400, 800, 5_000]);
    const tight = normalizeBackoff({ initialMs: 0, maxMs: 0, factor: 1, jitter: 5 });
    expect(tight.initialMs).toBe(MIN_INITIAL_DELAY_MS);
    expect(tight.maxMs).toBeGreaterThanOrEqual(1_000);
    expect(tight.factor).toBe(1.5);
    expect(tight.jitter).toBe(0.5);
    const nan = normalizeBackoff({ initialMs: Number.NaN, maxMs: Number.POSITIVE_INFINITY });
    expect(nan.initialMs).toBe(500);
    for (let a = 0; a < 30; a++) {
      const d = backoffDelay(tight, a, () => 0.999);
      expect(d).toBeGreaterThanOrEqual(MIN_INITIAL_DELAY_MS / 2);
      expect(d).toBeLessThanOrEqual(tight.maxMs);
    }
  });
});

describe("ManagedWebSocket over loopback", () => {
  it("connects, subscribes on open, sends text PING every interval, swallows PONG, delivers data", async () => {
    const srv = await server();
    const { log, handlers } = recorder();
    const c = client(srv.url, handlers);
    c.start();
    await eventually(() => c.state === "open", 3_000, "open");
    await eventually(() => srv.received.includes("SUBSCRIBE"), 3_000, "subscribe");
    srv.broadcast('{"hello":1}');
    await eventually(() => log.messages.length === 1, 3_000, "message");
    await eventually(() => c.stats.pongs >= 3, 3_000, "pongs");
    expect(srv.received.filter((t) => t === "PING").length).toBeGreaterThanOrEqual(3);
    expect(log.messages).toEqual(['{"hello":1}']); // PONGs never reach the handler
    expect(c.stats.messages).toBeGreaterThanOrEqual(4);
    expect(c.stats.lastDataAt).toBeGreaterThan(0);
    await c.stop();
    expect(c.state).toBe("stopped");
    await eventually(() => srv.sockets.size === 0, 3_000, "server sees close");
  });

  it("server-side close ⇒ disconnect hook ⇒ reconnect ⇒ re-subscribe", async () => {
    const srv = await server();
    const { log, handlers } = recorder();
    const c = client(srv.url, handlers);
    c.start();
    await eventually(() => log.opens === 1);
    srv.closeAll(1001);
    await eventually(() => log.opens === 2, 3_000, "reopen");
    expect(log.disconnects).toHaveLength(1);
    expect(log.disconnects[0]).toMatchObject({ reason: "closed", code: 1001, connection: 1 });
    expect(c.stats.reconnects).toBe(1);
    await eventually(() => srv.received.filter((t) => t === "SUBSCRIBE").length === 2, 3_000, "re-subscribed");
  });

  it("awaits the disconnect hook before reconnecting", async () => {
    const srv = await server();
    const order: string[] = [];
    let release: (() => void) | undefined;
    const { handlers } = recorder({
      onOpen: () => {
        order.push("open");
      },
      onDisconnect: () => {
        order.push("hook start");
        return new Promise<void>((r) => {
          release = () => {
            order.push("hook end");
            r();
          };
        });
      },
    });
    const c = client(srv.url, handlers);
    c.start();
    await eventually(() => order.includes("open"));
    srv.terminateAll();
    await eventually(() => release !== undefined, 3_000, "hook called");
    await sleep(200);
    expect(srv.connections).toBe(1); // still waiting on the hook: no reconnect yet
    expect(c.state).toBe("disconnecting");
    release?.();
    await eventually(() => order.filter((o) => o === "open").length === 2, 3_000, "reopen");
    expect(order).toEqual(["open", "hook start", "hook end", "open"]);
  });

  it("stop() returns promptly even while a disconnect hook is still pending", async () => {
    const srv = await server();
    let hookCalled = false;
    const { handlers } = recorder({
      onDisconnect: () => {
        hookCalled = true;
        return new Promise<void>(() => {}); // never settles
      },
    });
    const c = client(srv.url, handlers);
    c.start();
    await eventually(() => c.state === "open");
    srv.terminateAll();
    await eventually(() => hookCalled && c.state === "disconnecting", 3_000, "hook pending");
    const t0 = Date.now();
    await c.stop();
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(c.state).toBe("stopped");
    await sleep(200);
    expect(srv.connections).toBe(1);
  });

  it("reconnects when PONGs stop (dead socket) and when data stops while PONGs flow (stall)", async () => {
    const srv = await server();
    const { log, handlers } = recorder();
    const c = client(srv.url, handlers, { pongTimeoutMs: 150, stallTimeoutMs: 300 });
    c.start();
    await eventually(() => log.opens === 1);
    srv.answerPings = false;
    await eventually(() => c.stats.pongTimeouts === 1, 3_000, "pong timeout");
    await eventually(() => log.opens === 2, 3_000, "reopen after pong timeout");
    expect(log.disconnects[0]?.reason).toBe("pong_timeout");
    srv.answerPings = true;
    // PONGs flow, no data: the stall watchdog fires
    await eventually(() => c.stats.stalls === 1, 3_000, "stall");
    await eventually(() => log.disconnects.length === 2, 3_000, "stall disconnect");
    expect(log.disconnects[1]?.reason).toBe("stall");
    await eventually(() => log.opens === 3, 3_000, "reopen after stall");
  });

  it("the stall watchdog leaves inactive connections alone", async () => {
    const srv = await server();
    const { log, handlers } = recorder({ isActive: () => false });
    const c = client(srv.url, handlers, { stallTimeoutMs: 100 });
    c.start();
    await eventually(() => log.opens === 1);
    await sleep(400);
    expect(c.stats.stalls).toBe(0);
    expect(log.opens).toBe(1);
  });

  it("backs off on refused upgrades without spinning, and recovers", async () => {
    const srv = await server();
    srv.rejectUpgrades = 4;
    const { log, handlers } = recorder();
    const c = client(srv.url, handlers, { backoff: { initialMs: 50, maxMs: 1_000, factor: 2, jitter: 0 } });
    const t0 = Date.now();
    c.start();
    await eventually(() => log.opens === 1, 5_000, "open after refusals");
    // 4 failures ⇒ waits of 50 + 100 + 200 + 400 ms before the 5th attempt
    expect(Date.now() - t0).toBeGreaterThanOrEqual(700);
    expect(c.stats.connectFailures).toBe(4);
    expect(c.stats.lastError).toMatch(/429/);
  });

  it("stops cleanly at any moment: while backing off, while connecting, while open; and restarts", async () => {
    const srv = await server();
    const { log, handlers } = recorder();
    // backing off (server refuses, long backoff)
    srv.rejectUpgrades = 1_000;
    const c = client(srv.url, handlers, { backoff: { initialMs: 5_000, jitter: 0 } });
    c.start();
    await eventually(() => c.state === "waiting", 3_000, "waiting");
    const t0 = Date.now();
    await c.stop();
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(c.state).toBe("stopped");
    // connecting to a port that never answers the handshake
    const blackhole = (await import("node:net")).createServer(() => {});
    await new Promise<void>((r) => blackhole.listen(0, "127.0.0.1", r));
    const port = (blackhole.address() as import("node:net").AddressInfo).port;
    const c2 = client(`ws://127.0.0.1:${port}/ws`, handlers, { connectTimeoutMs: 30_000 });
    c2.start();
    await eventually(() => c2.state === "connecting");
    const t1 = Date.now();
    await c2.stop();
    expect(Date.now() - t1).toBeLessThan(1_000);
    blackhole.close();
    // open, then restart
    srv.rejectUpgrades = 0;
    const c3 = client(srv.url, handlers);
    c3.start();
    await eventually(() => c3.state === "open");
    await c3.stop();
    await eventually(() => srv.sockets.size === 0);
    c3.start();
    await eventually(() => c3.state === "open", 3_000, "reopen after restart");
    expect(log.opens).toBe(2);
    expect(c3.stats.connects).toBe(2);
    await c3.stop();
    expect(log.disconnects).toHaveLength(0); // stop() is not a disconnect
  });

  it("an unusable URL is a failed attempt with backoff, not a crash", async () => {
    const { log, handlers } = recorder();
    const c = client("not a url", handlers, { backoff: { initialMs: 100, maxMs: 1_000, jitter: 0 } });
    c.start();
    await sleep(500);
    expect(c.running).toBe(true);
    expect(c.stats.connectFailures).toBeGreaterThanOrEqual(2);
    expect(c.stats.connectFailures).toBeLessThanOrEqual(4); // 100 + 200 ms waits in half a second
    expect(c.stats.lastError).toMatch(/url/i);
    expect(log.opens).toBe(0);
  });

  it("counts handler exceptions and keeps reading", async () => {
    const srv = await server();
    let n = 0;
    const { handlers } = recorder({
      onMessage: () => {
        n++;
        if (n === 1) throw new Error("boom");
      },
    });
    const c = client(srv.url, handlers);
    c.start();
    await eventually(() => c.state === "open");
    srv.broadcast("a");
    srv.broadcast("b");
    await eventually(() => n === 2);
    expect(c.stats.handlerErrors).toBe(1);
    expect(c.state).toBe("open");
  });

  it("pause/resume stops reading without tripping the watchdogs", async () => {
    const srv = await server();
    const { log, handlers } = recorder();
    const c = client(srv.url, handlers, { pongTimeoutMs: 120 });
    c.start();
    await eventually(() => c.state === "open");
    c.pause();
    srv.broadcast("x");
    const pings = c.stats.pingsSent;
    await sleep(400);
    expect(c.stats.pingsSent).toBeGreaterThan(pings); // still pinging: the venue drops silent clients
    expect(c.stats.pongTimeouts).toBe(0);
    expect(log.opens).toBe(1);
    c.resume();
    await eventually(() => log.messages.includes("x"));
  });

  it("a socket opened while paused (reconnect during backpressure) stays paused until resume", async () => {
    const srv = await server();
    srv.onConnection = (ws) => ws.send(`hello ${srv.connections}`);
    const { log, handlers } = recorder();
    const c = client(srv.url, handlers);
    c.start();
    await eventually(() => log.messages.includes("hello 1"));
    c.pause();
    // A paused socket reads nothing, not even a close frame: a server-side close is noticed after
    // resume. A locally detected drop reconnects at once, and the new socket inherits the pause.
    c.dropConnection();
    await eventually(() => log.opens === 2, 3_000, "reopened");
    await sleep(200);
    expect(log.messages).not.toContain("hello 2");
    c.resume();
    await eventually(() => log.messages.includes("hello 2"), 3_000, "delivered after resume");
  });
});
