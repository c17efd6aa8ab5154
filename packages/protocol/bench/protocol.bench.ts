/**
 * PERFORMANCE.md G1 (frame decode vs bare JSON.parse), G3 (wire decimals vs decimal.js) and
 * G6 (order signing vs the official client's signer). Each case cross-checks correctness first.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { compareNsPerOp, defineBenches, median, percentile, sampleLatencies } from "@mm/bench";
import { formatPrice, parsePriceUnits, parseSizeUnits } from "@mm/types";
import { ExchangeOrderBuilder } from "@polymarket/clob-client";
import { Decimal } from "decimal.js";
import { privateKeyToAccount } from "viem/accounts";
import {
  buildLimitOrderV1,
  decodeWsFrame,
  initFastCrypto,
  type OrderV1,
  orderDomainFor,
  PrivateKeySigner,
  signOrderV1,
} from "../src/index.js";
import { fastScanFrame } from "../src/decode/fast-scan.js";
import { priceUnits, sizeUnits } from "../src/decode/fields.js";
import { decodeWsFrameGeneric } from "../src/decode/ws-decoder.js";
import { makeCorpus } from "./corpus.js";

const PK = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/**
 * G1: `decodeWsFrame(Buffer)` vs bare `JSON.parse(buf.toString())` on the same frames, interleaved.
 * Details also carry, from the same run, string input and the generic (JSON.parse) path alone, i.e.
 * the decoder without its byte-scanner fast path.
 */
function decodeBench(name: string, pick: "all" | "price_change", minValue?: number) {
  return {
    name,
    unit: "msg/s",
    better: "higher" as const,
    target: { minRatio: 0.75, ...(minValue !== undefined ? { minValue } : {}) },
    measure(ctx: { n(full: number, smoke?: number): number; smoke: boolean }) {
      const corpus = makeCorpus(ctx.n(20_000, 50));
      const frames = pick === "all" ? corpus.frames : corpus.priceChangeFrames;
      const texts = frames.map((f) => f.toString("utf8"));
      // Correctness: every frame decodes, nothing rejected, every frame through the fast path, and the
      // result equals the generic path's (Buffer and string input).
      let events = 0;
      for (let i = 0; i < frames.length; i++) {
        const f = frames[i]!;
        const d = decodeWsFrame(f);
        if (d.errors.length > 0 || d.events.length !== 1) throw new Error(`decode mismatch: ${JSON.stringify(d.errors[0])}`);
        if (fastScanFrame(f) === undefined) throw new Error(`frame ${i} bailed out of the fast path`);
        if (!isDeepStrictEqual(d, decodeWsFrameGeneric(f)) || !isDeepStrictEqual(decodeWsFrame(texts[i]!), d))
          throw new Error(`frame ${i}: fast path and generic path disagree`);
        events += d.events.length;
      }
      let sink = 0;
      const opts = { reps: ctx.smoke ? 1 : 11, warmup: ctx.smoke ? 0 : 3 };
      const { candidateNs, baselineNs } = compareNsPerOp(
        () => {
          let acc = 0;
          for (let i = 0; i < frames.length; i++) acc += decodeWsFrame(frames[i]!).events.length;
          sink += acc;
        },
        () => {
          let acc = 0;
          for (let i = 0; i < frames.length; i++) acc += JSON.parse(frames[i]!.toString()) === null ? 0 : 1;
          sink += acc;
        },
        frames.length,
        opts,
      );
      const other = compareNsPerOp(
        () => {
          let acc = 0;
          for (let i = 0; i < texts.length; i++) acc += decodeWsFrame(texts[i]!).events.length;
          sink += acc;
        },
        () => {
          let acc = 0;
          for (let i = 0; i < frames.length; i++) acc += decodeWsFrameGeneric(frames[i]!).events.length;
          sink += acc;
        },
        frames.length,
        { reps: ctx.smoke ? 1 : 5, warmup: ctx.smoke ? 0 : 1 },
      );
      return {
        value: 1e9 / candidateNs,
        baseline: 1e9 / baselineNs,
        details: {
          frames: frames.length,
          events,
          decodeNsPerFrame: Math.round(candidateNs),
          jsonParseNsPerFrame: Math.round(baselineNs),
          stringInputMsgPerSec: Math.round(1e9 / other.candidateNs),
          genericPathMsgPerSec: Math.round(1e9 / other.baselineNs),
          sink: sink > 0,
        },
      };
    },
  };
}

/** Static check that no decode-path module imports decimal.js (G3: zero Decimal objects per tick). */
function decodePathImportsDecimal(): boolean {
  const here = dirname(fileURLToPath(import.meta.url));
  const files = [
    "../src/decode/ws-decoder.ts",
    "../src/decode/fast-scan.ts",
    "../src/decode/fields.ts",
    "../src/decode/user-messages.ts",
    "../src/internal/time.ts",
  ];
  return files.some((f) => /from\s+["']decimal\.js["']/.test(readFileSync(join(here, f), "utf8")));
}

export default defineBenches([
  decodeBench("protocol/G1 decode mixed frames vs JSON.parse", "all"),
  decodeBench("protocol/G1 decode price_change frames vs JSON.parse", "price_change", 400_000),
  {
    name: "protocol/G3 wire decimal parse vs new Decimal(str)",
    unit: "ns/op",
    better: "lower",
    target: { minRatio: 10 },
    measure(ctx) {
      // The decoder's own parsers (fast paths, falling back to the @mm/types scanners).
      const { prices, sizes } = makeCorpus(ctx.n(20_000, 50));
      // Exact round trip of every grid price on the 0.01 / 0.001 / 0.0001 grids.
      for (let u = 0; u <= 10_000; u++) {
        const text = formatPrice(u);
        if (priceUnits(text) !== u || parsePriceUnits(text) !== u) throw new Error(`price ${text} does not round-trip`);
        if (priceUnits(new Decimal(u).div(10_000).toFixed()) !== u) throw new Error(`Decimal text of ${u} disagrees`);
      }
      for (const s of prices)
        if (priceUnits(s) !== new Decimal(s).mul(10_000).toNumber()) throw new Error(`price ${s} disagrees with Decimal`);
      for (const s of sizes) {
        if (sizeUnits(s) !== new Decimal(s).mul(1_000_000).toNumber() || sizeUnits(s) !== parseSizeUnits(s))
          throw new Error(`size ${s} disagrees with Decimal`);
      }
      if (decodePathImportsDecimal()) throw new Error("decode path imports decimal.js");
      let sink = 0;
      const { candidateNs, baselineNs } = compareNsPerOp(
        () => {
          let acc = 0;
          for (let i = 0; i < prices.length; i++) acc += priceUnits(prices[i]!);
          for (let i = 0; i < sizes.length; i++) acc += sizeUnits(sizes[i]!);
          sink += acc;
        },
        () => {
          let acc = 0;
          for (let i = 0; i < prices.length; i++) acc += new Decimal(prices[i]!).isZero() ? 0 : 1;
          for (let i = 0; i < sizes.length; i++) acc += new Decimal(sizes[i]!).isZero() ? 0 : 1;
          sink += acc;
        },
        prices.length + sizes.length,
        { reps: ctx.smoke ? 1 : 11, warmup: ctx.smoke ? 0 : 3 },
      );
      return {
        value: candidateNs,
        baseline: baselineNs,
        details: {
          prices: prices.length,
          sizes: sizes.length,
          decimalObjectsOnDecodePath: 0,
          gridPricesRoundTripped: 10_001,
          sink: sink !== 0,
        },
      };
    },
  },
  {
    name: "protocol/G6 order build+sign µs/order vs clob-client (viem signer)",
    unit: "µs/order",
    better: "lower",
    target: { maxValue: 100, minRatio: 10 },
    async measure(ctx) {
      const backends = await initFastCrypto();
      const signer = PrivateKeySigner.fromHex(PK);
      const domain = orderDomainFor(137, false, 1)!;
      const n = ctx.n(2_000, 5);
      const token = "71321045679252212594626385532706912750332728571942532289631379312455583992563";
      const build = (i: number): OrderV1 => {
        const r = buildLimitOrderV1(
          { tokenId: token, side: i % 2 === 0 ? "BUY" : "SELL", price: 100 + (i % 98) * 100, size: 5_000_000 + i * 10_000, tickSize: 100 },
          { signer: signer.address, maker: signer.address, signatureType: 0 },
          1_000_000 + i,
        );
        if (!r.ok) throw new Error(r.error.message);
        return r.value;
      };
      // Baseline: the official client's order builder signing through viem (ethers is not installed here).
      const account = privateKeyToAccount(PK);
      const clientSigner = { account, signTypedData: (a: Parameters<typeof account.signTypedData>[0]) => account.signTypedData(a) };
      let salt = "0";
      const builder = new ExchangeOrderBuilder(domain.verifyingContract!, 137, clientSigner as never, () => salt);
      const baseN = Math.max(3, Math.floor(n / 10));
      const base: number[] = [];
      for (let i = 0; i < baseN + 3; i++) {
        const o = build(i);
        salt = String(o.salt);
        const t0 = process.hrtime.bigint();
        const theirs = await builder.buildSignedOrder({
          maker: o.maker,
          signer: o.signer,
          taker: o.taker,
          tokenId: o.tokenId,
          makerAmount: String(o.makerAmount),
          takerAmount: String(o.takerAmount),
          side: o.side === "BUY" ? 0 : 1,
          feeRateBps: "0",
          nonce: "0",
          expiration: "0",
          signatureType: 0,
        } as never);
        const dt = Number(process.hrtime.bigint() - t0);
        if (i >= 3) base.push(dt);
        const ours = signOrderV1(o, signer, domain);
        if (ours.signature !== theirs.signature) throw new Error(`signature mismatch at order ${i}`);
      }
      // Candidate: amounts + EIP-712 hash + signature, synchronous.
      for (let i = 0; i < Math.min(200, n); i++) signOrderV1(build(i), signer, domain); // warm-up
      const lat = sampleLatencies((i) => void signOrderV1(build(i), signer, domain), n);
      const pure = PrivateKeySigner.fromHex(PK, { backend: "noble" });
      const pureLat = sampleLatencies((i) => void signOrderV1(build(i), pure, domain), Math.max(3, Math.floor(n / 10)));
      return {
        value: percentile(lat, 50) / 1000,
        baseline: median(base) / 1000,
        details: {
          p99Us: percentile(lat, 99) / 1000,
          orders: n,
          baselineOrders: base.length,
          keccak: backends.keccak,
          secp256k1: backends.secp256k1,
          pureJsNobleMedianUs: percentile(pureLat, 50) / 1000,
          baselineImpl: "@polymarket/clob-client 5.8.1 ExchangeOrderBuilder + viem 2.57.20 local account",
        },
      };
    },
  },
]);
