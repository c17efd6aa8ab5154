import {
  exchangeAddress,
  orderDigestV1,
  orderDomainFor,
  orderV1FromWire,
  POLYGON_CHAIN_ID,
  recoverSigner,
  WirePostOrderBodyV1Schema,
} from "@mm/protocol";
import { ManualClock, price, size } from "@mm/types";
import { describe, expect, it } from "vitest";
import { createOrderSigner, OrderBuildError } from "../src/index.js";
import { SIGNING_KEY, SIGNING_KEY_ADDRESS, signableOrder } from "./helpers.js";

const KEY = SIGNING_KEY;
const ADDR = SIGNING_KEY_ADDRESS;
const FUNDER = "0x1234567890abcdef1234567890abcdef12345678";

const order = signableOrder;

function decode(envelope: unknown, negRisk: boolean) {
  const w = WirePostOrderBodyV1Schema.parse(envelope);
  const digest = orderDigestV1(orderV1FromWire(w.order), orderDomainFor(POLYGON_CHAIN_ID, negRisk, 1)!);
  return { w, id: `0x${Buffer.from(digest).toString("hex")}`, signer: recoverSigner(digest, w.order.signature) };
}

describe("createOrderSigner (V1, @mm/protocol EIP-712)", () => {
  const signer = createOrderSigner({
    privateKey: KEY,
    apiKey: "api-key",
    funder: FUNDER,
    signatureType: 2,
    clock: new ManualClock(1_700_000_000_000),
    random: () => 0.25,
  });

  it("builds the official amounts, signs, and its order id is the EIP-712 hash under the right exchange", () => {
    const s = signer.sign(order());
    const { w, id, signer: rec } = decode(s.envelope, false);
    expect(s.orderId).toBe(id);
    expect(rec?.toLowerCase()).toBe(ADDR.toLowerCase());
    expect(w.order).toMatchObject({
      maker: FUNDER,
      signer: ADDR,
      makerAmount: "5500000",
      takerAmount: "10000000",
      side: "BUY",
      signatureType: 2,
    });
    expect(w).toMatchObject({ owner: "api-key", orderType: "GTC", postOnly: true });
    expect(signer.address).toBe(ADDR);
  });

  it("neg-risk markets sign against the Neg Risk CTF Exchange (a different id and domain)", () => {
    const a = signer.sign(order());
    const b = signer.sign(order({ negRisk: true }));
    expect(decode(b.envelope, true).id).toBe(b.orderId);
    expect(decode(b.envelope, false).id).not.toBe(b.orderId);
    expect(exchangeAddress(POLYGON_CHAIN_ID, true, 1)).not.toBe(exchangeAddress(POLYGON_CHAIN_ID, false, 1));
    expect(a.orderId).not.toBe(b.orderId);
  });

  it("FOK/FAK BUY are market orders: USDC maker amount with at most 2 decimals, no postOnly field", () => {
    const s = signer.sign(order({ orderType: "FOK", postOnly: false, price: price("0.333"), size: size("12.34"), tickSize: 10 }));
    const { w } = decode(s.envelope, false);
    expect(Number(w.order.makerAmount) % 10_000).toBe(0);
    expect(w).not.toHaveProperty("postOnly");
  });

  it("refuses what cannot go on the wire, with a RejectReason", () => {
    const reasons = [
      () => signer.sign(order({ price: 5550 as never })),
      () => signer.sign(order({ orderType: "FOK" })),
      () => signer.sign(order({ orderType: "GTD" })),
      () => signer.sign(order({ size: 1 as never })),
      () => signer.sign(order({ size: size("12.345") })),
      () => signer.sign(order({ price: 0 as never })),
    ].map((f) => {
      try {
        f();
        return "signed";
      } catch (e) {
        return e instanceof OrderBuildError ? e.reason : "other";
      }
    });
    expect(reasons).toEqual(["tick_size", "invalid_order", "expiration", "invalid_order", "invalid_order", "tick_size"]);
  });

  it("never puts the private key in errors or JSON", () => {
    expect(() => createOrderSigner({ privateKey: "0x1234", apiKey: "k" })).toThrow(/invalid private key/);
    expect(JSON.stringify(signer)).not.toContain(KEY.slice(2, 20));
  });
});
