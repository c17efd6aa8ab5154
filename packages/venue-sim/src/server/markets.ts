/**
 * Simulated market catalogue: deterministic BTC up/down markets (condition ids, 77-digit token
 * ids, slugs, windows) plus the Gamma-side metadata the REST and `new_market` payloads need.
 */
import { createHash } from "node:crypto";
import { conditionId, type FeeSchedule, type MarketInfo, NO_FEES, type Size, type TickSize, tokenId } from "@mm/types";

/**
 * Base fee (bps) the venue reports on fee-enabled markets: `/fee-rate` `base_fee`, CLOB
 * `taker_base_fee`/`maker_base_fee`, Gamma `takerBaseFee`/`makerBaseFee`. A cap, not the charged
 * rate (POLYMARKET.md §8; recorded Gamma fee markets and live `/fee-rate` show 1000). [M]
 */
export const FEE_MARKET_BASE_FEE_BPS = 1000;

export interface SimMarket {
  /** `info.feeRateBps` is the base fee the venue reports (0, or FEE_MARKET_BASE_FEE_BPS on a fee market). */
  readonly info: MarketInfo;
  /** Taker fee schedule charged by the engine (`NO_FEES` = a fee-free market). */
  readonly fees: FeeSchedule;
  /** Gamma numeric id (string on the wire). */
  readonly gammaId: string;
  readonly questionId: string;
  readonly description: string;
  readonly eventId: string;
  readonly eventSlug: string;
  readonly eventTitle: string;
  /** Reference symbol the market resolves on and its strike (S at window start; set when the window opens). */
  readonly symbol: string;
  strike: number | undefined;
  readonly startTime: number;
  readonly endTime: number;
}

const hex = (s: string): string => createHash("sha256").update(s).digest("hex");

/** A 77-digit decimal token id from a hash (uint256-sized, no leading zero). */
function tokenIdFrom(seed: string): string {
  const n = BigInt(`0x${hex(seed)}`) % 10n ** 77n;
  const s = n.toString().padStart(77, "0");
  return s[0] === "0" ? `1${s.slice(1)}` : s;
}

export interface MarketGenOptions {
  readonly seed: number;
  readonly count: number;
  /** Start of the first window (epoch ms). */
  readonly startTime: number;
  /** Window length (default 15 min); market i opens at startTime + i × stagger. */
  readonly windowMs?: number;
  readonly staggerMs?: number;
  readonly tickSize?: TickSize;
  readonly minOrderSize?: Size;
  readonly symbol?: string;
  /** First index (markets rolled in later continue the numbering). */
  readonly firstIndex?: number;
  /** Neg-risk markets: orders must be signed against the Neg Risk CTF Exchange domain. */
  readonly negRisk?: boolean;
  /** Taker fee schedule of every generated market (default `NO_FEES`). */
  readonly fees?: FeeSchedule;
}

export function makeUpDownMarkets(o: MarketGenOptions): SimMarket[] {
  const out: SimMarket[] = [];
  const windowMs = o.windowMs ?? 15 * 60_000;
  const stagger = o.staggerMs ?? windowMs;
  const symbol = o.symbol ?? "BTCUSDT";
  const asset = symbol.replace(/USDT$/, "").toLowerCase();
  const fees = o.fees ?? NO_FEES;
  for (let k = 0; k < o.count; k++) {
    const i = (o.firstIndex ?? 0) + k;
    const start = o.startTime + k * stagger;
    const end = start + windowMs;
    const startSec = Math.floor(start / 1000);
    const tag = `${o.seed}|${symbol}|${i}|${start}`;
    const slug = `${asset}-updown-${Math.round(windowMs / 60_000)}m-${startSec}`;
    const title = `${asset === "btc" ? "Bitcoin" : asset.toUpperCase()} Up or Down - ${new Date(start).toISOString().slice(0, 16).replace("T", " ")} UTC`;
    out.push({
      info: {
        conditionId: conditionId(`0x${hex(`cond|${tag}`)}`),
        question: title,
        slug,
        yes: { tokenId: tokenId(tokenIdFrom(`yes|${tag}`)), label: "Up" },
        no: { tokenId: tokenId(tokenIdFrom(`no|${tag}`)), label: "Down" },
        tickSize: o.tickSize ?? 100,
        minOrderSize: o.minOrderSize ?? (5_000_000 as Size),
        negRisk: o.negRisk ?? false,
        startTime: start,
        endTime: end,
        active: true,
        closed: false,
        feeRateBps: fees.rateBps > 0 ? FEE_MARKET_BASE_FEE_BPS : 0,
      },
      fees,
      gammaId: String(500_000 + i),
      questionId: `0x${hex(`question|${tag}`)}`,
      description: `This market resolves to "Up" if the ${symbol} price at the end of the window is greater than the price at its beginning, otherwise "Down".`,
      eventId: String(90_000 + i),
      eventSlug: slug,
      eventTitle: title,
      symbol,
      strike: undefined,
      startTime: start,
      endTime: end,
    });
  }
  return out;
}
