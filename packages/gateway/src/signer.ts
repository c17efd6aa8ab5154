/**
 * The live `OrderSigner`: @mm/protocol's EIP-712 order building (official amount rounding),
 * hashing (the hash is the venue's order id) and signing. V1 is the default generation (V2 for
 * deposit wallets); the exchange contract is chosen per order (neg-risk markets sign against the
 * Neg Risk CTF Exchange, a wrong choice is an "invalid signature" at the venue).
 *
 * Signature type 3 (POLY_1271, CLOB V2 deposit wallets): `funder` is the deposit wallet and is
 * required; every order has maker = signer = the wallet and carries the ERC-7739 envelope signed
 * by the private key (the wallet's owner EOA), which stays the L1/L2 `POLY_ADDRESS`.
 */
import {
  type AmountError,
  buildLimitOrderV1,
  buildLimitOrderV2,
  buildMarketOrderV1,
  buildMarketOrderV2,
  type Eip712Domain,
  generateSalt,
  orderDomainFor,
  POLYGON_CHAIN_ID,
  postOrderBodyV1,
  postOrderBodyV2,
  PrivateKeySigner,
  SignatureType,
  signOrderV1,
  signOrderV2,
} from "@mm/protocol";
import { type Clock, isValidOrderPrice, notional, type OrderId, type OrderRequest, type RejectReason, systemClock } from "@mm/types";
import type { OrderSigner, SignedOrder } from "./transport.js";

export interface OrderSignerConfig {
  /** 0x + 64 hex. Held inside @mm/protocol's PrivateKeySigner; never logged or echoed in errors. */
  readonly privateKey: string;
  /** The API key: the `owner` of every order body. */
  readonly apiKey: string;
  /**
   * Maker / funding address: the proxy or Safe for signature types 1 and 2 (defaults to the
   * signer's EOA); the deposit wallet for type 3 (required).
   */
  readonly funder?: string;
  /** 0 EOA (default), 1 POLY_PROXY, 2 POLY_GNOSIS_SAFE, 3 POLY_1271 (deposit wallet; V2/V3 only). */
  readonly signatureType?: SignatureType;
  /** Default 137 (Polygon). */
  readonly chainId?: number;
  /** Exchange generation: 1, 2 or 3 (domain version). Default 1, or 2 for signature type 3. */
  readonly version?: 1 | 2 | 3;
  /** V1 `feeRateBps` per token (must equal `/fee-rate` when non-zero). Default 0. */
  readonly feeRateBps?: (tokenId: string) => number;
  /** Salt source and V2 timestamps. */
  readonly clock?: Clock;
  readonly random?: () => number;
}

/** A signer configuration that cannot trade (checked when the signer is created). Never contains the key. */
export class SignerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SignerConfigError";
  }
}

/** An order that cannot be expressed on the wire; `reason` is how the gateway reports it. */
export class OrderBuildError extends Error {
  constructor(
    readonly reason: RejectReason,
    message: string,
  ) {
    super(message);
    this.name = "OrderBuildError";
  }
}

const AMOUNT_REASON: Record<AmountError["reason"], RejectReason> = {
  invalid_price: "invalid_price",
  price_off_grid: "tick_size",
  size_too_small: "min_size",
  invalid_size: "invalid_order",
};

/** Sizes travel with 2 decimals: 0.01 share = 10,000 micro-shares. */
const SIZE_LOT = 10_000;

export interface LiveOrderSigner extends OrderSigner {
  /** The signing key's checksummed address (POLY_ADDRESS; `signer` in orders of types 0–2). */
  readonly address: string;
  /** `maker` of every order (type 3: the deposit wallet, also the orders' `signer`). */
  readonly maker: string;
  readonly signatureType: SignatureType;
  /** Order generation in use. */
  readonly version: 1 | 2 | 3;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** Validates the account part of the configuration; throws SignerConfigError. */
function resolveAccount(c: OrderSignerConfig, keyAddress: string) {
  const signatureType = c.signatureType ?? SignatureType.EOA;
  if (![0, 1, 2, 3].includes(signatureType))
    throw new SignerConfigError(
      `signatureType must be 0 (EOA), 1 (POLY_PROXY), 2 (POLY_GNOSIS_SAFE) or 3 (POLY_1271), got ${String(signatureType)}`,
    );
  if (c.funder !== undefined && !ADDRESS.test(c.funder)) throw new SignerConfigError("funder must be a 0x-prefixed 20-byte hex address");
  if (c.version !== undefined && c.version !== 1 && c.version !== 2 && c.version !== 3)
    throw new SignerConfigError(`version must be 1, 2 or 3, got ${String(c.version)}`);
  if (signatureType !== SignatureType.POLY_1271) {
    return { account: { signer: keyAddress, maker: c.funder ?? keyAddress, signatureType }, version: c.version ?? 1 } as const;
  }
  if (c.funder === undefined)
    throw new SignerConfigError("signatureType 3 (POLY_1271) needs funder = the deposit wallet address (maker and signer of every order)");
  if (c.funder.toLowerCase() === keyAddress.toLowerCase())
    throw new SignerConfigError(
      "signatureType 3 (POLY_1271): funder must be the deposit wallet contract, not the private key's own address (use signatureType 0 for a plain EOA)",
    );
  if (c.version === 1) throw new SignerConfigError("signatureType 3 (POLY_1271) exists only from CLOB V2 on: use version 2 or 3, not 1");
  return { account: { signer: c.funder, maker: c.funder, signatureType }, version: c.version ?? 2 } as const;
}

export function createOrderSigner(c: OrderSignerConfig): LiveOrderSigner {
  const key = PrivateKeySigner.fromHex(c.privateKey);
  const chainId = c.chainId ?? POLYGON_CHAIN_ID;
  const { account, version } = resolveAccount(c, key.address);
  const clock = c.clock ?? systemClock;
  const random = c.random ?? Math.random;
  const domains = new Map<boolean, Eip712Domain>();
  const domainFor = (negRisk: boolean): Eip712Domain => {
    let d = domains.get(negRisk);
    if (d === undefined) {
      d = orderDomainFor(chainId, negRisk, version);
      if (d === undefined) throw new OrderBuildError("invalid_order", `no exchange contract for chain ${chainId} version ${version}`);
      domains.set(negRisk, d);
    }
    return d;
  };

  function sign(order: OrderRequest): SignedOrder {
    // The official rounding would silently move an off-grid price (half-up) or cut a size to 2
    // decimals; the executor's view would then differ from the venue's. Refuse instead.
    if (!isValidOrderPrice(order.price, order.tickSize))
      throw new OrderBuildError(
        "tick_size",
        `price ${order.price / 10_000} is not on the ${order.tickSize / 10_000} grid within [tick, 1 - tick]`,
      );
    if (!Number.isSafeInteger(order.size) || order.size <= 0 || order.size % SIZE_LOT !== 0)
      throw new OrderBuildError("invalid_order", `size ${order.size / 1_000_000} must be a positive multiple of 0.01 shares`);
    const domain = domainFor(order.negRisk);
    const expiration = order.orderType === "GTD" ? (order.expiration ?? 0) : 0;
    if (order.orderType === "GTD" && !(expiration > 0)) throw new OrderBuildError("expiration", "GTD order without an expiration");
    const postOnly = order.orderType === "GTC" || order.orderType === "GTD" ? { postOnly: order.postOnly } : {};
    if (order.postOnly && !(order.orderType === "GTC" || order.orderType === "GTD"))
      throw new OrderBuildError("invalid_order", "invalid post-only order: only GTC and GTD order types are allowed");
    const salt = generateSalt(random, clock.now());
    const feeRateBps = c.feeRateBps?.(order.tokenId) ?? 0;
    const spec = {
      tokenId: order.tokenId,
      side: order.side,
      price: order.price,
      size: order.size,
      tickSize: order.tickSize,
      expiration,
      feeRateBps,
    };
    if (version === 1) {
      const marketable = order.orderType === "FOK" || order.orderType === "FAK";
      // Market orders: BUY spends USDC (price × size), SELL sells shares; the price is the worst acceptable.
      const built = marketable
        ? buildMarketOrderV1(
            {
              tokenId: order.tokenId,
              side: order.side,
              amount: order.side === "BUY" ? Math.floor(notional(order.price, order.size)) : order.size,
              price: order.price,
              tickSize: order.tickSize,
              feeRateBps,
            },
            account,
            salt,
          )
        : buildLimitOrderV1(spec, account, salt);
      if (!built.ok) throw new OrderBuildError(AMOUNT_REASON[built.error.reason], built.error.message);
      const signed = signOrderV1(built.value, key, domain);
      return { orderId: signed.orderId.toLowerCase() as OrderId, envelope: postOrderBodyV1(signed, c.apiKey, order.orderType, postOnly) };
    }
    const marketable = order.orderType === "FOK" || order.orderType === "FAK";
    const extras = { timestampMs: clock.now() };
    const built = marketable
      ? buildMarketOrderV2(
          {
            tokenId: order.tokenId,
            side: order.side,
            amount: order.side === "BUY" ? Math.floor(notional(order.price, order.size)) : order.size,
            price: order.price,
            tickSize: order.tickSize,
          },
          account,
          salt,
          extras,
        )
      : buildLimitOrderV2(spec, account, salt, extras);
    if (!built.ok) throw new OrderBuildError(AMOUNT_REASON[built.error.reason], built.error.message);
    const signed = signOrderV2(built.value, key, domain);
    return { orderId: signed.orderId.toLowerCase() as OrderId, envelope: postOrderBodyV2(signed, c.apiKey, order.orderType, postOnly) };
  }

  return { sign, address: key.address, maker: account.maker, signatureType: account.signatureType, version };
}
