/**
 * Signature type 3 (POLY_1271, deposit wallets): our hand-rolled ERC-7739 envelope against viem
 * (plain EIP-712 `TypedDataSign` hashing/signing and viem's own ERC-7739 helpers), the order id
 * rules, and the verifier's negative cases.
 */
import type { Price, Size } from "@mm/types";
import fc from "fast-check";
import { hashTypedData, recoverTypedDataAddress } from "viem";
import { privateKeyToAccount, signTypedData } from "viem/accounts";
import { hashTypedData as erc7739HashTypedData, wrapTypedDataSignature } from "viem/experimental/erc7739";
import { beforeAll, describe, expect, it } from "vitest";
import { V2_ORDER_FIELDS } from "./viem-types.js";
import {
  buildLimitOrderV2,
  bytesToHex,
  checksumAddress,
  type Eip712Domain,
  hashOrderV1,
  hashOrderV2,
  initFastCrypto,
  ORDER_TYPE_V2,
  type OrderV2,
  orderDomain,
  orderDomainFor,
  orderStructHashV2,
  orderV2FromWire,
  parsePoly1271Envelope,
  POLY_1271_SIGNATURE_BYTES,
  poly1271Digest,
  postOrderBodyV2,
  PrivateKeySigner,
  SignatureType,
  signOrderV2,
  verifyPoly1271Signature,
  WirePostOrderBodyV2Schema,
  ZERO_BYTES32,
} from "../src/index.js";

type Hex = `0x${string}`;

const PK = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const OTHER_PK = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const WALLET = checksumAddress("0x1111111111111111111111111111111111111111");
const OTHER_WALLET = checksumAddress("0x2222222222222222222222222222222222222222");

const ORDER_FIELDS = V2_ORDER_FIELDS;
const TYPED_DATA_SIGN_FIELDS = [
  { name: "contents", type: "Order" },
  { name: "name", type: "string" },
  { name: "version", type: "string" },
  { name: "chainId", type: "uint256" },
  { name: "verifyingContract", type: "address" },
  { name: "salt", type: "bytes32" },
] as const;

const viemDomain = (d: Eip712Domain) => ({
  name: d.name,
  version: d.version,
  chainId: d.chainId,
  verifyingContract: d.verifyingContract as Hex,
});
const viemOrder = (o: OrderV2) => ({
  salt: BigInt(o.salt),
  maker: o.maker as Hex,
  signer: o.signer as Hex,
  tokenId: BigInt(o.tokenId),
  makerAmount: BigInt(o.makerAmount),
  takerAmount: BigInt(o.takerAmount),
  side: o.side === "BUY" ? 0 : 1,
  signatureType: o.signatureType,
  timestamp: BigInt(o.timestamp),
  metadata: o.metadata as Hex,
  builder: o.builder as Hex,
});
/** The typed data the owner's EOA signs, written the plain EIP-712 way (clob-client-v2's shape). */
const viemTypedDataSign = (o: OrderV2, d: Eip712Domain) =>
  ({
    domain: viemDomain(d),
    types: { TypedDataSign: TYPED_DATA_SIGN_FIELDS, Order: ORDER_FIELDS },
    primaryType: "TypedDataSign",
    message: {
      contents: viemOrder(o),
      name: "DepositWallet",
      version: "1",
      chainId: BigInt(d.chainId),
      verifyingContract: o.signer as Hex,
      salt: ZERO_BYTES32 as Hex,
    },
  }) as const;

function order3(over: Partial<OrderV2> = {}): OrderV2 {
  return {
    salt: 479249096354,
    maker: WALLET,
    signer: WALLET,
    tokenId: "71321045679252212594626385532706912750332728571942532289631379312455583992563",
    makerAmount: 5_500_000n,
    takerAmount: 10_000_000n,
    side: "BUY",
    signatureType: 3,
    timestamp: 1780449126930,
    metadata: ZERO_BYTES32,
    builder: ZERO_BYTES32,
    expiration: 0,
    ...over,
  };
}

/** Flips one bit of byte `at` of a 0x-hex signature. */
function flipByte(sig: string, at: number): string {
  const b = Buffer.from(sig.slice(2), "hex");
  b[at] = b[at]! ^ 0x01;
  return `0x${b.toString("hex")}`;
}

beforeAll(async () => {
  await initFastCrypto();
});

// ---- generators ------------------------------------------------------------------------------------

const hexOf = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => bytesToHex(b));
const address = hexOf(20).map((a) => checksumAddress(a));
const uint256 = fc.bigInt({ min: 0n, max: (1n << 256n) - 1n });
const privateKey = hexOf(32).filter((k) => {
  const n = BigInt(k);
  return n > 0n && n < 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
});
const arbOrder = fc.record({
  salt: fc.oneof(fc.nat(), uint256),
  wallet: address,
  tokenId: uint256.map((v) => v.toString(10)),
  makerAmount: fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
  takerAmount: fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
  side: fc.constantFrom("BUY" as const, "SELL" as const),
  timestamp: fc.nat({ max: 4_102_444_800_000 }),
  metadata: fc.oneof(fc.constant(ZERO_BYTES32), hexOf(32)),
  builder: fc.oneof(fc.constant(ZERO_BYTES32), hexOf(32)),
});
const arbDomain = fc.record({
  chainId: fc.oneof(fc.constantFrom(137, 80002), fc.integer({ min: 1, max: 2 ** 40 })),
  version: fc.constantFrom("2", "3"),
  exchange: fc.oneof(
    fc.constantFrom(orderDomainFor(137, false, 2)!.verifyingContract!, orderDomainFor(137, true, 3)!.verifyingContract!),
    address,
  ),
});
type ArbOrder = typeof arbOrder extends fc.Arbitrary<infer T> ? T : never;
const toOrder = (r: ArbOrder): OrderV2 =>
  order3({
    salt: r.salt,
    maker: r.wallet,
    signer: r.wallet,
    tokenId: r.tokenId,
    makerAmount: r.makerAmount,
    takerAmount: r.takerAmount,
    side: r.side,
    timestamp: r.timestamp,
    metadata: r.metadata,
    builder: r.builder,
  });

// ---- differential ----------------------------------------------------------------------------------

describe("POLY_1271 envelope vs viem", () => {
  it("random orders: same digest, same signature bytes, same envelope, same order id; the verifier recovers the EOA", async () => {
    await fc.assert(
      fc.asyncProperty(arbOrder, arbDomain, privateKey, async (r, d, pk) => {
        const order = toOrder(r);
        const domain = orderDomain(d.chainId, d.exchange, Number(d.version) as 2 | 3);
        const key = PrivateKeySigner.fromHex(pk);
        fc.pre(key.address.toLowerCase() !== order.signer.toLowerCase());
        const typed = viemTypedDataSign(order, domain);

        // Digest: plain EIP-712 of TypedDataSign, and viem's ERC-7739 hashing with the wallet as verifier.
        const digest = bytesToHex(poly1271Digest(order, domain));
        expect(digest).toBe(hashTypedData(typed));
        expect(digest).toBe(
          erc7739HashTypedData({
            domain: viemDomain(domain),
            types: { Order: ORDER_FIELDS },
            primaryType: "Order",
            message: viemOrder(order),
            verifierDomain: {
              name: "DepositWallet",
              version: "1",
              chainId: domain.chainId,
              verifyingContract: order.signer as Hex,
              salt: ZERO_BYTES32 as Hex,
            },
          }),
        );

        // Signature bytes: RFC 6979 makes the inner signature deterministic; viem's ERC-7739 wrapper gives the same envelope.
        const signed = signOrderV2(order, key, domain);
        const inner = await signTypedData({ ...typed, privateKey: pk as Hex });
        expect(signed.signature.slice(0, 2 + 130)).toBe(inner);
        const wrapped = wrapTypedDataSignature({
          domain: viemDomain(domain),
          types: { Order: ORDER_FIELDS },
          primaryType: "Order",
          message: viemOrder(order),
          signature: inner,
        });
        expect(signed.signature).toBe(wrapped);
        expect((signed.signature.length - 2) / 2).toBe(POLY_1271_SIGNATURE_BYTES);

        // Order id: the ordinary V2/V3 EIP-712 order hash.
        const viemOrderHash = hashTypedData({
          domain: viemDomain(domain),
          types: { Order: ORDER_FIELDS },
          primaryType: "Order",
          message: viemOrder(order),
        });
        expect(signed.orderId).toBe(viemOrderHash);
        expect(hashOrderV2(order, domain)).toBe(viemOrderHash);

        // Verifier.
        const v = verifyPoly1271Signature(order, signed.signature, domain);
        expect(v.ok && v.value).toEqual({ innerSigner: key.address, orderId: viemOrderHash });
        const viemSigner = await recoverTypedDataAddress({ ...typed, signature: inner });
        expect(v.ok && v.value.innerSigner).toBe(viemSigner);
      }),
      { numRuns: 120 },
    );
  });

  it("envelope layout: innerSig ‖ exchange domain separator ‖ Order struct hash ‖ Order type ‖ uint16 length", () => {
    const key = PrivateKeySigner.fromHex(PK);
    const domain = orderDomainFor(137, false, 2)!;
    const order = order3();
    const s = signOrderV2(order, key, domain);
    const b = Buffer.from(s.signature.slice(2), "hex");
    expect(b.length).toBe(65 + 32 + 32 + ORDER_TYPE_V2.length + 2);
    expect(b[64] === 27 || b[64] === 28).toBe(true);
    expect(bytesToHex(b.subarray(97, 129))).toBe(bytesToHex(orderStructHashV2(order)));
    expect(b.subarray(129, b.length - 2).toString("utf8")).toBe(ORDER_TYPE_V2);
    expect(b.readUInt16BE(b.length - 2)).toBe(ORDER_TYPE_V2.length);
    const parsed = parsePoly1271Envelope(s.signature);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(bytesToHex(parsed.value.contentsHash)).toBe(bytesToHex(orderStructHashV2(order)));
    expect(parsed.value.contentsType).toBe(ORDER_TYPE_V2);
    // The app domain separator is the exchange's: its 0x1901 combination with the contents hash is the order id.
    expect(bytesToHex(b.subarray(65, 97))).not.toBe(bytesToHex(b.subarray(97, 129)));
    expect(hashOrderV2(order, domain)).toBe(s.orderId);
  });

  it("the order id follows the type-0 hashing rules (only the signatureType field differs)", () => {
    const domain = orderDomainFor(137, true, 3)!;
    const t3 = order3();
    const t0 = { ...t3, signatureType: 0 };
    const h = (o: OrderV2) =>
      hashTypedData({ domain: viemDomain(domain), types: { Order: ORDER_FIELDS }, primaryType: "Order", message: viemOrder(o) });
    expect(hashOrderV2(t3, domain)).toBe(h(t3));
    expect(hashOrderV2(t0, domain)).toBe(h(t0));
    expect(hashOrderV2(t3, domain)).not.toBe(hashOrderV2(t0, domain));
  });

  it("native and pure-JS secp256k1 produce the same envelope", () => {
    const domain = orderDomainFor(137, false, 2)!;
    const a = signOrderV2(order3(), PrivateKeySigner.fromHex(PK, { backend: "native" }), domain);
    const b = signOrderV2(order3(), PrivateKeySigner.fromHex(PK, { backend: "noble" }), domain);
    expect(a).toEqual(b);
  });

  it("built from price and size, carried in a V2 body, parsed back and verified", () => {
    const key = PrivateKeySigner.fromHex(PK);
    const built = buildLimitOrderV2(
      { tokenId: "123456789", side: "SELL", price: 4200 as Price, size: 12_340_000 as Size, tickSize: 100, expiration: 1_900_000_000 },
      { signer: WALLET, maker: WALLET, signatureType: SignatureType.POLY_1271 },
      987654321,
      { timestampMs: 1_780_000_000_000 },
    );
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    const domain = orderDomainFor(137, false, 2)!;
    const body = JSON.parse(
      JSON.stringify(postOrderBodyV2(signOrderV2(built.value, key, domain), "api-key", "GTD", { postOnly: true })),
    ) as unknown;
    const wire = WirePostOrderBodyV2Schema.parse(body);
    expect(wire.order.signatureType).toBe(3);
    expect(wire.order.maker).toBe(WALLET);
    expect(wire.order.signer).toBe(WALLET);
    const back = orderV2FromWire(wire.order);
    const v = verifyPoly1271Signature(back, wire.order.signature, domain);
    expect(v.ok && v.value.innerSigner).toBe(key.address);
    expect(v.ok && v.value.orderId).toBe(hashOrderV2(back, domain));
  });
});

// ---- negative ---------------------------------------------------------------------------------------

describe("verifyPoly1271Signature rejects", () => {
  const key = PrivateKeySigner.fromHex(PK);
  const domain = orderDomainFor(137, false, 2)!;
  const order = order3();
  const good = signOrderV2(order, key, domain).signature;
  const reason = (sig: string, o: OrderV2 = order, d: Eip712Domain = domain) => {
    const v = verifyPoly1271Signature(o, sig, d);
    return v.ok ? `ok:${v.value.innerSigner}` : v.error.reason;
  };

  it("accepts the untampered signature", () => {
    expect(reason(good)).toBe(`ok:${key.address}`);
  });

  it("a tampered byte in every section", () => {
    const typeStart = 129;
    const lenStart = POLY_1271_SIGNATURE_BYTES - 2;
    for (let at = 0; at < POLY_1271_SIGNATURE_BYTES; at++) {
      const r = reason(flipByte(good, at));
      if (at < 65) {
        // r, s or v of the inner signature: nothing recovers, or a key that is not the owner.
        expect(r === "invalid_inner_signature" || (r.startsWith("ok:") && r !== `ok:${key.address}`), `byte ${at}: ${r}`).toBe(true);
      } else if (at < 97) expect(r, `byte ${at}`).toBe("domain_separator_mismatch");
      else if (at < typeStart) expect(r, `byte ${at}`).toBe("contents_hash_mismatch");
      else if (at < lenStart) expect(r, `byte ${at}`).toBe("type_string_mismatch");
      else expect(r, `byte ${at}`).toBe("bad_length");
    }
  });

  it("random multi-byte corruptions never verify as the owner and never throw", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: POLY_1271_SIGNATURE_BYTES - 1 }), fc.integer({ min: 1, max: 255 })), {
          minLength: 1,
          maxLength: 6,
        }),
        (edits) => {
          const b = Buffer.from(good.slice(2), "hex");
          for (const [at, x] of edits) b[at] = b[at]! ^ x;
          expect(reason(`0x${b.toString("hex")}`)).not.toBe(`ok:${key.address}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("an order for another wallet (signed for WALLET, presented as OTHER_WALLET)", () => {
    const other = order3({ maker: OTHER_WALLET, signer: OTHER_WALLET });
    expect(reason(good, other)).toBe("contents_hash_mismatch");
    // A forger who also swaps in the other order's contents hash still cannot produce the owner:
    // the inner digest binds the wallet address and the contents.
    const b = Buffer.from(good.slice(2), "hex");
    b.set(orderStructHashV2(other), 97);
    const r = reason(`0x${b.toString("hex")}`, other);
    expect(r === "invalid_inner_signature" || (r.startsWith("ok:") && r !== `ok:${key.address}`)).toBe(true);
  });

  it("an EOA that is not the wallet's owner is reported as the inner signer (the caller rejects it)", () => {
    const intruder = PrivateKeySigner.fromHex(OTHER_PK);
    const s = signOrderV2(order, intruder, domain).signature;
    expect(reason(s)).toBe(`ok:${intruder.address}`);
  });

  it("the wrong domain version, exchange or chain", () => {
    expect(reason(good, order, orderDomainFor(137, false, 3)!)).toBe("domain_separator_mismatch");
    expect(reason(good, order, orderDomainFor(137, true, 2)!)).toBe("domain_separator_mismatch");
    expect(reason(good, order, { ...domain, chainId: 80002 })).toBe("domain_separator_mismatch");
    expect(reason(good, order, { name: "ClobAuthDomain", version: "1", chainId: 137 })).toBe("invalid_domain");
    expect(reason(good, order, { ...domain, verifyingContract: "0x12" })).toBe("invalid_domain");
  });

  it("truncated, extended, empty, non-hex and oversized signatures", () => {
    for (const cut of [1, 2, 3, 100, 186, 188, 252, 300])
      expect(reason(good.slice(0, good.length - 2 * cut)), `cut ${cut}`).toBe("bad_length");
    expect(reason(`${good}00`)).toBe("bad_length");
    expect(reason("0x")).toBe("bad_length");
    expect(reason(good.slice(0, 2 + 130))).toBe("bad_length"); // a plain 65-byte EOA signature
    expect(reason(`${good}0`)).toBe("malformed_signature");
    expect(reason(good.slice(2))).toBe("malformed_signature");
    expect(reason(`0x${"zz".repeat(317)}`)).toBe("malformed_signature");
    expect(reason(`0x${"00".repeat(1_000_000)}`)).toBe("malformed_signature");
    expect(reason(undefined as unknown as string)).toBe("malformed_signature");
  });

  it("a length field that agrees with a shorter or longer type string", () => {
    // Remove one type byte and fix the length: layout is consistent, the type string is not ours.
    const b = Buffer.from(good.slice(2), "hex");
    const shorter = Buffer.concat([b.subarray(0, b.length - 3), Buffer.from([0, ORDER_TYPE_V2.length - 1])]);
    expect(reason(`0x${shorter.toString("hex")}`)).toBe("type_string_mismatch");
  });

  it("orders that are not deposit-wallet orders, or malformed", () => {
    expect(reason(good, { ...order, signatureType: 0 })).toBe("not_poly_1271");
    expect(reason(good, { ...order, maker: OTHER_WALLET })).toBe("maker_not_signer");
    expect(reason(good, { ...order, makerAmount: "-1" })).toBe("invalid_order");
    expect(reason(good, { ...order, metadata: "0x1234" })).toBe("invalid_order");
    expect(reason(good, { ...order, signer: "0xnot", maker: "0xnot" })).toBe("invalid_order");
  });
});

describe("POLY_1271 signing preconditions", () => {
  const key = PrivateKeySigner.fromHex(PK);
  const domain = orderDomainFor(137, false, 2)!;

  it("maker must equal signer (the wallet), the wallet must not be the key's own address", () => {
    expect(() => signOrderV2(order3({ maker: OTHER_WALLET }), key, domain)).toThrow(/maker and signer/);
    expect(() => signOrderV2(order3({ maker: key.address, signer: key.address }), key, domain)).toThrow(/deposit wallet contract/);
    expect(() => signOrderV2(order3(), key, { name: "x", version: "2", chainId: 137 })).toThrow(RangeError);
  });

  it("type 3 exists only for V2/V3 orders", () => {
    expect(() =>
      hashOrderV1(
        {
          salt: 1,
          maker: WALLET,
          signer: WALLET,
          taker: WALLET,
          tokenId: "1",
          makerAmount: 1,
          takerAmount: 1,
          expiration: 0,
          nonce: 0,
          feeRateBps: 0,
          side: "BUY",
          signatureType: 3,
        },
        orderDomainFor(137, false, 1)!,
      ),
    ).toThrow(RangeError);
    expect(() => hashOrderV2(order3({ signatureType: 4 }), domain)).toThrow(RangeError);
  });

  it("types 0–2 still require order.signer = the key's address", () => {
    expect(() => signOrderV2(order3({ signatureType: 2 }), key, domain)).toThrow(/signing key's address/);
    const s = signOrderV2(order3({ signatureType: 2, signer: key.address }), key, domain);
    expect((s.signature.length - 2) / 2).toBe(65);
    expect(bytesToHex(poly1271Digest(order3(), domain))).not.toBe(s.orderId);
  });

  it("neither the envelope nor a signing error contains the private key", () => {
    const s = signOrderV2(order3(), key, domain);
    expect(`${s.signature}${s.orderId}`.toLowerCase().includes(PK.slice(2))).toBe(false);
    for (const bad of [order3({ maker: OTHER_WALLET }), order3({ maker: key.address, signer: key.address }), order3({ salt: "x" })]) {
      let message = "";
      try {
        signOrderV2(bad, key, domain);
      } catch (e) {
        message = `${String(e)} ${(e as Error).stack ?? ""}`;
      }
      expect(message).not.toBe("");
      expect(message.toLowerCase().includes(PK.slice(2))).toBe(false);
    }
    expect(privateKeyToAccount(PK as Hex).address).toBe(key.address);
  });
});
