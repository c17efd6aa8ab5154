/**
 * Signed-order and L1 checks backed by @mm/protocol: the order id is the EIP-712 order hash
 * (V1 or V2 struct, CTF or Neg Risk CTF exchange domain), and the signature must recover to
 * `order.signer` ("invalid signature" otherwise, as on the venue). V2 orders of signature type 3
 * (POLY_1271, deposit wallets) carry an ERC-7739 envelope instead: it must verify for this order
 * and exchange and be signed by the registered owner of the wallet `order.signer`.
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
  verifyPoly1271Signature,
  WireSignedOrderV1Schema,
  WireSignedOrderV2Schema,
} from "@mm/protocol";
import type { L1Verifier } from "./auth.js";
import type { SignedOrderCheck } from "./clob-routes.js";
import type { DepositWalletRegistry } from "./deposit-wallets.js";

const POLY_1271 = 3;

/** A type-3 V2 order: envelope valid for this order and exchange, signed by the wallet's owner. */
function checkDepositWalletOrder(
  order: Record<string, unknown>,
  negRisk: boolean,
  chainId: number,
  wallets: DepositWalletRegistry | undefined,
): { ok: true; orderId: string } | { ok: false } {
  const v2 = WireSignedOrderV2Schema.safeParse(order);
  const domain = orderDomainFor(chainId, negRisk, 2);
  if (!v2.success || domain === undefined || wallets === undefined) return { ok: false };
  const v = verifyPoly1271Signature(orderV2FromWire(v2.data), v2.data.signature, domain);
  if (!v.ok || !wallets.isOwner(v2.data.signer, v.value.innerSigner)) return { ok: false };
  return { ok: true, orderId: v.value.orderId };
}

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

/**
 * EIP-712 verification of `POST /order` bodies on `chainId` (137 = Polygon). Deposit-wallet
 * (type 3) orders are verified against `wallets`; without a registry they are all rejected.
 */
export function eip712OrderCheck(chainId = 137, wallets?: DepositWalletRegistry): SignedOrderCheck {
  return {
    check(order, negRisk) {
      if (order.signatureType === POLY_1271 && !("nonce" in order)) return checkDepositWalletOrder(order, negRisk, chainId, wallets);
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
