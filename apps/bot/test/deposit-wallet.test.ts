/**
 * Trading with a CLOB V2 deposit wallet (signature type 3, POLY_1271): credential validation and
 * its messages (never echoing a secret), the order-version setting, and balance queries that
 * carry the signature type (loopback HTTP).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { inspect } from "node:util";
import { orderDomainFor, orderV2FromWire, verifyPoly1271Signature, WireSignedOrderV2Schema } from "@mm/protocol";
import { type SignedOrderCheck, startVenueSim, TEST_ADDRESS, TEST_PRIVATE_KEY, type VenueSimHandle } from "@mm/venue-sim";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { CredentialsError, loadLiveCredentials } from "../src/credentials.js";
import { run } from "../src/run.js";
import { VenueRest } from "../src/venue-rest.js";
import { sink, tempDir } from "./helpers.js";

// Hardhat's first test key (public test vector) and its address.
const PK = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const PK_ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const WALLET = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const API = {
  POLY_API_KEY: "00000000-1111-2222-3333-444444444444",
  POLY_API_SECRET: "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I=",
  POLY_PASSPHRASE: "e".repeat(64),
};

function problems(env: Record<string, string>): readonly string[] {
  try {
    loadLiveCredentials(env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(CredentialsError);
    const text = `${(error as Error).message}\n${(error as Error).stack ?? ""}`;
    for (const secret of [PK, PK.slice(2), API.POLY_API_SECRET, API.POLY_PASSPHRASE]) expect(text).not.toContain(secret);
    return (error as CredentialsError).problems;
  }
}

describe("POLY_SIGNATURE_TYPE=3 (deposit wallet) credentials", () => {
  it("accepts type 3 with POLY_FUNDER = the deposit wallet, and still hides every secret", () => {
    const c = loadLiveCredentials({ POLY_PRIVATE_KEY: PK, POLY_SIGNATURE_TYPE: "3", POLY_FUNDER: WALLET, ...API });
    expect([c.signatureType, c.funder]).toEqual([3, WALLET]);
    const shown = [JSON.stringify(c), inspect(c), String(c)].join("\n");
    for (const secret of [PK.slice(2), API.POLY_API_SECRET, API.POLY_PASSPHRASE]) expect(shown).not.toContain(secret);
    expect(JSON.parse(JSON.stringify(c))).toMatchObject({ signatureType: 3 });
  });

  it("requires POLY_FUNDER with type 3 and says what to put there", () => {
    expect(problems({ POLY_PRIVATE_KEY: PK, POLY_SIGNATURE_TYPE: "3", ...API })).toEqual([
      "POLY_SIGNATURE_TYPE=3 (deposit wallet) needs POLY_FUNDER = your deposit wallet address (the maker and signer of your orders)",
    ]);
  });

  it("refuses the key's own address as the deposit wallet (in any letter case)", () => {
    for (const funder of [PK_ADDRESS, PK_ADDRESS.toLowerCase()])
      expect(problems({ POLY_PRIVATE_KEY: PK, POLY_SIGNATURE_TYPE: "3", POLY_FUNDER: funder })).toEqual([
        "POLY_FUNDER must be your deposit wallet, not the address of POLY_PRIVATE_KEY (that is signature type 0)",
      ]);
  });

  it("lists the accepted signature types, and every problem at once", () => {
    expect(problems({ POLY_PRIVATE_KEY: PK, POLY_SIGNATURE_TYPE: "4" })).toEqual([
      "POLY_SIGNATURE_TYPE must be 0 (EOA), 1 (POLY_PROXY), 2 (POLY_GNOSIS_SAFE) or 3 (POLY_1271, deposit wallet)",
    ]);
    const all = problems({ POLY_PRIVATE_KEY: `0x${"0".repeat(64)}`, POLY_SIGNATURE_TYPE: "3", POLY_FUNDER: "0xnope", POLY_API_KEY: "k" });
    expect(all).toEqual([
      "POLY_PRIVATE_KEY is not a valid secp256k1 private key",
      "POLY_API_KEY, POLY_API_SECRET and POLY_PASSPHRASE go together (or leave all three unset to derive them via L1)",
      "POLY_FUNDER must be a 0x address",
    ]);
  });

  it("types 0–2 are unchanged (funder optional)", () => {
    for (const st of ["0", "1", "2"])
      expect(loadLiveCredentials({ POLY_PRIVATE_KEY: PK, POLY_SIGNATURE_TYPE: st }).signatureType).toBe(Number(st));
    expect(loadLiveCredentials({ POLY_PRIVATE_KEY: PK }).signatureType).toBe(0);
  });
});

describe("orderVersion setting", () => {
  it("is unset by default and comes from MM_ORDER_VERSION or the file; only 1, 2 or 3", () => {
    expect(loadConfig({}).orderVersion).toBeUndefined();
    expect(loadConfig({ env: { MM_ORDER_VERSION: "2" } }).orderVersion).toBe(2);
    expect(loadConfig({ file: { orderVersion: 3 } }).orderVersion).toBe(3);
    expect(() => loadConfig({ env: { MM_ORDER_VERSION: "4" } })).toThrow(/orderVersion: .*1\|2\|3/);
  });
});

describe("balance queries carry the signature type (loopback)", () => {
  it("collateral and conditional balances are asked with signature_type=3 for a deposit wallet", async () => {
    const queries: URLSearchParams[] = [];
    const server = createServer((req, res) => {
      queries.push(new URL(req.url ?? "/", "http://x").searchParams);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ balance: "12500000", allowances: {} }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const rest = new VenueRest({
        clobUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        credentials: { key: API.POLY_API_KEY, secret: API.POLY_API_SECRET, passphrase: API.POLY_PASSPHRASE },
        address: PK_ADDRESS,
        signatureType: 3,
      });
      expect(await rest.balance("COLLATERAL")).toBe(12_500_000);
      expect(await rest.balance("123")).toBe(12_500_000);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    expect(queries.map((q) => [q.get("asset_type"), q.get("token_id"), q.get("signature_type")])).toEqual([
      ["COLLATERAL", null, "3"],
      ["CONDITIONAL", "123", "3"],
    ]);
  });
});

// ---- the bot in live mode with a deposit wallet, against the simulator standing in for Polymarket ----

const sims: VenueSimHandle[] = [];
afterEach(async () => {
  for (const sim of sims.splice(0)) await sim.stop();
});

describe("live mode with a deposit wallet (simulator on loopback, CLOB V2)", () => {
  it("POLY_SIGNATURE_TYPE=3 + POLY_FUNDER: type-3 V2 orders accepted by the venue, balances match, no secret in the log", async () => {
    // The venue's check, made strict for this test: only deposit-wallet orders of WALLET signed by its owner pass.
    const seen: { signatureType: unknown; maker: unknown; signer: unknown }[] = [];
    const onlyWalletOrders: SignedOrderCheck = {
      check(order, negRisk) {
        seen.push({ signatureType: order.signatureType, maker: order.maker, signer: order.signer });
        const w = WireSignedOrderV2Schema.safeParse(order);
        if (!w.success || w.data.signatureType !== 3 || w.data.maker !== WALLET || w.data.signer !== WALLET) return { ok: false };
        const v = verifyPoly1271Signature(orderV2FromWire(w.data), w.data.signature, orderDomainFor(137, negRisk, 2)!);
        return v.ok && v.value.innerSigner === TEST_ADDRESS ? { ok: true, orderId: v.value.orderId } : { ok: false };
      },
    };
    const sim = await startVenueSim({
      seed: 9,
      markets: 2,
      orderVersion: 2,
      depositWallets: { [WALLET]: TEST_ADDRESS },
      signedOrders: onlyWalletOrders,
      flow: { takerRatePerSec: 4 },
      engine: { settlement: { minedDelayMs: 300, confirmedDelayMs: 300, failProbability: 0 } },
    });
    sims.push(sim);
    const dir = tempDir();
    const out = sink();
    const err = sink();
    const code = await run({
      argv: ["--live", "--duration", "3", "--journal", join(dir, "j.sqlite"), "--http-port=-1"],
      env: {
        POLY_PRIVATE_KEY: TEST_PRIVATE_KEY,
        POLY_SIGNATURE_TYPE: "3",
        POLY_FUNDER: WALLET,
        MM_ENDPOINTS__CLOB: sim.urls.clob,
        MM_ENDPOINTS__GAMMA: sim.urls.gamma,
        MM_ENDPOINTS__DATA: sim.urls.data,
        MM_ENDPOINTS__WS: sim.urls.ws,
        MM_ENDPOINTS__BINANCE: sim.urls.binance,
        MM_ENDPOINTS__BINANCE_WS: sim.urls.binanceWs,
        MM_MARKETS: sim.venue.allMarkets()[1]!.info.slug, // opens later: quoted before its start (open price known)
        MM_SETTLE_WAIT_MS: "2000",
      },
      stdout: out.stream,
      stderr: err.stream,
    });
    const text = out.text() + err.text();
    expect(err.text()).toBe("");
    expect(code).toBe(0);
    // The venue accepted orders only if they were type-3 V2 orders of WALLET signed by its owner.
    expect(sim.venue.requestCount("POST /order") + sim.venue.requestCount("POST /orders")).toBeGreaterThan(0);
    expect(text).not.toContain("invalid signature");
    expect(text).not.toContain("invalid order version");
    const summary = JSON.parse(text.split("\n").find((l) => l.includes('"run summary"')) ?? "{}").summary as Record<string, unknown>;
    expect(summary.mode).toBe("live");
    expect(summary.ordersPlaced).toBeGreaterThan(0);
    expect(summary.rejects).toBe(0);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((o) => o.signatureType === 3 && o.maker === WALLET && o.signer === WALLET)).toBe(true);
    expect(summary.invariantViolations).toBe(0);
    expect(summary.venueBalancesMatch).toBe(true);
    for (const secret of [TEST_PRIVATE_KEY, TEST_PRIVATE_KEY.slice(2)]) expect(text).not.toContain(secret);
  }, 60_000);
});
