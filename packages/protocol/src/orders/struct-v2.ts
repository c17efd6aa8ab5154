/**
 * The V2/V3 order struct's EIP-712 type and struct hash, shared by the order id (`orderDigestV2`)
 * and the POLY_1271 envelope (whose `contentsHash` is this struct hash). Separate from order.ts so
 * that order.ts and poly1271.ts do not import each other.
 */
import { typeHash, writeAddress, writeBytes32, writeSmallUint, writeUint } from "../crypto/eip712.js";
import { keccak256 } from "../crypto/keccak.js";
import type { OrderV2 } from "./order.js";

export const ORDER_TYPE_V2 =
  "Order(uint256 salt,address maker,address signer,uint256 tokenId,uint256 makerAmount,uint256 takerAmount,uint8 side,uint8 signatureType,uint256 timestamp,bytes32 metadata,bytes32 builder)";

const TYPEHASH_V2 = typeHash(ORDER_TYPE_V2);
const bufV2 = Buffer.alloc(12 * 32);

/** Throws RangeError unless `t` is 0 EOA, 1 POLY_PROXY, 2 POLY_GNOSIS_SAFE or 3 POLY_1271. */
export function checkSignatureTypeV2(t: number): void {
  if (t !== 0 && t !== 1 && t !== 2 && t !== 3)
    throw new RangeError(`signatureType ${t} not supported (0 EOA, 1 POLY_PROXY, 2 POLY_GNOSIS_SAFE, 3 POLY_1271)`);
}

/**
 * EIP-712 `hashStruct(Order)` of a V2/V3 order (32 bytes): the `contentsHash` of a POLY_1271
 * envelope. Throws RangeError on malformed fields.
 */
export function orderStructHashV2(o: OrderV2): Uint8Array {
  checkSignatureTypeV2(o.signatureType);
  const b = bufV2;
  b.set(TYPEHASH_V2, 0);
  writeUint(b, 32, o.salt);
  writeAddress(b, 64, o.maker);
  writeAddress(b, 96, o.signer);
  writeUint(b, 128, o.tokenId);
  writeUint(b, 160, o.makerAmount);
  writeUint(b, 192, o.takerAmount);
  writeSmallUint(b, 224, o.side === "BUY" ? 0 : 1);
  writeSmallUint(b, 256, o.signatureType);
  writeUint(b, 288, o.timestamp);
  writeBytes32(b, 320, o.metadata);
  writeBytes32(b, 352, o.builder);
  return keccak256(b);
}
