/**
 * Signed-order and L1 checks backed by @mm/protocol: the order id is the EIP-712 order hash
 * (V1 or V2 struct, CTF or Neg Risk CTF exchange domain), and the signature must recover to
 * `order.signer` ("invalid signature" otherwise, as on the venue).
 */
import {
  bytesToHex,
  orderDigestV1,
  orderDigestV2,
  orderDomainFor,
  orderV1FromWire,
  orderV2FromWire,
  recoverSigner,
  verifyL1,
  WireSignedOrderV1Schema,
  WireSignedOrderV2Schema,
} from "@mm/protocol";
import type { L1Verifier } from "./auth.js";
import type { SignedOrderCheck } from "./clob-routes.js";

function digestOf(order: Record<string, unknown>, negRisk: boolean, chainId: number): Uint8Array | undefined {
  try {
    const v1 = WireSignedOrderV1Schema.safeParse(order);
    if (v1.success) {
      const domain = orderDomainFor(chainId, negRisk, 1);
      return domain === undefined ? undefined : orderDigestV1(orderV1FromWire(v1.data), domain);
    }
    const v2 = WireSignedOrderV2Schema.safeParse(order);
    if (v2.success) {
      const domain = orderDomainFor(chainId, negRisk, 2);
      return domain === undefined ? undefined : orderDigestV2(orderV2FromWire(v2.data), domain);
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** EIP-712 verification of `POST /order` bodies on `chainId` (137 = Polygon). */
export function eip712OrderCheck(chainId = 137): SignedOrderCheck {
  return {
    check(order, negRisk) {
      const digest = digestOf(order, negRisk, chainId);
      if (digest === undefined || typeof order.signature !== "string" || typeof order.signer !== "string") return { ok: false };
      const signer = recoverSigner(digest, order.signature);
      if (signer === undefined || signer.toLowerCase() !== order.signer.toLowerCase()) return { ok: false };
      return { ok: true, orderId: bytesToHex(digest).toLowerCase() };
    },
  };
}

/** ClobAuth (L1) signature check with the venue clock's time. */
export function eip712L1Verifier(now: () => number, chainId = 137, maxSkewSeconds = 300): L1Verifier {
  return (h) =>
    verifyL1(
      { POLY_ADDRESS: h.address, POLY_SIGNATURE: h.signature, POLY_TIMESTAMP: h.timestamp, POLY_NONCE: h.nonce },
      { chainId, nowSeconds: Math.floor(now() / 1000), maxSkewSeconds },
    ).ok;
}
