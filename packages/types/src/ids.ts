import { err, ok, type Result } from "./result.js";

declare const brand: unique symbol;
/** A nominal type: a `T` that has passed a validating constructor. */
export type Brand<T, Name extends string> = T & { readonly [brand]: Name };

/** ERC-1155 position id as a decimal string of up to 78 digits. Never a JS number (it exceeds 2^53). */
export type TokenId = Brand<string, "TokenId">;
/** Market (condition) id: `0x` + 64 lowercase hex. */
export type ConditionId = Brand<string, "ConditionId">;
/** Venue order id: the EIP-712 order hash, `0x` + 64 lowercase hex. */
export type OrderId = Brand<string, "OrderId">;
/** Venue trade id (a UUID on the real venue; one id can cover several of our fills). */
export type TradeId = Brand<string, "TradeId">;

export interface IdError {
  readonly kind: "TokenId" | "ConditionId" | "OrderId" | "TradeId";
  readonly input: string;
  readonly reason: string;
}

const MAX_UINT256 = (1n << 256n) - 1n;
const HEX32 = /^0x[0-9a-fA-F]{64}$/;

export function parseTokenId(input: string): Result<TokenId, IdError> {
  if (typeof input !== "string" || !/^[0-9]{1,78}$/.test(input)) {
    return err({ kind: "TokenId", input: String(input), reason: "expected a decimal string of 1 to 78 digits" });
  }
  if (input.length > 1 && input[0] === "0") return err({ kind: "TokenId", input, reason: "leading zero" });
  if (input.length === 78 && BigInt(input) > MAX_UINT256) return err({ kind: "TokenId", input, reason: "exceeds uint256" });
  return ok(input as TokenId);
}

function parseHex32<K extends "ConditionId" | "OrderId">(kind: K, input: string): Result<Brand<string, K>, IdError> {
  if (typeof input !== "string" || !HEX32.test(input)) {
    return err({ kind, input: String(input), reason: "expected 0x followed by 64 hex digits" });
  }
  return ok(input.toLowerCase() as Brand<string, K>);
}

export const parseConditionId = (input: string): Result<ConditionId, IdError> => parseHex32("ConditionId", input);
export const parseOrderId = (input: string): Result<OrderId, IdError> => parseHex32("OrderId", input);

export function parseTradeId(input: string): Result<TradeId, IdError> {
  if (typeof input !== "string" || input.length === 0 || input.length > 128 || !/^[\x21-\x7e]+$/.test(input)) {
    return err({ kind: "TradeId", input: String(input), reason: "expected 1 to 128 printable non-space characters" });
  }
  return ok(input as TradeId);
}

function unwrap<T>(r: Result<T, IdError>): T {
  if (r.ok) return r.value;
  throw new TypeError(`invalid ${r.error.kind} "${r.error.input}": ${r.error.reason}`);
}

/** Throwing constructors for trusted inputs (configuration already validated, tests). */
export const tokenId = (s: string): TokenId => unwrap(parseTokenId(s));
export const conditionId = (s: string): ConditionId => unwrap(parseConditionId(s));
export const orderId = (s: string): OrderId => unwrap(parseOrderId(s));
export const tradeId = (s: string): TradeId => unwrap(parseTradeId(s));
