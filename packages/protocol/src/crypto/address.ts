/** Ethereum addresses: derivation from a public key and EIP-55 checksums. */
import { keccak256Noble } from "./keccak.js";

const HEX = "0123456789abcdef";

export function bytesToHex(b: Uint8Array): string {
  let s = "0x";
  for (let i = 0; i < b.length; i++) s += HEX[b[i]! >> 4]! + HEX[b[i]! & 15]!;
  return s;
}

export function hexToBytes(hex: string): Uint8Array | undefined {
  const h = hex.startsWith("0x") || hex.startsWith("0X") ? hex.slice(2) : hex;
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) return undefined;
  return Uint8Array.from(Buffer.from(h, "hex"));
}

export const isAddress = (s: string): boolean => /^0x[0-9a-fA-F]{40}$/.test(s);

/** EIP-55 mixed-case checksum form of a 20-byte address. */
export function checksumAddress(address: string): string {
  const lower = address.toLowerCase().replace(/^0x/, "");
  const hash = keccak256Noble(new TextEncoder().encode(lower));
  let out = "0x";
  for (let i = 0; i < 40; i++) {
    const nibble = (hash[i >> 1]! >> (i % 2 === 0 ? 4 : 0)) & 15;
    out += nibble >= 8 ? lower[i]!.toUpperCase() : lower[i]!;
  }
  return out;
}

/** Address of an uncompressed (65-byte, 0x04-prefixed) public key, checksummed. */
export function addressOfPublicKey(pub: Uint8Array): string {
  const h = keccak256Noble(pub.subarray(1));
  return checksumAddress(bytesToHex(h.subarray(12)));
}
