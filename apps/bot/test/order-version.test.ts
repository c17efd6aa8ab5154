/** `GET /version` decides the live order format (V1 orders are refused since CLOB V2). */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchOrderVersion } from "../src/venue-rest.js";

let reply: { status: number; body: string } = { status: 200, body: "{}" };
let server: Server;
let base = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url !== "/version") {
      res.writeHead(500).end();
      return;
    }
    res.writeHead(reply.status, { "content-type": "application/json" }).end(reply.body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("fetchOrderVersion", () => {
  it("takes the venue's version, and assumes 2 when the route or the field is absent", async () => {
    for (const [status, body, want] of [
      [200, '{"version":1}', 1],
      [200, '{"version":2}', 2],
      [200, '{"version":3}', 3],
      [200, "{}", 2],
      [200, '{"version":null}', 2],
      [404, "not found", 2],
    ] as const) {
      reply = { status, body };
      expect(await fetchOrderVersion(base)).toBe(want);
    }
  });

  it("refuses to guess on anything else (a live bot must not sign the wrong format)", async () => {
    for (const [status, body, msg] of [
      [200, '{"version":4}', /unsupported order version 4/],
      [200, '{"version":"2"}', /unsupported order version "2"/],
      [200, "not json", /not JSON/],
      [503, '{"error":"down"}', /HTTP 503/],
    ] as const) {
      reply = { status, body };
      await expect(fetchOrderVersion(base)).rejects.toThrow(msg);
    }
  });
});
