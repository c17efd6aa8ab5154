/**
 * Signature type 3 (POLY_1271, deposit wallets) in the live signer and the composed gateway:
 * configuration errors, the signed V2 body (maker = signer = wallet, ERC-7739 envelope that
 * recovers the owner EOA), and over loopback HTTP: POLY_ADDRESS stays the EOA, balance queries
 * carry signature_type=3.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  orderDomainFor,
  orderV2FromWire,
  POLYGON_CHAIN_ID,
  PrivateKeySigner,
  verifyL2,
  verifyPoly1271Signature,
  WirePostOrderBodyV2Schema,
} from "@mm/protocol";
import { ManualClock, price, size } from "@mm/types";
import { afterEach, describe, expect, it } from "vitest";
import { createGateway, createOrderSigner, type OrderSignerConfig, SignerConfigError } from "../src/index.js";
import { Inbox, SIGNING_KEY, SIGNING_KEY_ADDRESS, signableOrder } from "./helpers.js";
import { startRig } from "./sim-helpers.js";

const KEY = SIGNING_KEY;
const EOA = SIGNING_KEY_ADDRESS;
const WALLET = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const CREDS = { key: "00000000-0000-4000-8000-0000000000d3", secret: `${"A".repeat(43)}=`, passphrase: "deposit-wallet-pass" };

const order = signableOrder;

function configError(c: Partial<OrderSignerConfig>): string {
  try {
    createOrderSigner({ privateKey: KEY, apiKey: "k", ...c });
    return "created";
  } catch (e) {
    expect(e).toBeInstanceOf(SignerConfigError);
    expect(String(e)).not.toContain(KEY.slice(2, 20));
    return (e as Error).message;
  }
}

function verified(envelope: unknown, negRisk: boolean, version: 2 | 3) {
  const w = WirePostOrderBodyV2Schema.parse(envelope);
  const v = verifyPoly1271Signature(orderV2FromWire(w.order), w.order.signature, orderDomainFor(POLYGON_CHAIN_ID, negRisk, version)!);
  return { w, v };
}

describe("createOrderSigner, signature type 3 (POLY_1271)", () => {
  it("refuses configurations that cannot trade, with a typed error that names the fix", () => {
    expect(configError({ signatureType: 3 })).toMatch(/needs funder = the deposit wallet/);
    expect(configError({ signatureType: 3, funder: EOA })).toMatch(/not the private key's own address/);
    expect(configError({ signatureType: 3, funder: WALLET, version: 1 })).toMatch(/use version 2 or 3/);
    expect(configError({ signatureType: 3, funder: "0xwallet" })).toMatch(/funder must be a 0x-prefixed/);
    expect(configError({ signatureType: 4 as never, funder: WALLET })).toMatch(/signatureType must be 0/);
    expect(configError({ signatureType: 2, funder: WALLET, version: 7 as never })).toMatch(/version must be 1, 2 or 3/);
    expect(configError({ signatureType: 3, funder: WALLET })).toBe("created");
  });

  it("defaults to V2 orders with maker = signer = wallet; the envelope recovers the owner EOA; the id is the order hash", () => {
    const s = createOrderSigner({
      privateKey: KEY,
      apiKey: "api-key",
      funder: WALLET,
      signatureType: 3,
      clock: new ManualClock(1_780_000_000_000),
    });
    expect([s.address, s.maker, s.signatureType, s.version]).toEqual([EOA, WALLET, 3, 2]);
    for (const negRisk of [false, true]) {
      const signed = s.sign(order({ negRisk }));
      const { w, v } = verified(signed.envelope, negRisk, 2);
      expect(w.order).toMatchObject({
        maker: WALLET,
        signer: WALLET,
        signatureType: 3,
        makerAmount: "5500000",
        takerAmount: "10000000",
        timestamp: "1780000000000",
      });
      expect(w).toMatchObject({ owner: "api-key", orderType: "GTC", postOnly: true });
      expect(v.ok && v.value).toEqual({ innerSigner: EOA, orderId: signed.orderId });
      // Signed for this exchange only: the other one (and another version) rejects it.
      expect(verified(signed.envelope, !negRisk, 2).v.ok).toBe(false);
      expect(verified(signed.envelope, negRisk, 3).v.ok).toBe(false);
    }
  });

  it("version 3 signs against the V3 domain; FOK/FAK use the market-order amounts", () => {
    const s = createOrderSigner({ privateKey: KEY, apiKey: "k", funder: WALLET, signatureType: 3, version: 3, random: () => 0.5 });
    const signed = s.sign(order({ orderType: "FOK", postOnly: false, price: price("0.333"), size: size("12.34"), tickSize: 10 }));
    const { w, v } = verified(signed.envelope, false, 3);
    expect(v.ok && v.value.innerSigner).toBe(EOA);
    expect(Number(w.order.makerAmount) % 10_000).toBe(0); // USDC spent, 2 decimals
    expect(w.order.takerAmount).not.toBe("");
  });

  it("types 0–2 are unchanged: signer is the EOA, V1 by default", () => {
    const s = createOrderSigner({ privateKey: KEY, apiKey: "k", funder: WALLET, signatureType: 2 });
    expect([s.address, s.maker, s.signatureType, s.version]).toEqual([EOA, WALLET, 2, 1]);
    const s0 = createOrderSigner({ privateKey: KEY, apiKey: "k", version: 2 });
    const w = WirePostOrderBodyV2Schema.parse(s0.sign(order()).envelope);
    expect([w.order.maker, w.order.signer, w.order.signatureType, (w.order.signature.length - 2) / 2]).toEqual([EOA, EOA, 0, 65]);
  });
});

// ---- the composed gateway over loopback HTTP -------------------------------------------------------

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: string;
  readonly address: string | undefined;
  readonly l2ok: boolean;
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function venue(): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      body += c;
    });
    req.on("end", () => {
      const u = new URL(req.url ?? "/", "http://x");
      const l2 = verifyL2({
        headers: req.headers as Record<string, string>,
        method: req.method ?? "",
        path: u.pathname,
        body,
        nowSeconds: Date.now() / 1000,
        // The key's address is whatever the client claims here; the first test checks it is the EOA.
        lookup: (k) => (k === CREDS.key ? { creds: CREDS, address: String(req.headers.poly_address) } : undefined),
      });
      const address = req.headers.poly_address;
      seen.push({
        method: req.method ?? "",
        path: u.pathname,
        query: u.searchParams,
        body,
        address: typeof address === "string" ? address : undefined,
        l2ok: l2.ok,
      });
      res.setHeader("content-type", "application/json");
      if (!l2.ok) {
        res.statusCode = 401;
        res.end(JSON.stringify({ error: "Unauthorized/Invalid api key" }));
        return;
      }
      if (req.method === "POST" && u.pathname === "/order") {
        const w = WirePostOrderBodyV2Schema.safeParse(JSON.parse(body));
        const v = w.success
          ? verifyPoly1271Signature(orderV2FromWire(w.data.order), w.data.order.signature, orderDomainFor(137, false, 2)!)
          : undefined;
        // A deposit-wallet registry of one: WALLET is owned by EOA.
        if (!w.success || v === undefined || !v.ok || v.value.innerSigner !== EOA || w.data.order.signer !== WALLET) {
          res.statusCode = 400;
          res.end(JSON.stringify({ error: "invalid signature" }));
          return;
        }
        res.end(
          JSON.stringify({
            success: true,
            errorMsg: "",
            orderID: v.value.orderId,
            status: "live",
            takingAmount: "",
            makingAmount: "",
            transactionsHashes: [],
            tradeIDs: [],
          }),
        );
        return;
      }
      if (u.pathname === "/data/orders" || u.pathname === "/data/trades") {
        res.end(JSON.stringify({ data: [], next_cursor: "LTE=", limit: 100, count: 0 }));
        return;
      }
      if (u.pathname === "/balance-allowance") {
        res.end(JSON.stringify({ balance: u.searchParams.get("signature_type") === "3" ? "25000000" : "0", allowances: {} }));
        return;
      }
      res.statusCode = 404;
      res.end(JSON.stringify({ error: "not found" }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanup.push(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe("gateway with a deposit wallet (loopback)", () => {
  it("places a type-3 order the venue verifies, authenticates as the EOA, and queries balances with signature_type=3", async () => {
    const { url, seen } = await venue();
    const inbox = new Inbox();
    const gw = createGateway({
      clobUrl: url,
      credentials: CREDS,
      signer: { privateKey: KEY, funder: WALLET, signatureType: 3 },
      mailbox: inbox,
      heartbeat: false,
      syncBalances: true,
    });
    cleanup.push(() => gw.close());
    expect([gw.address, gw.maker]).toEqual([EOA, WALLET]);
    gw.submit({ kind: "PLACE", actionId: 1, order: order() });
    gw.submit({ kind: "SYNC", actionId: 2, conditionIds: [order().conditionId], tradesSince: 0 });
    await gw.whenIdle();

    const ack = inbox.of("PLACE_ACK");
    expect(ack).toHaveLength(1);
    const post = seen.find((s) => s.method === "POST" && s.path === "/order");
    expect(post?.address).toBe(EOA);
    const w = WirePostOrderBodyV2Schema.parse(JSON.parse(post!.body));
    expect([w.order.maker, w.order.signer, w.order.signatureType]).toEqual([WALLET, WALLET, 3]);
    const v = verifyPoly1271Signature(orderV2FromWire(w.order), w.order.signature, orderDomainFor(137, false, 2)!);
    expect(v.ok && v.value.innerSigner).toBe(EOA);
    expect(ack[0]!.orderId).toBe(v.ok ? v.value.orderId : "unverified");

    const balances = seen.filter((s) => s.path === "/balance-allowance");
    expect(balances.length).toBeGreaterThan(0);
    for (const b of balances) expect(b.query.get("signature_type")).toBe("3");
    expect(seen.every((s) => s.l2ok && s.address === EOA)).toBe(true);
    const sync = inbox.of("SYNC_RESULT");
    expect(sync).toHaveLength(1);
    expect(sync[0]!.balances?.collateral).toBe(25_000_000);
  });

  it("a gateway whose key does not own the wallet gets its type-3 order rejected", async () => {
    const { url } = await venue();
    const inbox = new Inbox();
    const gw = createGateway({
      clobUrl: url,
      credentials: CREDS,
      // Another key claiming WALLET: the envelope recovers that key, not the owner.
      signer: { privateKey: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d", funder: WALLET, signatureType: 3 },
      mailbox: inbox,
      heartbeat: false,
    });
    cleanup.push(() => gw.close());
    gw.submit({ kind: "PLACE", actionId: 1, order: order() });
    await gw.whenIdle();
    const rejects = inbox.of("PLACE_REJECT");
    expect(rejects).toHaveLength(1);
    expect(rejects[0]!.message).toContain("invalid signature");
  });
});

// ---- the real gateway against the real simulator -------------------------------------------------

describe("gateway with a deposit wallet against @mm/venue-sim (loopback)", () => {
  it("a type-3 order through the real gateway is accepted and rests; another key claiming the wallet is rejected `invalid signature`", async () => {
    const r = await startRig({ orderVersion: 2 });
    cleanup.push(() => r.stop());
    const c = r.sim.credentials;
    r.sim.venue.depositWallets.register(WALLET, c.address);
    const owner = createGateway({
      clobUrl: r.sim.urls.clob,
      credentials: { key: c.apiKey, secret: c.secret, passphrase: c.passphrase },
      signer: { privateKey: c.privateKey, funder: WALLET, signatureType: 3 },
      mailbox: r.inbox,
      heartbeat: false,
      syncBalances: true,
    });
    cleanup.push(() => owner.close());
    owner.submit({ kind: "PLACE", actionId: 1, order: r.order("dw-1") });
    await r.until((m) => m.length >= 1);
    const ack = r.inbox.of("PLACE_ACK");
    expect(ack).toHaveLength(1);
    expect(ack[0]).toMatchObject({ clientOrderId: "dw-1", venueStatus: "live" });
    const open = r.sim.venue.engine.openOrders(c.apiKey as never);
    expect(open.map((o) => o.id)).toEqual([ack[0]!.orderId]);

    // Another account (its own key and API credentials) claiming WALLET: the envelope recovers its EOA, not the owner.
    const intruderKey = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
    const ic = r.sim.venue.credentials.create(PrivateKeySigner.fromHex(intruderKey).address, "0");
    if (ic === undefined) throw new Error("intruder account exists");
    r.sim.venue.engine.deposit(ic.apiKey as never, 1_000_000_000 as never);
    const intruder = createGateway({
      clobUrl: r.sim.urls.clob,
      credentials: { key: ic.apiKey, secret: ic.secret, passphrase: ic.passphrase },
      signer: { privateKey: intruderKey, funder: WALLET, signatureType: 3 },
      mailbox: r.inbox,
      heartbeat: false,
    });
    cleanup.push(() => intruder.close());
    intruder.submit({ kind: "PLACE", actionId: 2, order: r.order("dw-2") });
    await r.until((m) => m.length >= 2);
    const rejects = r.inbox.of("PLACE_REJECT");
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ clientOrderId: "dw-2" });
    expect(rejects[0]!.message).toContain("invalid signature");
    expect(r.sim.venue.engine.openOrders(c.apiKey as never)).toHaveLength(1);
    expect(r.sim.venue.engine.openOrders(ic.apiKey as never)).toHaveLength(0);
  });
});
