import { afterEach, describe, expect, it } from "vitest";
import { startObservabilityServer, type HealthComponent, type ObservabilityServer } from "../src/http-server.js";
import { BotMetrics } from "../src/metrics.js";

let server: ObservabilityServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("observability endpoints on loopback", () => {
  it("serves /health with component details and 503 when any component is down", async () => {
    let components: HealthComponent[] = [
      { name: "market-feed", ok: true, detail: "connected" },
      { name: "user-feed", ok: true, detail: "connected" },
    ];
    server = await startObservabilityServer({
      host: "127.0.0.1",
      port: 0,
      registry: new BotMetrics({ processMetrics: false }).registry,
      health: () => components,
    });
    const ok = await fetch(`${server.url}/health`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: "ok", components });
    components = [{ name: "user-feed", ok: false, detail: "reconnecting" }];
    const degraded = await fetch(`${server.url}/health`);
    expect(degraded.status).toBe(503);
    expect(((await degraded.json()) as { status: string }).status).toBe("degraded");
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });

  it("serves Prometheus text with the bot's counters", async () => {
    const metrics = new BotMetrics({ processMetrics: false });
    metrics.ordersPlaced.inc({ market: "m1" }, 3);
    metrics.rejects.inc({ reason: "tick_size" });
    metrics.setMode("m1", "STOP", ["RUNNING", "STOP", "COOLDOWN", "RESYNC"]);
    server = await startObservabilityServer({ host: "127.0.0.1", port: 0, registry: metrics.registry, health: () => [] });
    const res = await fetch(`${server.url}/metrics`);
    const text = await res.text();
    expect(res.headers.get("content-type")).toContain("text/plain");
    expect(text).toContain('mm_orders_placed_total{market="m1"} 3');
    expect(text).toContain('mm_rejects_total{reason="tick_size"} 1');
    expect(text).toContain('mm_executor_mode{market="m1",mode="STOP"} 1');
    expect(text).toContain('mm_executor_mode{market="m1",mode="RUNNING"} 0');
  });
});
