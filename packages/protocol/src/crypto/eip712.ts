/**
 * Minimal, fast EIP-712 for the three structs Polymarket uses (ClobAuth, Order V1, Order V2/V3).
 * Fields are written into one preallocated buffer (hex → bytes natively) and hashed once; domain
 * separators are cached. Verified against the SDK test vectors and viem's `hashTypedData`.
 */
import { keccak256 } from "./keccak.js";

export type UintLike = bigint | number | string;

export interface Eip712Domain {
  readonly name: string;
  readonly version: string;
  readonly chainId: number;
  /** Omitted for ClobAuth (its domain has no verifyingContract). */
  readonly verifyingContract?: string;
}

const utf8 = new TextEncoder();
export const typeHash = (signature: string): Uint8Array => keccak256(utf8.encode(signature));

/** Writes a uint256 (≥ 0, < 2^256) big-endian at `offset`. Throws RangeError on a bad value (caller validates). */
export function writeUint(buf: Buffer, offset: number, value: UintLike): void {
  let hex: string;
  if (typeof value === "bigint") hex = value.toString(16);
  else if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`uint256: ${value} is not a non-negative safe integer`);
    hex = value.toString(16);
  } else {
    if (!/^\d{1,78}$/.test(value)) throw new RangeError(`uint256: "${value.slice(0, 90)}" is not a decimal integer`);
    hex = BigInt(value).toString(16);
  }
  if (hex.startsWith("-") || hex.length > 64) throw new RangeError("uint256 out of range");
  buf.fill(0, offset, offset + 32 - Math.ceil(hex.length / 2));
  if (hex.length % 2 === 1) hex = `0${hex}`;
  buf.write(hex, offset + 32 - hex.length / 2, "hex");
}

export function writeAddress(buf: Buffer, offset: number, address: string): void {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new RangeError(`address: "${address.slice(0, 50)}" is not a 20-byte hex address`);
  buf.fill(0, offset, offset + 12);
  buf.write(address.slice(2), offset + 12, 20, "hex");
}

export function writeBytes32(buf: Buffer, offset: number, hex32: string): void {
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex32)) throw new RangeError(`bytes32: "${hex32.slice(0, 70)}" is not 32 bytes of hex`);
  buf.write(hex32.slice(2), offset, 32, "hex");
}

export function writeSmallUint(buf: Buffer, offset: number, value: number): void {
  buf.fill(0, offset, offset + 31);
  buf[offset + 31] = value;
}

export function writeStringHash(buf: Buffer, offset: number, s: string): void {
  buf.set(keccak256(utf8.encode(s)), offset);
}

const DOMAIN_WITH_CONTRACT = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";
const DOMAIN_NO_CONTRACT = "EIP712Domain(string name,string version,uint256 chainId)";
const domainCache = new Map<string, Uint8Array>();

export function domainSeparator(d: Eip712Domain): Uint8Array {
  const key = `${d.name}|${d.version}|${d.chainId}|${d.verifyingContract ?? ""}`;
  const hit = domainCache.get(key);
  if (hit) return hit;
  const withContract = d.verifyingContract !== undefined;
  const buf = Buffer.alloc(withContract ? 160 : 128);
  buf.set(typeHash(withContract ? DOMAIN_WITH_CONTRACT : DOMAIN_NO_CONTRACT), 0);
  writeStringHash(buf, 32, d.name);
  writeStringHash(buf, 64, d.version);
  writeUint(buf, 96, d.chainId);
  if (withContract) writeAddress(buf, 128, d.verifyingContract!);
  const sep = keccak256(buf);
  if (domainCache.size < 64) domainCache.set(key, sep);
  return sep;
}

const digestBuf = Buffer.alloc(66);
digestBuf[0] = 0x19;
digestBuf[1] = 0x01;

/** keccak256(0x1901 ‖ domainSeparator ‖ structHash). */
export function typedDataDigest(domainSep: Uint8Array, structHash: Uint8Array): Uint8Array {
  digestBuf.set(domainSep, 2);
  digestBuf.set(structHash, 34);
  return keccak256(digestBuf);
}
