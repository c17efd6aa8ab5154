import { createL2Headers } from "@polymarket/clob-client";
import { buildPolyHmacSignature } from "@polymarket/clob-client/dist/signing/hmac.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildL2Headers, CLOB_PATHS, signL2, verifyL2 } from "../src/index.js";
import { readFixtureJson } from "./fixtures.js";

interface HmacVector {
  secret_base64url: string;
  timestamp: string;
  method: string;
  requestPath: string;
  body: string;
  expected_signature_base64url: string;
}
const vector = readFixtureJson<HmacVector>("test_vectors/l2_hmac_vector.json");

describe("L2 HMAC", () => {
  it("matches the official test vector", () => {
    expect(signL2(vector.secret_base64url, vector.timestamp, vector.method, vector.requestPath, vector.body)).toBe(
      vector.expected_signature_base64url,
    );
  });

  it("signs the path without its query string", () => {
    const a = signL2(vector.secret_base64url, "1", "GET", "/data/orders?market=0xabc&next_cursor=MA==");
    expect(a).toBe(signL2(vector.secret_base64url, "1", "GET", "/data/orders"));
  });

  it("builds the five headers", () => {
    const h = buildL2Headers(
      "0xabc",
      { key: "k", secret: vector.secret_base64url, passphrase: "p" },
      { method: "POST", path: CLOB_PATHS.postOrder, body: "{}" },
      1_700_000_000.9,
    );
    expect(h.POLY_TIMESTAMP).toBe("1700000000");
    expect(h.POLY_API_KEY).toBe("k");
    expect(h.POLY_PASSPHRASE).toBe("p");
    expect(h.POLY_ADDRESS).toBe("0xabc");
    expect(h.POLY_SIGNATURE).toBe(signL2(vector.secret_base64url, "1700000000", "POST", "/order", "{}"));
  });

  it("equals @polymarket/clob-client for random secrets, paths and bodies", async () => {
    const secretArb = fc
      .uint8Array({ minLength: 32, maxLength: 32 })
      .map((b) => Buffer.from(b).toString("base64").replace(/\+/g, "-").replace(/\//g, "_"));
    const pathArb = fc.constantFrom(
      "/order",
      "/orders",
      "/data/orders",
      "/cancel-all",
      "/v1/heartbeats",
      "/data/trades",
      "/balance-allowance",
    );
    const bodyArb = fc.option(fc.json(), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(
        secretArb,
        fc.integer({ min: 1, max: 2_000_000_000 }),
        fc.constantFrom("GET", "POST", "DELETE"),
        pathArb,
        bodyArb,
        async (secret, ts, method, path, body) => {
          const theirs = await buildPolyHmacSignature(secret, ts, method, path, body);
          expect(signL2(secret, ts, method, path, body)).toBe(theirs);
          const signer = { account: { address: "0x1111111111111111111111111111111111111111" }, signTypedData: async () => "0x" };
          const theirHeaders = await createL2Headers(
            signer as never,
            { key: "key", secret, passphrase: "pp" },
            { method, requestPath: path, ...(body === undefined ? {} : { body }) },
            ts,
          );
          const ours = buildL2Headers(
            "0x1111111111111111111111111111111111111111",
            { key: "key", secret, passphrase: "pp" },
            { method, path, ...(body === undefined ? {} : { body }) },
            ts,
          );
          expect({ ...ours }).toEqual({ ...theirHeaders });
        },
      ),
      { numRuns: 60 },
    );
  });

  it("verifies what it signs and refuses tampering", () => {
    const creds = { key: "key-1", secret: vector.secret_base64url, passphrase: "pp" };
    const address = "0x1111111111111111111111111111111111111111";
    const body = '{"orderID":"0x01"}';
    const headers = buildL2Headers(address, creds, { method: "DELETE", path: "/order", body }, 1000);
    const lookup = (k: string) => (k === "key-1" ? { creds, address } : undefined);
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect(verifyL2({ headers: lower, method: "DELETE", path: "/order?x=1", body, nowSeconds: 1005, lookup })).toEqual({
      ok: true,
      apiKey: "key-1",
      address,
    });
    expect(verifyL2({ headers: lower, method: "DELETE", path: "/order", body: '{"orderID": "0x01"}', nowSeconds: 1005, lookup })).toEqual({
      ok: false,
      reason: "bad_signature",
    });
    expect(verifyL2({ headers: lower, method: "DELETE", path: "/order", body, nowSeconds: 5000, lookup })).toEqual({
      ok: false,
      reason: "expired_timestamp",
    });
    expect(
      verifyL2({ headers: { ...lower, poly_api_key: "nope" }, method: "DELETE", path: "/order", body, nowSeconds: 1000, lookup }),
    ).toEqual({ ok: false, reason: "unknown_api_key" });
    expect(
      verifyL2({ headers: { ...lower, poly_passphrase: "x" }, method: "DELETE", path: "/order", body, nowSeconds: 1000, lookup }),
    ).toEqual({ ok: false, reason: "bad_passphrase" });
    expect(verifyL2({ headers: {}, method: "DELETE", path: "/order", body, nowSeconds: 1000, lookup })).toEqual({
      ok: false,
      reason: "missing_header",
    });
  });
});
