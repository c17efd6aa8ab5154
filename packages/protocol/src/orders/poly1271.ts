/**
 * Signature type 3, POLY_1271 (CLOB V2 deposit wallets): an ERC-7739-style nested typed-data
 * signature that the deposit wallet contract checks through ERC-1271.
 *
 * - maker = signer = the deposit wallet (a contract). The EOA key is the wallet's owner and never
 *   appears in the order. The order id is the ordinary V2/V3 EIP-712 order hash.
 * - The EOA signs EIP-712 typed data in the EXCHANGE domain with primary type
 *   `TypedDataSign(Order contents,string name,string version,uint256 chainId,address verifyingContract,bytes32 salt)`
 *   and value `{contents: order, name: "DepositWallet", version: "1", chainId, verifyingContract:
 *   order.signer, salt: 0x00…00}`.
 * - Wire signature = innerSig (65) ‖ appDomainSeparator (32, the exchange's) ‖ contentsHash (32,
 *   the Order struct hash) ‖ the Order type string ‖ uint16 big-endian length of that string.
 *
 * Hand-rolled on the same preallocated-buffer keccak/secp256k1 path as the other order types;
 * differential tests check it against viem (plain EIP-712 and its ERC-7739 helpers).
 */
import { err, ok, type Result } from "@mm/types";
import { addressOfPublicKey, bytesToHex } from "../crypto/address.js";
import {
  domainSeparator,
  type Eip712Domain,
  typedDataDigest,
  typeHash,
  writeAddress,
  writeSmallUint,
  writeUint,
} from "../crypto/eip712.js";
import { keccak256 } from "../crypto/keccak.js";
import { recoverPublicKey } from "../crypto/secp256k1.js";
import type { PrivateKeySigner } from "../crypto/signer.js";
import type { OrderV2 } from "./order.js";
import { ORDER_TYPE_V2, orderStructHashV2 } from "./struct-v2.js";

/** The deposit wallet's own EIP-712 domain name and version (inside the TypedDataSign value). */
export const DEPOSIT_WALLET_DOMAIN_NAME = "DepositWallet";
export const DEPOSIT_WALLET_DOMAIN_VERSION = "1";

/** EIP-712 encodeType of the outer struct (the Order type appended as a referenced type). */
export const TYPED_DATA_SIGN_TYPE_V2 = `TypedDataSign(Order contents,string name,string version,uint256 chainId,address verifyingContract,bytes32 salt)${ORDER_TYPE_V2}`;

const INNER_SIG_BYTES = 65;
const ORDER_TYPE_BYTES = new TextEncoder().encode(ORDER_TYPE_V2);
/** Byte length of a POLY_1271 V2/V3 order signature (317). */
export const POLY_1271_SIGNATURE_BYTES = INNER_SIG_BYTES + 32 + 32 + ORDER_TYPE_BYTES.length + 2;
/** Anything longer is rejected before decoding (untrusted input). */
const MAX_ENVELOPE_BYTES = 4096;

const TDS_TYPEHASH = typeHash(TYPED_DATA_SIGN_TYPE_V2);
const WALLET_NAME_HASH = typeHash(DEPOSIT_WALLET_DOMAIN_NAME);
const WALLET_VERSION_HASH = typeHash(DEPOSIT_WALLET_DOMAIN_VERSION);
/** typeHash ‖ contentsHash ‖ name ‖ version ‖ chainId ‖ verifyingContract ‖ salt (zero). */
const tdsBuf = Buffer.alloc(7 * 32);
tdsBuf.set(TDS_TYPEHASH, 0);
tdsBuf.set(WALLET_NAME_HASH, 64);
tdsBuf.set(WALLET_VERSION_HASH, 96);

function exchangeSeparator(domain: Eip712Domain): Uint8Array {
  if (domain.verifyingContract === undefined) throw new RangeError("POLY_1271 needs the exchange domain (with verifyingContract)");
  return domainSeparator(domain);
}

/** keccak(0x1901 ‖ appDomainSep ‖ hashStruct(TypedDataSign)) for an already computed contents hash. */
function innerDigest(contentsHash: Uint8Array, appDomainSep: Uint8Array, chainId: number, wallet: string): Uint8Array {
  const b = tdsBuf;
  b.set(contentsHash, 32);
  writeUint(b, 128, chainId);
  writeAddress(b, 160, wallet);
  writeSmallUint(b, 192, 0); // bytes32 salt = 0
  return typedDataDigest(appDomainSep, keccak256(b));
}

/**
 * The 32-byte digest the wallet owner's EOA signs for a POLY_1271 V2/V3 order (the EIP-712 hash
 * of the `TypedDataSign` value in the exchange domain). Throws RangeError on malformed fields.
 */
export function poly1271Digest(order: OrderV2, domain: Eip712Domain): Uint8Array {
  const sep = exchangeSeparator(domain);
  return innerDigest(orderStructHashV2(order), sep, domain.chainId, order.signer);
}

export interface Poly1271Signed {
  /** 0x-hex envelope, `POLY_1271_SIGNATURE_BYTES` bytes. */
  readonly signature: string;
  /** The EIP-712 order hash (= the venue's order id), 0x + 64 hex. */
  readonly orderId: string;
}

/**
 * Signs a POLY_1271 order with the deposit wallet owner's key and builds the wire envelope.
 * Throws RangeError unless `signatureType` is 3, maker = signer (the wallet), the wallet is not
 * the key's own address (that is an EOA, not a deposit wallet) and every field is well formed.
 * Usually reached through `signOrderV2`, which dispatches on the signature type.
 */
export function poly1271Signature(order: OrderV2, key: PrivateKeySigner, domain: Eip712Domain): Poly1271Signed {
  if (order.signatureType !== 3) throw new RangeError(`POLY_1271 signing needs signatureType 3, got ${order.signatureType}`);
  if (order.maker.toLowerCase() !== order.signer.toLowerCase())
    throw new RangeError("POLY_1271 orders: maker and signer must both be the deposit wallet");
  if (order.signer.toLowerCase() === key.address.toLowerCase())
    throw new RangeError("POLY_1271 orders: signer must be the deposit wallet contract, not the signing key's own address");
  const sep = exchangeSeparator(domain);
  const contentsHash = orderStructHashV2(order);
  const orderId = bytesToHex(typedDataDigest(sep, contentsHash));
  const inner = key.signDigestBytes(innerDigest(contentsHash, sep, domain.chainId, order.signer));
  const out = Buffer.allocUnsafe(POLY_1271_SIGNATURE_BYTES);
  out.set(inner, 0);
  out.set(sep, 65);
  out.set(contentsHash, 97);
  out.set(ORDER_TYPE_BYTES, 129);
  out.writeUInt16BE(ORDER_TYPE_BYTES.length, 129 + ORDER_TYPE_BYTES.length);
  return { signature: `0x${out.toString("hex")}`, orderId };
}

// ---- parsing and verification (simulator, pre-flight checks) -------------------------------------

export interface Poly1271Envelope {
  /** 65 bytes r‖s‖v of the owner's EOA. */
  readonly innerSignature: Uint8Array;
  readonly appDomainSeparator: Uint8Array;
  readonly contentsHash: Uint8Array;
  /** The contents type string as carried (decoded as UTF-8). */
  readonly contentsType: string;
}

export type Poly1271ErrorReason =
  /** `order.signatureType` is not 3. */
  | "not_poly_1271"
  /** maker ≠ signer: a deposit-wallet order is made and signed by the wallet. */
  | "maker_not_signer"
  /** An order field is malformed (address, uint256, bytes32). */
  | "invalid_order"
  /** The domain has no verifyingContract (must be the exchange's). */
  | "invalid_domain"
  /** Not 0x-hex bytes, or over the size limit. */
  | "malformed_signature"
  /** Too short, or the trailing uint16 length does not account for every byte. */
  | "bad_length"
  /** The carried contents type is not the V2/V3 Order type string. */
  | "type_string_mismatch"
  /** The carried app domain separator is not the exchange domain's (wrong exchange, chain or version). */
  | "domain_separator_mismatch"
  /** The carried contents hash is not this order's struct hash. */
  | "contents_hash_mismatch"
  /** The 65-byte inner signature recovers no key (bad v, r or s). */
  | "invalid_inner_signature";

export interface Poly1271Error {
  readonly reason: Poly1271ErrorReason;
  readonly detail: string;
}

export interface Poly1271Verified {
  /** Checksummed EOA that signed: the caller checks it is the owner of `order.signer` (the wallet). */
  readonly innerSigner: string;
  /** The EIP-712 order hash (= order id), 0x + 64 lower-case hex. */
  readonly orderId: string;
}

const fail = (reason: Poly1271ErrorReason, detail: string): Result<never, Poly1271Error> => err({ reason, detail });
const HEX_BODY = /^[0-9a-fA-F]*$/;
const utf8 = new TextDecoder("utf-8", { fatal: false });

/** Splits a POLY_1271 envelope into its parts (layout only: nothing is checked against an order). */
export function parsePoly1271Envelope(signature: string): Result<Poly1271Envelope, Poly1271Error> {
  if (typeof signature !== "string" || !(signature.startsWith("0x") || signature.startsWith("0X")))
    return fail("malformed_signature", "signature must be a 0x-prefixed hex string");
  if (signature.length > 2 + 2 * MAX_ENVELOPE_BYTES)
    return fail("malformed_signature", `signature longer than ${MAX_ENVELOPE_BYTES} bytes`);
  const body = signature.slice(2);
  if (body.length % 2 !== 0 || !HEX_BODY.test(body)) return fail("malformed_signature", "signature is not whole bytes of hex");
  const b = Buffer.from(body, "hex");
  const fixed = INNER_SIG_BYTES + 64 + 2;
  if (b.length < fixed) return fail("bad_length", `${b.length} bytes; a POLY_1271 envelope has at least ${fixed}`);
  const typeLen = b.readUInt16BE(b.length - 2);
  if (fixed + typeLen !== b.length)
    return fail("bad_length", `${b.length} bytes but the trailing length says ${typeLen} type bytes (expected ${fixed + typeLen} in all)`);
  return ok({
    innerSignature: Uint8Array.prototype.slice.call(b, 0, 65),
    appDomainSeparator: Uint8Array.prototype.slice.call(b, 65, 97),
    contentsHash: Uint8Array.prototype.slice.call(b, 97, 129),
    contentsType: utf8.decode(b.subarray(129, 129 + typeLen)),
  });
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

/**
 * Checks a POLY_1271 order signature as the deposit wallet would and recovers the EOA that signed:
 * the envelope layout, the carried app domain separator (= `domain`'s), contents hash (= the
 * order's struct hash) and contents type (= the V2/V3 Order type), then the inner signature over
 * the `TypedDataSign` digest bound to `order.signer`. Never throws.
 *
 * `ok` does NOT mean the order is authorized: the caller must check that `innerSigner` owns the
 * wallet `order.signer` (a registry in the simulator; on chain, the wallet contract).
 */
export function verifyPoly1271Signature(order: OrderV2, signature: string, domain: Eip712Domain): Result<Poly1271Verified, Poly1271Error> {
  if (order.signatureType !== 3) return fail("not_poly_1271", `signatureType is ${String(order.signatureType)}, not 3`);
  if (typeof order.maker !== "string" || typeof order.signer !== "string" || order.maker.toLowerCase() !== order.signer.toLowerCase())
    return fail("maker_not_signer", "maker and signer must both be the deposit wallet");
  if (domain.verifyingContract === undefined) return fail("invalid_domain", "the exchange domain needs a verifyingContract");
  const env = parsePoly1271Envelope(signature);
  if (!env.ok) return env;
  const e = env.value;
  if (e.contentsType !== ORDER_TYPE_V2) return fail("type_string_mismatch", "contents type is not the V2/V3 Order type");
  let sep: Uint8Array;
  try {
    sep = domainSeparator(domain);
  } catch (error) {
    return fail("invalid_domain", error instanceof RangeError ? error.message : "malformed domain");
  }
  let contentsHash: Uint8Array;
  let digest: Uint8Array;
  try {
    contentsHash = orderStructHashV2(order);
    digest = innerDigest(contentsHash, sep, domain.chainId, order.signer);
  } catch (error) {
    return fail("invalid_order", error instanceof RangeError ? error.message : "malformed order");
  }
  if (!equalBytes(e.appDomainSeparator, sep))
    return fail("domain_separator_mismatch", "app domain separator is not this exchange domain's (contract, chain or version)");
  if (!equalBytes(e.contentsHash, contentsHash)) return fail("contents_hash_mismatch", "contents hash is not this order's struct hash");
  const pub = recoverPublicKey(digest, e.innerSignature);
  if (pub === undefined) return fail("invalid_inner_signature", "inner signature recovers no key");
  return ok({ innerSigner: addressOfPublicKey(pub), orderId: bytesToHex(typedDataDigest(sep, contentsHash)) });
}
