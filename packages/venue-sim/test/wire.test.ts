import { WirePriceChangeSchema } from "@mm/protocol";
import { type Price, type Size, tokenId } from "@mm/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LevelChange } from "../src/engine/index.js";
import { encodeTextFrames } from "../src/server/frames.js";
import { priceChangeEvent, priceChangeFrame, summaryHash } from "../src/server/wire.js";

const CID = `0x${"ab".repeat(32)}`;

describe("wire serialization", () => {
  it("the hand-built price_change frame equals JSON.stringify of the event and validates", () => {
    const level = fc.record({
      tokenId: fc.constantFrom(tokenId("123"), tokenId("98765432109876543210")),
      side: fc.constantFrom("BUY" as const, "SELL" as const),
      price: fc.integer({ min: 1, max: 9999 }).map((n) => n as Price),
      size: fc.integer({ min: 0, max: 1e12 }).map((n) => n as Size),
      bestBid: fc.option(
        fc.integer({ min: 1, max: 9999 }).map((n) => n as Price),
        { nil: undefined },
      ),
      bestAsk: fc.option(
        fc.integer({ min: 1, max: 9999 }).map((n) => n as Price),
        { nil: undefined },
      ),
    });
    fc.assert(
      fc.property(fc.array(level, { minLength: 1, maxLength: 4 }), fc.nat(), fc.nat(), (changes: LevelChange[], ts, seq) => {
        const frame = priceChangeFrame(CID, changes, ts, seq);
        const parsed = JSON.parse(frame) as unknown;
        expect(parsed).toEqual(priceChangeEvent(CID, changes, ts, seq));
        expect(WirePriceChangeSchema.safeParse(parsed).success).toBe(true);
      }),
    );
  });

  it("book summary hash matches Polymarket's SDK vectors", () => {
    const base = {
      market: "0xaabbcc",
      asset_id: "100",
      timestamp: "123456789",
      bids: [
        { price: "0.3", size: "100" },
        { price: "0.4", size: "100" },
      ],
      asks: [
        { price: "0.6", size: "100" },
        { price: "0.7", size: "100" },
      ],
      min_order_size: "100",
      tick_size: "0.01",
      neg_risk: false,
      last_trade_price: "0.5",
    };
    expect(summaryHash(base)).toBe("0458ea5755c9f73d64a14636fa5c36ed460ec394");
    expect(summaryHash({ ...base, timestamp: "", bids: [], asks: [] })).toBe("74c6a7c81c1d572f1c877b7d3e25b80c336d8a6e");
  });

  it("encodes RFC 6455 text frames for every payload-length class", () => {
    const frames = ["a", "x".repeat(125), "y".repeat(126), "z".repeat(70_000), "é"];
    const buf = encodeTextFrames(frames);
    let o = 0;
    const out: string[] = [];
    while (o < buf.length) {
      expect(buf[o]).toBe(0x81);
      let n = buf[o + 1] as number;
      o += 2;
      if (n === 126) {
        n = buf.readUInt16BE(o);
        o += 2;
      } else if (n === 127) {
        n = Number(buf.readBigUInt64BE(o));
        o += 8;
      }
      out.push(buf.toString("utf8", o, o + n));
      o += n;
    }
    expect(out).toEqual(frames);
  });
});
