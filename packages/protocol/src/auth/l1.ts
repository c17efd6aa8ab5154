/**
 * L1 (wallet) authentication: ClobAuth EIP-712 headers for `POST /auth/api-key` (create) and
 * `GET /auth/derive-api-key` (POLYMARKET.md §7.1). Domain {name "ClobAuthDomain", version "1",
 * chainId} without verifyingContract.
 */
import { domainSeparator, typedDataDigest, typeHash, type UintLike, writeAddress, writeStringHash, writeUint } from "../crypto/eip712.js";
import { keccak256 } from "../crypto/keccak.js";
import type { PrivateKeySigner } from "../crypto/signer.js";
import { recoverSigner } from "../orders/order.js";
import { CLOB_PATHS } from "../paths.js";

export const CLOB_AUTH_MESSAGE = "This message attests that I control the given wallet";
const CLOB_AUTH_TYPE = "ClobAuth(address address,string timestamp,uint256 nonce,string message)";
const TYPEHASH = typeHash(CLOB_AUTH_TYPE);

export interface L1Headers {
  readonly POLY_ADDRESS: string;
  readonly POLY_SIGNATURE: string;
  readonly POLY_TIMESTAMP: string;
  readonly POLY_NONCE: string;
}

/** EIP-712 digest of the ClobAuth message. */
export function clobAuthDigest(address: string, timestamp: string, nonce: UintLike, chainId: number): Uint8Array {
  const b = Buffer.alloc(5 * 32);
  b.set(TYPEHASH, 0);
  writeAddress(b, 32, address);
  writeStringHash(b, 64, timestamp);
  writeUint(b, 96, nonce);
  writeStringHash(b, 128, CLOB_AUTH_MESSAGE);
  return typedDataDigest(domainSeparator({ name: "ClobAuthDomain", version: "1", chainId }), keccak256(b));
}

export function buildL1Headers(
  signer: PrivateKeySigner,
  options: { readonly timestampSeconds: number; readonly nonce?: number; readonly chainId?: number },
): L1Headers {
  const ts = String(Math.floor(options.timestampSeconds));
  const nonce = options.nonce ?? 0;
  const digest = clobAuthDigest(signer.address, ts, nonce, options.chainId ?? 137);
  return { POLY_ADDRESS: signer.address, POLY_SIGNATURE: signer.signDigest(digest), POLY_TIMESTAMP: ts, POLY_NONCE: String(nonce) };
}

/** The api-key requests: create (fails if a key exists for the nonce) or derive (returns the existing one). */
export function apiKeyRequest(kind: "create" | "derive"): { readonly method: "POST" | "GET"; readonly path: string } {
  return kind === "create" ? { method: "POST", path: CLOB_PATHS.createApiKey } : { method: "GET", path: CLOB_PATHS.deriveApiKey };
}

export type L1VerifyFailure = "missing_header" | "bad_timestamp" | "expired_timestamp" | "bad_nonce" | "bad_signature";

/** Simulator side: checks L1 headers; returns the (checksummed) address and nonce. */
export function verifyL1(
  headers: Readonly<Record<string, string | string[] | undefined>> | L1Headers,
  options: { readonly chainId: number; readonly nowSeconds: number; readonly maxSkewSeconds?: number },
): { ok: true; address: string; nonce: number } | { ok: false; reason: L1VerifyFailure } {
  const get = (n: string): string | undefined => {
    const h = headers as Readonly<Record<string, string | string[] | undefined>>;
    const v = h[n] ?? h[n.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
  };
  const address = get("POLY_ADDRESS");
  const sig = get("POLY_SIGNATURE");
  const ts = get("POLY_TIMESTAMP");
  const nonceText = get("POLY_NONCE") ?? "0";
  if (!address || !sig || !ts) return { ok: false, reason: "missing_header" };
  if (!/^\d{1,12}$/.test(ts)) return { ok: false, reason: "bad_timestamp" };
  if (Math.abs(options.nowSeconds - Number(ts)) > (options.maxSkewSeconds ?? 300)) return { ok: false, reason: "expired_timestamp" };
  if (!/^\d{1,15}$/.test(nonceText)) return { ok: false, reason: "bad_nonce" };
  let digest: Uint8Array;
  try {
    digest = clobAuthDigest(address, ts, nonceText, options.chainId);
  } catch {
    return { ok: false, reason: "bad_signature" };
  }
  const recovered = recoverSigner(digest, sig);
  if (recovered === undefined || recovered.toLowerCase() !== address.toLowerCase()) return { ok: false, reason: "bad_signature" };
  return { ok: true, address: recovered, nonce: Number(nonceText) };
}
