import { inspect } from "node:util";
import { ExchangeOrderBuilder, getContractConfig } from "@polymarket/clob-client";
import { createL1Headers } from "@polymarket/clob-client";
import {
  buildMarketOrderCreationArgs,
  buildOrderCreationArgs,
  ROUNDING_CONFIG as CLIENT_ROUNDING,
} from "@polymarket/clob-client/dist/order-builder/helpers.js";
import { type Price, type Size, TICK_SIZES, type TickSize } from "@mm/types";
import fc from "fast-check";
import { hashTypedData } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { beforeAll, describe, expect, it } from "vitest";
import { V2_ORDER_FIELDS } from "./viem-types.js";
import {
  buildL1Headers,
  buildLimitOrderV1,
  buildLimitOrderV2,
  buildMarketOrderV1,
  buildMarketOrderV2,
  checksumAddress,
  clobAuthDigest,
  cryptoBackends,
  exchangeAddress,
  hashOrderV1,
  hashOrderV2,
  initFastCrypto,
  keccak256,
  orderDigestV1,
  orderDomain,
  orderDomainFor,
  orderV1FromWire,
  postOrderBodyV1,
  PrivateKeySigner,
  recoverSigner,
  signOrderV1,
  verifyL1,
  WirePostOrderBodyV1Schema,
  WirePostOrderBodyV2Schema,
  postOrderBodyV2,
  signOrderV2,
} from "../src/index.js";
import { keccak256Noble } from "../src/crypto/keccak.js";
import { readFixtureJson } from "./fixtures.js";

const PK = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const account = privateKeyToAccount(PK);
/** A viem-backed signer in the shape clob-client accepts (wallet-client style). */
const clientSigner = { account, signTypedData: (args: Parameters<typeof account.signTypedData>[0]) => account.signTypedData(args) };

beforeAll(async () => {
  await initFastCrypto();
});

describe("test vectors", () => {
  it("V1 order EIP-712 hash (clob-client exchange.order.builder test)", () => {
    const v = readFixtureJson<{
      domain: { chainId: number; verifyingContract: string };
      order: Record<string, string | number>;
      expected_eip712_hash: string;
    }>("test_vectors/v1_order_hash_vector.json");
    const o = v.order;
    const hash = hashOrderV1(
      {
        salt: String(o.salt),
        maker: String(o.maker),
        signer: String(o.signer),
        taker: String(o.taker),
        tokenId: String(o.tokenId),
        makerAmount: String(o.makerAmount),
        takerAmount: String(o.takerAmount),
        expiration: String(o.expiration),
        nonce: String(o.nonce),
        feeRateBps: String(o.feeRateBps),
        side: o.side === 0 ? "BUY" : "SELL",
        signatureType: Number(o.signatureType),
      },
      orderDomain(v.domain.chainId, v.domain.verifyingContract, 1),
    );
    expect(hash).toBe(v.expected_eip712_hash);
  });

  it("L1 ClobAuth signature", () => {
    const v = readFixtureJson<{
      private_key: string;
      address: string;
      domain: { chainId: number };
      message: { timestamp: string; nonce: number };
      expected_signature: string;
    }>("test_vectors/l1_clobauth_eip712_vector.json");
    const signer = PrivateKeySigner.fromHex(v.private_key);
    expect(signer.address).toBe(v.address);
    const h = buildL1Headers(signer, { timestampSeconds: Number(v.message.timestamp), nonce: v.message.nonce, chainId: v.domain.chainId });
    expect(h.POLY_SIGNATURE).toBe(v.expected_signature);
    expect(h).toMatchObject({ POLY_ADDRESS: v.address, POLY_TIMESTAMP: v.message.timestamp, POLY_NONCE: "23" });
    const verified = verifyL1(h, { chainId: v.domain.chainId, nowSeconds: Number(v.message.timestamp) });
    expect(verified).toEqual({ ok: true, address: v.address, nonce: 23 });
    expect(verifyL1({ ...h, POLY_NONCE: "24" }, { chainId: v.domain.chainId, nowSeconds: Number(v.message.timestamp) })).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  it("L1 headers equal the official client's", async () => {
    const signer = PrivateKeySigner.fromHex(PK);
    const theirs = await createL1Headers(clientSigner as never, 137, 7, 1_700_000_000);
    expect({ ...buildL1Headers(signer, { timestampSeconds: 1_700_000_000, nonce: 7, chainId: 137 }) }).toEqual({ ...theirs });
  });
});

describe("crypto backends", () => {
  it("wasm keccak equals noble keccak and is not aliased", () => {
    expect(cryptoBackends().keccak).toBe("wasm");
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.uint8Array({ maxLength: 300 }), (a, b) => {
        const ha = keccak256(a);
        const hb = keccak256(b);
        expect(Buffer.from(ha)).toEqual(Buffer.from(keccak256Noble(a)));
        expect(Buffer.from(hb)).toEqual(Buffer.from(keccak256Noble(b)));
      }),
      { numRuns: 100 },
    );
  });

  it("native and noble secp256k1 produce identical signatures", () => {
    // The shipped linux-x64 prebuild must load on this machine kind (else signing falls back to JS).
    expect(cryptoBackends().secp256k1).toBe("native");
    const nat = PrivateKeySigner.fromHex(PK, { backend: "native" });
    const js = PrivateKeySigner.fromHex(PK, { backend: "noble" });
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (d) => {
        const s = js.signDigest(d);
        expect(nat.signDigest(d)).toBe(s);
        expect(recoverSigner(d, s)).toBe(js.address);
      }),
      { numRuns: 40 },
    );
  });

  it("never prints the private key", () => {
    const s = PrivateKeySigner.fromHex(PK);
    const printed = `${JSON.stringify(s)} ${String(s)} ${inspect(s)}`;
    expect(printed).not.toContain(PK.slice(2, 20));
    expect(() => PrivateKeySigner.fromHex("0x1234")).toThrow(/invalid private key/);
    try {
      PrivateKeySigner.fromHex(`${PK}00`);
    } catch (e) {
      expect(String(e)).not.toContain(PK.slice(2, 20));
    }
  });
});

const TICK_TEXT: Record<TickSize, string> = { 1000: "0.1", 100: "0.01", 10: "0.001", 1: "0.0001", 50: "0.005", 25: "0.0025" };
const CLIENT_TICKS = TICK_SIZES.filter((t) => TICK_TEXT[t] in CLIENT_ROUNDING);

/** Random grid price in [tick, 1 - tick] and an awkward size (up to 6 decimals, ≥ 0.01). */
const orderArb = fc
  .record({
    tick: fc.constantFrom(...CLIENT_TICKS),
    side: fc.constantFrom("BUY" as const, "SELL" as const),
    negRisk: fc.boolean(),
    sizeMicro: fc.oneof(
      fc.integer({ min: 10_000, max: 50_000_000 }),
      fc.integer({ min: 10_000, max: 200_000_000_000 }),
      fc.constantFrom(10_000, 12_345_000, 7_777_000, 999_999_999, 5_000_001),
    ),
    gridStep: fc.nat(),
    salt: fc.integer({ min: 1, max: 2 ** 40 }),
    signatureType: fc.constantFrom(0, 1, 2),
    feeRateBps: fc.constantFrom(0, 0, 100, 1000),
    expiration: fc.constantFrom(0, 1_900_000_000),
    tokenId: fc.bigInt({ min: 1n, max: (1n << 256n) - 1n }).map(String),
  })
  .map((r) => {
    const steps = 10_000 / r.tick - 1;
    const price = (1 + (r.gridStep % steps)) * r.tick;
    return { ...r, price };
  });

describe("differential vs @polymarket/clob-client 5.8.1", () => {
  const signer = PrivateKeySigner.fromHex(PK);
  const funder = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

  it("limit orders: amounts, EIP-712 hash and signature bytes are identical", async () => {
    await fc.assert(
      fc.asyncProperty(orderArb, async (r) => {
        const maker = r.signatureType === 0 ? signer.address : funder;
        const tickText = TICK_TEXT[r.tick] as keyof typeof CLIENT_ROUNDING;
        const args = await buildOrderCreationArgs(
          signer.address,
          maker,
          r.signatureType,
          {
            tokenID: r.tokenId,
            price: r.price / 10_000,
            size: r.sizeMicro / 1e6,
            side: r.side as never,
            feeRateBps: r.feeRateBps,
            expiration: r.expiration,
          },
          CLIENT_ROUNDING[tickText],
        );
        const cfg = getContractConfig(137);
        const exchange = r.negRisk ? cfg.negRiskExchange : cfg.exchange;
        const builder = new ExchangeOrderBuilder(exchange, 137, clientSigner as never, () => String(r.salt));
        const theirs = await builder.buildSignedOrder(args);
        const theirHash = builder.buildOrderHash(builder.buildOrderTypedData(theirs));

        const ours = buildLimitOrderV1(
          {
            tokenId: r.tokenId,
            side: r.side,
            price: r.price as Price,
            size: r.sizeMicro as Size,
            tickSize: r.tick,
            feeRateBps: r.feeRateBps,
            expiration: r.expiration,
          },
          { signer: signer.address, maker, signatureType: r.signatureType as 0 | 1 | 2 },
          r.salt,
        );
        expect(ours.ok).toBe(true);
        if (!ours.ok) return;
        expect(String(ours.value.makerAmount)).toBe(theirs.makerAmount);
        expect(String(ours.value.takerAmount)).toBe(theirs.takerAmount);
        const domain = orderDomainFor(137, r.negRisk, 1)!;
        expect(domain.verifyingContract).toBe(exchange);
        const signed = signOrderV1(ours.value, signer, domain);
        expect(signed.orderId).toBe(theirHash);
        expect(signed.signature).toBe(theirs.signature);
        // Wire body round-trip: schema-valid, and the simulator can recover the signer from it.
        const body = postOrderBodyV1(signed, "api-key", "GTC", { postOnly: false });
        expect(WirePostOrderBodyV1Schema.safeParse(body).success).toBe(true);
        const back = orderV1FromWire(JSON.parse(JSON.stringify(body)).order);
        expect(recoverSigner(orderDigestV1(back, domain), body.order.signature)).toBe(signer.address);
      }),
      { numRuns: 60 },
    );
  });

  it("market orders: amounts identical except where the client's float division underfills by one last-place unit", async () => {
    let identical = 0;
    let total = 0;
    await fc.assert(
      fc.asyncProperty(orderArb, fc.integer({ min: 1_000_000, max: 5_000_000_000 }), async (r, amountMicro) => {
        const tickText = TICK_TEXT[r.tick] as keyof typeof CLIENT_ROUNDING;
        const args = await buildMarketOrderCreationArgs(
          signer.address,
          signer.address,
          0,
          { tokenID: r.tokenId, price: r.price / 10_000, amount: amountMicro / 1e6, side: r.side as never },
          CLIENT_ROUNDING[tickText],
        );
        const ours = buildMarketOrderV1(
          { tokenId: r.tokenId, side: r.side, amount: amountMicro, price: r.price, tickSize: r.tick },
          { signer: signer.address, maker: signer.address, signatureType: 0 },
          r.salt,
        );
        expect(ours.ok).toBe(true);
        if (!ours.ok) return;
        total++;
        expect(String(ours.value.makerAmount)).toBe(args.makerAmount);
        // We compute usdc ÷ price exactly; the client divides floats, which can land just below an
        // exact quotient (e.g. 1865.86 / 0.0001 → 18658599.999999…) and then rounds down.
        // One unit in the last place of the tick's amount decimals (0.000001 share at tick 0.0001, 0.00001 at 0.001, …).
        const ulp = 10n ** BigInt(6 - CLIENT_ROUNDING[tickText].amount);
        const diff = BigInt(ours.value.takerAmount) - BigInt(args.takerAmount);
        expect(diff === 0n || (r.side === "BUY" && diff === ulp)).toBe(true);
        if (diff === 0n) identical++;
      }),
      { numRuns: 200 },
    );
    expect(identical / total).toBeGreaterThan(0.9);
  });
});

describe("V2 orders", () => {
  it("hash equals viem's hashTypedData and the signature recovers the signer", () => {
    const signer = PrivateKeySigner.fromHex(PK);
    const r = buildLimitOrderV2(
      {
        tokenId: "71321045679252212594626385532706912750332728571942532289631379312455583992563",
        side: "BUY",
        price: 5500 as Price,
        size: 10_000_000 as Size,
        tickSize: 100,
      },
      { signer: signer.address, maker: signer.address, signatureType: 0 },
      479249096354,
      { timestampMs: 1780449126930 },
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    for (const negRisk of [false, true]) {
      const domain = orderDomainFor(137, negRisk, 2)!;
      expect(domain.verifyingContract).toBe(exchangeAddress(137, negRisk, 2));
      const o = r.value;
      const viemHash = hashTypedData({
        domain: { ...domain, verifyingContract: domain.verifyingContract as `0x${string}` },
        primaryType: "Order",
        types: { Order: V2_ORDER_FIELDS },
        message: {
          salt: BigInt(o.salt),
          maker: o.maker as `0x${string}`,
          signer: o.signer as `0x${string}`,
          tokenId: BigInt(o.tokenId),
          makerAmount: BigInt(o.makerAmount),
          takerAmount: BigInt(o.takerAmount),
          side: 0,
          signatureType: 0,
          timestamp: BigInt(o.timestamp),
          metadata: o.metadata as `0x${string}`,
          builder: o.builder as `0x${string}`,
        },
      });
      expect(hashOrderV2(o, domain)).toBe(viemHash);
      const signed = signOrderV2(o, signer, domain);
      const body = postOrderBodyV2(signed, "api-key", "GTC");
      expect(WirePostOrderBodyV2Schema.safeParse(body).success).toBe(true);
      expect(body.order.makerAmount).toBe("5500000");
      expect(body.order.takerAmount).toBe("10000000");
    }
  });

  it("random V2/V3 orders hash like viem's hashTypedData", () => {
    const V2_TYPES = { Order: V2_ORDER_FIELDS } as const;
    const hex = (n: number) =>
      fc.uint8Array({ minLength: n, maxLength: n }).map((b) => `0x${Buffer.from(b).toString("hex")}` as `0x${string}`);
    fc.assert(
      fc.property(
        fc.record({
          salt: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
          maker: hex(20),
          signer: hex(20),
          tokenId: fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
          makerAmount: fc.bigInt({ min: 0n, max: 10n ** 18n }),
          takerAmount: fc.bigInt({ min: 0n, max: 10n ** 18n }),
          side: fc.constantFrom("BUY" as const, "SELL" as const),
          signatureType: fc.constantFrom(0, 1, 2),
          timestamp: fc.integer({ min: 0, max: 2 ** 45 }),
          metadata: hex(32),
          builder: hex(32),
          version: fc.constantFrom(2 as const, 3 as const),
          negRisk: fc.boolean(),
        }),
        (o) => {
          const domain = orderDomainFor(137, o.negRisk, o.version)!;
          const ours = hashOrderV2({ ...o, tokenId: String(o.tokenId), expiration: 0 }, domain);
          const theirs = hashTypedData({
            domain: { ...domain, verifyingContract: domain.verifyingContract as `0x${string}` },
            primaryType: "Order",
            types: V2_TYPES,
            message: { ...o, side: o.side === "BUY" ? 0 : 1, timestamp: BigInt(o.timestamp) },
          });
          expect(ours).toBe(theirs);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("market V2 orders use the market rounding", () => {
    const signer = PrivateKeySigner.fromHex(PK);
    const r = buildMarketOrderV2(
      { tokenId: "1", side: "BUY", amount: 10_000_000, price: 3000, tickSize: 100 },
      { signer: signer.address, maker: signer.address, signatureType: 0 },
      5,
      { timestampMs: 1 },
    );
    expect(r.ok && [r.value.makerAmount, r.value.takerAmount, r.value.expiration]).toEqual([10_000_000n, 33_333_300n, 0]);
  });

  it("rejects unsupported signature types and foreign signers", () => {
    const signer = PrivateKeySigner.fromHex(PK);
    const base = buildLimitOrderV1(
      { tokenId: "1", side: "SELL", price: 5000 as Price, size: 5_000_000 as Size, tickSize: 100 },
      { signer: signer.address, maker: signer.address, signatureType: 0 },
      1,
    );
    if (!base.ok) throw new Error("expected an order");
    const domain = orderDomainFor(137, false)!;
    expect(() => hashOrderV1({ ...base.value, signatureType: 3 }, domain)).toThrow(RangeError);
    expect(() =>
      signOrderV1({ ...base.value, signer: checksumAddress("0x70997970c51812dc3a010c7d01b50e0d17dc79c8") }, signer, domain),
    ).toThrow(/signer/);
    expect(clobAuthDigest(signer.address, "1", 0, 137)).toHaveLength(32);
  });
});
