import { describe, expect, it } from "vitest";
import { DecoderStats, decodeWsFrame, type LevelChange, WireBookSchema, WirePriceChangeSchema } from "../src/index.js";

const CID = "0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1";
const A = "71321045679252212594626385532706912750332728571942532289631379312455583992563";
const B = "52114319501245915516055106046884209969926127482827954674443846427813813222426";

const book = (asset: string, bids: [string, string][], asks: [string, string][], ts = "1728799418260") => ({
  event_type: "book",
  market: CID,
  asset_id: asset,
  timestamp: ts,
  hash: "655a38d4977427b086c25b985993691b753ed166",
  bids: bids.map(([price, size]) => ({ price, size })),
  asks: asks.map(([price, size]) => ({ price, size })),
});

describe("decodeWsFrame: market channel", () => {
  it("orders book levels best-first whatever the wire order", () => {
    const wireOrder = book(
      A,
      [
        ["0.001", "9000023.58"],
        ["0.48", "1"],
        ["0.511", "1304.72"],
      ],
      [
        ["0.999", "10500100"],
        ["0.6", "2"],
        ["0.512", "3"],
      ],
    );
    const shuffled = book(
      B,
      [
        ["0.48", "1"],
        ["0.511", "1304.72"],
        ["0.001", "5"],
      ],
      [
        ["0.6", "2"],
        ["0.512", "3"],
        ["0.999", "1"],
      ],
    );
    expect(WireBookSchema.safeParse(wireOrder).success).toBe(true);
    const d = decodeWsFrame(JSON.stringify([wireOrder, shuffled]));
    expect(d.errors).toEqual([]);
    const [a, b] = d.events;
    if (a?.kind !== "book" || b?.kind !== "book") throw new Error("books");
    expect(a.bids.map((l) => l.price)).toEqual([5110, 4800, 10]);
    expect(a.asks.map((l) => l.price)).toEqual([5120, 6000, 9990]);
    expect(a.bids[0]?.size).toBe(1_304_720_000);
    expect(a.bids[2]?.size).toBe(9_000_023_580_000);
    expect(b.bids.map((l) => l.price)).toEqual([5110, 4800, 10]);
    expect(b.asks.map((l) => l.price)).toEqual([5120, 6000, 9990]);
    expect(a.timestamp).toBe(1_728_799_418_260);
  });

  it("decodes all three price_change schemas to absolute level changes", () => {
    const current = {
      event_type: "price_change",
      market: CID,
      timestamp: "1757908892351",
      price_changes: [
        { asset_id: A, price: "0.5", size: "200", side: "BUY", hash: "x", best_bid: "0.5", best_ask: "1" },
        { asset_id: B, price: ".5", size: "0", side: "SELL", hash: "y" },
      ],
    };
    expect(WirePriceChangeSchema.safeParse(current).success).toBe(true);
    const changes = {
      event_type: "price_change",
      asset_id: A,
      market: CID,
      changes: [{ price: "0.4", side: "SELL", size: "3300" }],
      hash: "h",
      timestamp: "1729084877448",
    };
    const flat = {
      event_type: "price_change",
      asset_id: A,
      market: CID,
      price: "0.514",
      side: "SELL",
      size: "21574.08",
      hash: "bf32",
      timestamp: "1723967931411",
    };
    const d = decodeWsFrame(JSON.stringify([current, changes, flat]));
    expect(d.errors).toEqual([]);
    const all = d.events.flatMap((e) =>
      e.kind === "price_change"
        ? e.changes.map((c: LevelChange) => [e.schema, c.assetId === A ? "A" : "B", c.side, c.price, c.size, c.bestBid, c.bestAsk])
        : [],
    );
    expect(all).toEqual([
      ["current", "A", "BID", 5000, 200_000_000, 5000, 10000],
      ["current", "B", "ASK", 5000, 0, undefined, undefined],
      ["legacy_changes", "A", "ASK", 4000, 3_300_000_000, undefined, undefined],
      ["legacy_flat", "A", "ASK", 5140, 21_574_080_000, undefined, undefined],
    ]);
  });

  it("recognizes text frames", () => {
    expect(decodeWsFrame("PONG")).toMatchObject({ text: "PONG", events: [], errors: [] });
    expect(decodeWsFrame("NO NEW ASSETS\n")).toMatchObject({ text: "NO NEW ASSETS", events: [], errors: [] });
    expect(decodeWsFrame(Buffer.from("PONG"))).toMatchObject({ text: "PONG" });
  });

  it("counts and skips unknown event types", () => {
    const stats = new DecoderStats();
    const d = decodeWsFrame(JSON.stringify([{ event_type: "mystery", x: 1 }, book(A, [], []), { hello: "world" }]), { stats });
    expect(d.events.map((e) => e.kind)).toEqual(["book"]);
    expect(d.unknown).toBe(2);
    expect(d.errors).toEqual([]);
    expect(stats.unknownEvents).toBe(2);
    expect(Object.fromEntries(stats.unknownTypes)).toEqual({ mystery: 1, "<missing event_type>": 1 });
  });

  it("rejects a malformed event with a reason and keeps the rest of the frame", () => {
    const stats = new DecoderStats();
    const bad = { ...book(A, [["0.5x", "1"]], []) };
    const tooHigh = { event_type: "last_trade_price", asset_id: A, market: CID, price: "1.5", size: "1", timestamp: "1" };
    const tooPrecise = { event_type: "best_bid_ask", asset_id: A, market: CID, best_bid: "0.12345", best_ask: "0.2", timestamp: "1" };
    const badTick = {
      event_type: "tick_size_change",
      asset_id: A,
      market: CID,
      old_tick_size: "0.01",
      new_tick_size: "0.02",
      timestamp: "1",
    };
    const good = book(B, [["0.5", "1"]], []);
    const d = decodeWsFrame(JSON.stringify([bad, tooHigh, tooPrecise, badTick, good, 42]), { stats });
    expect(d.events.map((e) => e.kind)).toEqual(["book"]);
    expect(d.errors.map((e) => [e.reason, e.eventType])).toEqual([
      ["invalid_number", "book"],
      ["invalid_number", "last_trade_price"],
      ["invalid_number", "best_bid_ask"],
      ["invalid_tick_size", "tick_size_change"],
      ["not_an_event", undefined],
    ]);
    expect(d.errors[0]?.detail).toMatch(/bids\[0\]\.price/);
    expect(stats.rejectedEvents).toBe(5);
  });

  it("rejects empty, oversized and non-JSON frames", () => {
    expect(decodeWsFrame("").errors[0]?.reason).toBe("empty_frame");
    expect(decodeWsFrame("   ").errors[0]?.reason).toBe("empty_frame");
    expect(decodeWsFrame("{not json").errors[0]?.reason).toBe("invalid_json");
    expect(decodeWsFrame(Buffer.from([0xff, 0x00, 0x7b])).errors[0]?.reason).toBe("invalid_json");
    expect(decodeWsFrame(JSON.stringify(book(A, [], [])), { maxFrameBytes: 10 }).errors[0]?.reason).toBe("oversized_frame");
    expect(decodeWsFrame("null").errors[0]?.reason).toBe("not_an_event");
  });

  it("accepts JSON-number prices/sizes/timestamps but rejects float noise", () => {
    const ok = decodeWsFrame(
      JSON.stringify({ event_type: "last_trade_price", asset_id: A, market: CID, price: 0.45, size: 12.5, timestamp: 1724564136087 }),
    );
    expect(ok.events[0]?.kind === "last_trade_price" && [ok.events[0].price, ok.events[0].size, ok.events[0].timestamp]).toEqual([
      4500, 12_500_000, 1_724_564_136_087,
    ]);
    const noisy = decodeWsFrame(
      JSON.stringify({ event_type: "last_trade_price", asset_id: A, market: CID, price: 0.1 + 0.2, size: 1, timestamp: 1 }),
    );
    expect(noisy.errors[0]?.reason).toBe("invalid_number");
  });

  it("normalizes seconds to milliseconds", () => {
    const d = decodeWsFrame(JSON.stringify(book(A, [], [], "1728799418")));
    expect(d.events[0]?.kind === "book" && d.events[0].timestamp).toBe(1_728_799_418_000);
  });
});

describe("decodeWsFrame: user channel", () => {
  const order = {
    event_type: "order",
    type: "CANCELLATION",
    id: "0x0f76a0d2fd7a3b8bd7c6f0b9d0d1dc0b6a2a9c1f6f5e4d3c2b1a09f8e7d6c5b4",
    owner: "key",
    market: CID,
    asset_id: A,
    side: "BUY",
    price: "0.6",
    original_size: "12",
    size_matched: "",
    outcome: "",
    created_at: "",
    status: "CANCELED_order couldn't be fully filled. FOK orders are fully filled or killed.",
    order_type: "FOK",
    timestamp: "1777824065000",
  };
  it("decodes kill frames with empty strings and CANCELED_<reason>", () => {
    const d = decodeWsFrame(JSON.stringify(order));
    const e = d.events[0];
    if (e?.kind !== "user_order") throw new Error(JSON.stringify(d.errors));
    expect([e.eventType, e.sizeMatched, e.originalSize, e.createdAt, e.outcome, e.cancelReason, e.orderType]).toEqual([
      "CANCELLATION",
      0,
      12_000_000,
      undefined,
      undefined,
      "order couldn't be fully filled. FOK orders are fully filled or killed.",
      "FOK",
    ]);
  });
  it("decodes trades: matchtime spelling, seconds timestamps, MATCHED_NOT_BROADCASTED", () => {
    const trade = {
      event_type: "trade",
      id: "28c4d2eb-bbea-40e7-a9f0-b2fdb56b2c2e",
      taker_order_id: "0x06bc63e346ed4ceddce9efd6b3af37c8f8f440c92fe7da6b2d0f9e4ccbc50c42",
      market: CID,
      asset_id: A,
      side: "BUY",
      size: "10",
      price: "0.57",
      status: "MATCHED_NOT_BROADCASTED",
      matchtime: "1672290701",
      timestamp: "1672290702",
      maker_orders: [],
    };
    const e = decodeWsFrame(JSON.stringify(trade)).events[0];
    if (e?.kind !== "user_trade") throw new Error("trade");
    expect([e.status, e.rawStatus, e.matchTime, e.timestamp, e.traderSide]).toEqual([
      "MATCHED",
      "MATCHED_NOT_BROADCASTED",
      1_672_290_701_000,
      1_672_290_702_000,
      undefined,
    ]);
  });
});

describe("price fast path", () => {
  it("equals the @mm/types scanner on every input", async () => {
    const fc = (await import("fast-check")).default;
    const { parsePriceUnits } = await import("@mm/types");
    const { priceUnits } = await import("../src/decode/fields.js");
    const decimalish = fc.stringMatching(/^[0-9.]{0,7}$/);
    fc.assert(
      fc.property(fc.oneof(decimalish, fc.string({ maxLength: 8 })), (s) => {
        expect(priceUnits(s)).toBe(parsePriceUnits(s));
      }),
      { numRuns: 3000 },
    );
    for (let u = 0; u <= 10_000; u++) {
      const text = (u / 10_000).toString();
      expect(priceUnits(text)).toBe(u);
    }
  });

  it("size fast path equals the @mm/types scanner on every input", async () => {
    const fc = (await import("fast-check")).default;
    const { parseSizeUnits } = await import("@mm/types");
    const { sizeUnits } = await import("../src/decode/fields.js");
    const decimalish = fc.stringMatching(/^[0-9]{0,11}(\.[0-9]{0,8})?$/);
    fc.assert(
      fc.property(fc.oneof(decimalish, fc.string({ maxLength: 18 }), fc.stringMatching(/^[0-9.]{0,17}$/)), (s) => {
        expect(sizeUnits(s)).toBe(parseSizeUnits(s));
      }),
      { numRuns: 5000 },
    );
    for (const s of ["0", "5", "21574.08", "219.217767", "999999999.999999", "1000000000", "0.000001", "00.5", "1.2345670", ".5", "5."]) {
      expect(sizeUnits(s)).toBe(parseSizeUnits(s));
    }
  });
});

describe("toEpochMs", () => {
  it("reads ms, seconds, numbers and ISO text; rejects garbage instead of guessing", async () => {
    const { toEpochMs } = await import("../src/index.js");
    expect(toEpochMs("1725868885871")).toBe(1_725_868_885_871);
    expect(toEpochMs("1725868885")).toBe(1_725_868_885_000);
    expect(toEpochMs(1710000000)).toBe(1_710_000_000_000);
    expect(toEpochMs("2024-01-01T00:00:00Z")).toBe(Date.UTC(2024, 0, 1));
    expect(toEpochMs("2026-05-09 02:07:01+00")).toBe(Date.UTC(2026, 4, 9, 2, 7, 1));
    expect(toEpochMs("2027-12-31")).toBe(Date.UTC(2027, 11, 31));
    for (const bad of ["", "1.5", "abc", "12:00", "-5", "1725868885.123", null, undefined, Number.NaN, -1])
      expect(toEpochMs(bad)).toBeUndefined();
  });
});
