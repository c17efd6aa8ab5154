/**
 * Order structs (V1 and V2/V3), EIP-712 hashing (the hash IS the venue's order id), signing for
 * signature types 0 (EOA), 1 (POLY_PROXY), 2 (POLY_GNOSIS_SAFE) and, for V2/V3 only, 3 (POLY_1271
 * deposit wallets: the ERC-7739 envelope of ./poly1271.ts), and the `POST /order` JSON body.
 */
import { err, ok, type Result, type Side, type TickSize } from "@mm/types";
import { bytesToHex, hexToBytes } from "../crypto/address.js";
import {
  domainSeparator,
  type Eip712Domain,
  typedDataDigest,
  typeHash,
  type UintLike,
  writeAddress,
  writeSmallUint,
  writeUint,
} from "../crypto/eip712.js";
import { keccak256 } from "../crypto/keccak.js";
import { recoverPublicKey } from "../crypto/secp256k1.js";
import { addressOfPublicKey } from "../crypto/address.js";
import type { PrivateKeySigner } from "../crypto/signer.js";
import type { WirePostOrderBodyV1, WirePostOrderBodyV2, WireSignedOrderV1, WireSignedOrderV2 } from "../wire/clob.js";
import { type AmountError, limitOrderAmounts, marketOrderAmounts } from "./amounts.js";
import { EXCHANGE_DOMAIN_NAME, exchangeAddress, type OrderVersion, ZERO_ADDRESS, ZERO_BYTES32 } from "./contracts.js";
import { poly1271Signature } from "./poly1271.js";
import { orderStructHashV2 } from "./struct-v2.js";

/** 3 (POLY_1271, deposit wallets) exists from CLOB V2 on: V1 orders accept 0–2 only. */
export const SignatureType = { EOA: 0, POLY_PROXY: 1, POLY_GNOSIS_SAFE: 2, POLY_1271: 3 } as const;
export type SignatureType = (typeof SignatureType)[keyof typeof SignatureType];

/** V1 order struct (what is signed; `side` is BUY=0 / SELL=1 inside EIP-712). */
export interface OrderV1 {
  readonly salt: UintLike;
  readonly maker: string;
  readonly signer: string;
  readonly taker: string;
  readonly tokenId: string;
  readonly makerAmount: UintLike;
  readonly takerAmount: UintLike;
  readonly expiration: UintLike;
  readonly nonce: UintLike;
  readonly feeRateBps: UintLike;
  readonly side: Side;
  readonly signatureType: number;
}

/** V2/V3 order struct. `expiration` travels in JSON but is NOT signed. */
export interface OrderV2 {
  readonly salt: UintLike;
  readonly maker: string;
  readonly signer: string;
  readonly tokenId: string;
  readonly makerAmount: UintLike;
  readonly takerAmount: UintLike;
  readonly side: Side;
  readonly signatureType: number;
  /** Milliseconds. */
  readonly timestamp: UintLike;
  readonly metadata: string;
  readonly builder: string;
  readonly expiration: UintLike;
}

export const ORDER_TYPE_V1 =
  "Order(uint256 salt,address maker,address signer,address taker,uint256 tokenId,uint256 makerAmount,uint256 takerAmount,uint256 expiration,uint256 nonce,uint256 feeRateBps,uint8 side,uint8 signatureType)";

const TYPEHASH_V1 = typeHash(ORDER_TYPE_V1);
const bufV1 = Buffer.alloc(13 * 32);

/** EIP-712 domain of the exchange that must verify the order. */
export function orderDomain(chainId: number, verifyingContract: string, version: OrderVersion = 1): Eip712Domain {
  return { name: EXCHANGE_DOMAIN_NAME, version: String(version), chainId, verifyingContract };
}

/** Domain for a market: picks the Neg Risk exchange for neg-risk markets. Undefined for an unknown chain/version. */
export function orderDomainFor(chainId: number, negRisk: boolean, version: OrderVersion = 1): Eip712Domain | undefined {
  const c = exchangeAddress(chainId, negRisk, version);
  return c === undefined ? undefined : orderDomain(chainId, c, version);
}

function checkSignatureTypeV1(t: number): void {
  if (t !== 0 && t !== 1 && t !== 2)
    throw new RangeError(`signatureType ${t} not supported by V1 orders (0 EOA, 1 POLY_PROXY, 2 POLY_GNOSIS_SAFE)`);
}

/** EIP-712 digest of a V1 order (bytes). Throws RangeError on malformed fields. */
export function orderDigestV1(o: OrderV1, domain: Eip712Domain): Uint8Array {
  checkSignatureTypeV1(o.signatureType);
  const b = bufV1;
  b.set(TYPEHASH_V1, 0);
  writeUint(b, 32, o.salt);
  writeAddress(b, 64, o.maker);
  writeAddress(b, 96, o.signer);
  writeAddress(b, 128, o.taker);
  writeUint(b, 160, o.tokenId);
  writeUint(b, 192, o.makerAmount);
  writeUint(b, 224, o.takerAmount);
  writeUint(b, 256, o.expiration);
  writeUint(b, 288, o.nonce);
  writeUint(b, 320, o.feeRateBps);
  writeSmallUint(b, 352, o.side === "BUY" ? 0 : 1);
  writeSmallUint(b, 384, o.signatureType);
  return typedDataDigest(domainSeparator(domain), keccak256(b));
}

/** EIP-712 digest of a V2/V3 order (= the order id, whatever the signature type). */
export function orderDigestV2(o: OrderV2, domain: Eip712Domain): Uint8Array {
  return typedDataDigest(domainSeparator(domain), orderStructHashV2(o));
}

/** The order id (0x + 64 hex) of a V1 order. */
export const hashOrderV1 = (o: OrderV1, domain: Eip712Domain): string => bytesToHex(orderDigestV1(o, domain));
/** The order id of a V2/V3 order. */
export const hashOrderV2 = (o: OrderV2, domain: Eip712Domain): string => bytesToHex(orderDigestV2(o, domain));

export interface SignedOrder<O> {
  readonly order: O;
  /** 0x r‖s‖v, 65 bytes. */
  readonly signature: string;
  /** EIP-712 hash = the venue's order id. */
  readonly orderId: string;
}

export function signOrderV1(order: OrderV1, signer: PrivateKeySigner, domain: Eip712Domain): SignedOrder<OrderV1> {
  if (order.signer.toLowerCase() !== signer.address.toLowerCase()) throw new RangeError("order.signer must be the signing key's address");
  const digest = orderDigestV1(order, domain);
  return { order, signature: signer.signDigest(digest), orderId: bytesToHex(digest) };
}

/**
 * Signs a V2/V3 order. Types 0–2: `order.signer` must be the key's address, the signature is the
 * 65-byte EIP-712 signature of the order. Type 3 (POLY_1271): `order.signer` = `order.maker` = the
 * deposit wallet (a contract, never the key's address); the key is the wallet owner's EOA and the
 * signature is the ERC-7739 envelope (see `poly1271Signature`). The order id is the same EIP-712
 * order hash in every case.
 */
export function signOrderV2(order: OrderV2, signer: PrivateKeySigner, domain: Eip712Domain): SignedOrder<OrderV2> {
  if (order.signatureType === SignatureType.POLY_1271) {
    const s = poly1271Signature(order, signer, domain);
    return { order, signature: s.signature, orderId: s.orderId };
  }
  if (order.signer.toLowerCase() !== signer.address.toLowerCase()) throw new RangeError("order.signer must be the signing key's address");
  const digest = orderDigestV2(order, domain);
  return { order, signature: signer.signDigest(digest), orderId: bytesToHex(digest) };
}

/** Address that signed `digest` (checksummed), or undefined for an invalid signature. For the simulator. */
export function recoverSigner(digest: Uint8Array, signatureHex: string): string | undefined {
  const sig = hexToBytes(signatureHex);
  if (sig === undefined || sig.length !== 65) return undefined;
  const pub = recoverPublicKey(digest, sig);
  return pub === undefined ? undefined : addressOfPublicKey(pub);
}

// ---- building orders from prices and sizes --------------------------------------------------------

/**
 * Who signs and who funds: maker = signer for EOA (type 0); maker = the proxy / Safe and signer =
 * the EOA for types 1 / 2; maker = signer = the deposit wallet for type 3 (V2/V3 only).
 */
export interface OrderAccount {
  /** The `signer` field of the order (type 3: the deposit wallet, not the key's address). */
  readonly signer: string;
  readonly maker: string;
  readonly signatureType: SignatureType;
}

export interface LimitOrderSpec {
  readonly tokenId: string;
  readonly side: Side;
  /** Price units (1e-4). */
  readonly price: number;
  /** Micro-shares. */
  readonly size: number;
  readonly tickSize: TickSize;
  /** GTD expiry, unix seconds (include the venue's 60 s threshold); 0 = none. */
  readonly expiration?: number;
  /** V1 only: must equal `/fee-rate` when non-zero. */
  readonly feeRateBps?: number;
  /** V1 only: on-chain cancellation nonce. */
  readonly nonce?: UintLike;
  /** V1 only: private-order taker; zero address = public. */
  readonly taker?: string;
}

export interface MarketOrderSpec {
  readonly tokenId: string;
  readonly side: Side;
  /** BUY: micro-USDC to spend; SELL: micro-shares to sell. */
  readonly amount: number;
  /** Worst acceptable price, price units. */
  readonly price: number;
  readonly tickSize: TickSize;
  readonly feeRateBps?: number;
  readonly nonce?: UintLike;
  readonly taker?: string;
}

/** The clients' salt: round(random × now). Pass your RNG/clock for determinism. */
export function generateSalt(random: () => number = Math.random, nowMs: number = Date.now()): number {
  return Math.round(random() * nowMs);
}

function v1From(
  amounts: { makerAmount: bigint; takerAmount: bigint },
  side: Side,
  spec: { tokenId: string; feeRateBps?: number; nonce?: UintLike; taker?: string },
  account: OrderAccount,
  salt: UintLike,
  expiration: number,
): OrderV1 {
  return {
    salt,
    maker: account.maker,
    signer: account.signer,
    taker: spec.taker ?? ZERO_ADDRESS,
    tokenId: spec.tokenId,
    makerAmount: amounts.makerAmount,
    takerAmount: amounts.takerAmount,
    expiration,
    nonce: spec.nonce ?? 0,
    feeRateBps: spec.feeRateBps ?? 0,
    side,
    signatureType: account.signatureType,
  };
}

/** A V1 limit order struct with the official amount rounding. */
export function buildLimitOrderV1(spec: LimitOrderSpec, account: OrderAccount, salt: UintLike): Result<OrderV1, AmountError> {
  const a = limitOrderAmounts(spec.side, spec.price, spec.size, spec.tickSize);
  return a.ok ? ok(v1From(a.value, spec.side, spec, account, salt, spec.expiration ?? 0)) : err(a.error);
}

/** A V1 market (FOK/FAK) order struct: BUY spends `amount` USDC, SELL sells `amount` shares. */
export function buildMarketOrderV1(spec: MarketOrderSpec, account: OrderAccount, salt: UintLike): Result<OrderV1, AmountError> {
  const a = marketOrderAmounts(spec.side, spec.amount, spec.price, spec.tickSize);
  return a.ok ? ok(v1From(a.value, spec.side, spec, account, salt, 0)) : err(a.error);
}

export interface V2Extras {
  /** Order creation time, ms. */
  readonly timestampMs: number;
  readonly metadata?: string;
  readonly builder?: string;
}

function v2From(
  amounts: { makerAmount: bigint; takerAmount: bigint },
  spec: { tokenId: string; side: Side },
  account: OrderAccount,
  salt: UintLike,
  extras: V2Extras,
  expiration: number,
): OrderV2 {
  return {
    salt,
    maker: account.maker,
    signer: account.signer,
    tokenId: spec.tokenId,
    makerAmount: amounts.makerAmount,
    takerAmount: amounts.takerAmount,
    side: spec.side,
    signatureType: account.signatureType,
    timestamp: extras.timestampMs,
    metadata: extras.metadata ?? ZERO_BYTES32,
    builder: extras.builder ?? ZERO_BYTES32,
    expiration,
  };
}

/** A V2/V3 limit order struct. */
export function buildLimitOrderV2(
  spec: LimitOrderSpec,
  account: OrderAccount,
  salt: UintLike,
  extras: V2Extras,
): Result<OrderV2, AmountError> {
  const a = limitOrderAmounts(spec.side, spec.price, spec.size, spec.tickSize);
  return a.ok ? ok(v2From(a.value, spec, account, salt, extras, spec.expiration ?? 0)) : err(a.error);
}

/** A V2/V3 market (FOK/FAK) order struct: BUY spends `amount` USDC, SELL sells `amount` shares. */
export function buildMarketOrderV2(
  spec: MarketOrderSpec,
  account: OrderAccount,
  salt: UintLike,
  extras: V2Extras,
): Result<OrderV2, AmountError> {
  const a = marketOrderAmounts(spec.side, spec.amount, spec.price, spec.tickSize);
  return a.ok ? ok(v2From(a.value, spec, account, salt, extras, 0)) : err(a.error);
}

// ---- JSON bodies --------------------------------------------------------------------------------

const dec = (v: UintLike): string => (typeof v === "string" ? v : v.toString(10));
function saltNumber(v: UintLike): number {
  const n = typeof v === "number" ? v : Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError("salt must be a non-negative safe integer to travel as a JSON number");
  return n;
}

export type PostOrderType = "GTC" | "GTD" | "FOK" | "FAK";
export interface PostOrderOptions {
  readonly postOnly?: boolean;
  readonly deferExec?: boolean;
}

/** V1 `POST /order` body, keys in the official client's order. `owner` = API key. */
export function postOrderBodyV1(
  s: SignedOrder<OrderV1>,
  owner: string,
  orderType: PostOrderType,
  options: PostOrderOptions = {},
): WirePostOrderBodyV1 {
  if (options.postOnly === true && orderType !== "GTC" && orderType !== "GTD")
    throw new RangeError("postOnly is only allowed with GTC and GTD");
  const o = s.order;
  const order: WireSignedOrderV1 = {
    salt: saltNumber(o.salt),
    maker: o.maker,
    signer: o.signer,
    taker: o.taker,
    tokenId: o.tokenId,
    makerAmount: dec(o.makerAmount),
    takerAmount: dec(o.takerAmount),
    side: o.side,
    expiration: dec(o.expiration),
    nonce: dec(o.nonce),
    feeRateBps: dec(o.feeRateBps),
    signatureType: o.signatureType,
    signature: s.signature,
  };
  return {
    deferExec: options.deferExec ?? false,
    order,
    owner,
    orderType,
    ...(typeof options.postOnly === "boolean" ? { postOnly: options.postOnly } : {}),
  };
}

/** V2 `POST /order` body. */
export function postOrderBodyV2(
  s: SignedOrder<OrderV2>,
  owner: string,
  orderType: PostOrderType,
  options: PostOrderOptions = {},
): WirePostOrderBodyV2 {
  if (options.postOnly === true && orderType !== "GTC" && orderType !== "GTD")
    throw new RangeError("postOnly is only allowed with GTC and GTD");
  const o = s.order;
  const order: WireSignedOrderV2 = {
    salt: saltNumber(o.salt),
    maker: o.maker,
    signer: o.signer,
    tokenId: o.tokenId,
    makerAmount: dec(o.makerAmount),
    takerAmount: dec(o.takerAmount),
    side: o.side,
    signatureType: o.signatureType,
    timestamp: dec(o.timestamp),
    expiration: dec(o.expiration),
    metadata: o.metadata,
    builder: o.builder,
    signature: s.signature,
  };
  return { deferExec: options.deferExec ?? false, postOnly: options.postOnly ?? false, order, owner, orderType };
}

/** Parses a wire V1 order back into the signed struct (simulator side: verify, then hash for the id). */
export function orderV1FromWire(w: WireSignedOrderV1): OrderV1 {
  return {
    salt: w.salt,
    maker: w.maker,
    signer: w.signer,
    taker: w.taker,
    tokenId: w.tokenId,
    makerAmount: w.makerAmount,
    takerAmount: w.takerAmount,
    expiration: w.expiration,
    nonce: w.nonce,
    feeRateBps: w.feeRateBps,
    side: w.side,
    signatureType: w.signatureType,
  };
}

export function orderV2FromWire(w: WireSignedOrderV2): OrderV2 {
  return {
    salt: w.salt,
    maker: w.maker,
    signer: w.signer,
    tokenId: w.tokenId,
    makerAmount: w.makerAmount,
    takerAmount: w.takerAmount,
    side: w.side,
    signatureType: w.signatureType,
    timestamp: w.timestamp,
    metadata: w.metadata,
    builder: w.builder,
    expiration: w.expiration,
  };
}
