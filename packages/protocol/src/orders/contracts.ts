/** Exchange contracts and EIP-712 domains per chain and protocol generation (POLYMARKET.md §0, §7.3). */

export const POLYGON_CHAIN_ID = 137;
export const AMOY_CHAIN_ID = 80002;

/** Order struct generation: V1 (until 2026-04-28), V2 (CLOB V2), V3 ("Protocol V2", same struct as V2). */
export type OrderVersion = 1 | 2 | 3;

export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
export const ZERO_BYTES32 = "0x0000000000000000000000000000000000000000000000000000000000000000";

export interface ExchangeContracts {
  readonly exchange: string;
  readonly negRiskExchange: string;
  readonly negRiskAdapter: string;
  readonly collateral: string;
  readonly conditionalTokens: string;
}

const CONTRACTS: Readonly<Record<string, ExchangeContracts>> = {
  "137:1": {
    exchange: "0x4bFb41d5B3570DeFd03C39a9A4D8dE6Bd8B8982E",
    negRiskExchange: "0xC5d563A36AE78145C45a50134d48A1215220f80a",
    negRiskAdapter: "0xd91E80cF2E7be2e162c6513ceD06f1dD0dA35296",
    collateral: "0x2791Bca1f2de4661ED88A30C99A7a9449Aa84174",
    conditionalTokens: "0x4D97DCd97eC945f40cF65F87097ACe5EA0476045",
  },
  "137:2": {
    exchange: "0xE111180000d2663C0091e4f400237545B87B996B",
    negRiskExchange: "0xe2222d279d744050d28e00520010520000310F59",
    negRiskAdapter: "0xd91E80cF2E7be2e162c6513ceD06f1dD0dA35296",
    collateral: "0xC011a7E12a19f7B1f670d46F03B03f3342E82DFB",
    conditionalTokens: "0x4D97DCd97eC945f40cF65F87097ACe5EA0476045",
  },
  "137:3": {
    exchange: "0xe3333700cA9d93003F00f0F71f8515005F6c00Aa",
    negRiskExchange: "0xe2222d279d744050d28e00520010520000310F59",
    negRiskAdapter: "0xd91E80cF2E7be2e162c6513ceD06f1dD0dA35296",
    collateral: "0xC011a7E12a19f7B1f670d46F03B03f3342E82DFB",
    conditionalTokens: "0x4D97DCd97eC945f40cF65F87097ACe5EA0476045",
  },
  "80002:1": {
    exchange: "0xdFE02Eb6733538f8Ea35D585af8DE5958AD99E40",
    negRiskExchange: "0xC5d563A36AE78145C45a50134d48A1215220f80a",
    negRiskAdapter: "0xd91E80cF2E7be2e162c6513ceD06f1dD0dA35296",
    collateral: "0x9c4e1703476e875070ee25b56a58b008cfb8fa78",
    conditionalTokens: "0x69308FB512518e39F9b16112fA8d994F4e2Bf8bB",
  },
};

export function exchangeContracts(chainId: number, version: OrderVersion = 1): ExchangeContracts | undefined {
  return CONTRACTS[`${chainId}:${version}`];
}

/**
 * The `verifyingContract` an order must be signed against: the Neg Risk CTF Exchange for neg-risk
 * markets, the CTF Exchange otherwise (the wrong one yields `invalid signature`).
 */
export function exchangeAddress(chainId: number, negRisk: boolean, version: OrderVersion = 1): string | undefined {
  const c = exchangeContracts(chainId, version);
  return c === undefined ? undefined : negRisk ? c.negRiskExchange : c.exchange;
}

export const EXCHANGE_DOMAIN_NAME = "Polymarket CTF Exchange";
