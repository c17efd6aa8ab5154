/**
 * Differential tests of the byte-scanner fast path: for every input, `decodeWsFrame` (fast path
 * first) and `decodeWsFrameGeneric` (JSON.parse path only) must give deep-equal frames (events,
 * errors, text, unknown) and equal stats, for string, Buffer and plain Uint8Array input.
 */
import { formatPrice } from "@mm/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fastScanFrame } from "../src/decode/fast-scan.js";
import { decodeWsFrameGeneric } from "../src/decode/ws-decoder.js";
import { type DecodedFrame, DecoderStats, decodeWsFrame } from "../src/index.js";
import { makeCorpus } from "../bench/corpus.js";
import { allFixtureFiles, readFixture } from "./fixtures.js";
import {
  applyEscapes,
  bestBidAskArb,
  bookArb,
  clone,
  eventArb,
  frameArb,
  type Json,
  lastTradeArb,
  mutate,
  mutationArb,
  objectsOf,
  priceChangeCurrentArb,
  priceChangeFlatArb,
  priceChangeLegacyChangesArb,
  serialize,
  wsArb,
} from "./frame-gen.js";

// A counterexample is reported as found: shrinking multi-kilobyte frames takes minutes.
fc.configureGlobal({ endOnFailure: true });
/** `MM_FUZZ_RUNS=20 pnpm vitest run test/fast-scan.test.ts` multiplies the property runs (long soak). */
const RUNS_FACTOR = Math.max(1, Number(process.env.MM_FUZZ_RUNS ?? "1") || 1);
const runs = (n: number) => Math.round(n * RUNS_FACTOR);
const PROPERTY_TIMEOUT_MS = 30_000 * RUNS_FACTOR;

function statsOf(s: DecoderStats) {
  return {
    frames: s.frames,
    events: s.events,
    textFrames: s.textFrames,
    rejectedEvents: s.rejectedEvents,
    rejectedFrames: s.rejectedFrames,
    unknownEvents: s.unknownEvents,
    unknownTypes: [...s.unknownTypes],
  };
}

function plain(d: DecodedFrame) {
  return { events: d.events, errors: d.errors, text: d.text, unknown: d.unknown };
}

/** A plain Uint8Array (not a Buffer) over the middle of a larger buffer. */
function uint8View(text: string): Uint8Array {
  const bytes = Buffer.from(text, "utf8");
  const backing = new Uint8Array(bytes.length + 7);
  backing.set(bytes, 3);
  return backing.subarray(3, 3 + bytes.length);
}

let fastHits = 0;

/** Decodes through both paths for every input form; returns whether the fast path took the frame. */
function same(text: string, maxFrameBytes?: number): boolean {
  let took = false;
  for (const raw of [text, Buffer.from(text, "utf8"), uint8View(text)]) {
    const fastStats = new DecoderStats();
    const genericStats = new DecoderStats();
    const opts = (stats: DecoderStats) => (maxFrameBytes === undefined ? { stats } : { stats, maxFrameBytes });
    const fast = decodeWsFrame(raw, opts(fastStats));
    const generic = decodeWsFrameGeneric(raw, opts(genericStats));
    expect(fast).toStrictEqual(generic);
    expect(plain(fast)).toStrictEqual(plain(generic));
    expect(statsOf(fastStats)).toStrictEqual(statsOf(genericStats));
    const scanned = fastScanFrame(raw) !== undefined;
    if (typeof raw === "string") took = scanned;
    // Every input form is understood the same way (all ASCII or all bailed).
    else expect(scanned).toBe(took);
  }
  if (took) fastHits++;
  return took;
}

describe("fast path vs generic path: fixtures", () => {
  const files = allFixtureFiles();

  it("every shared fixture (raw text, compact, array-wrapped, each array element) decodes identically", () => {
    let taken = 0;
    for (const f of files) {
      const raw = readFixture(f);
      same(raw);
      const value = JSON.parse(raw) as unknown;
      const compact = JSON.stringify(value);
      if (same(compact)) taken++;
      same(`[${compact},${compact}]`);
      same(` \r\n\t${compact}\n`);
      if (Array.isArray(value)) for (const e of value) same(JSON.stringify(e));
      // Truncations of the real frames bail or fail the same way.
      for (let cut = 0; cut < compact.length; cut += Math.max(1, Math.floor(compact.length / 40))) same(compact.slice(0, cut));
    }
    // The hot shapes among the fixtures do take the fast path.
    expect(taken).toBeGreaterThanOrEqual(12);
  });

  it("the hot-shape fixtures are taken by the fast path", () => {
    for (const f of [
      "docs_examples/ws_market_book.json",
      "docs_examples/ws_market_last_trade_price.json",
      "docs_examples/ws_market_price_change_legacy_changes_array.json",
      "docs_examples/ws_market_price_change_v2_2025-09.json",
      "nautilus_py/ws_messages/price_change_v2.json",
      "nautilus_rust/ws_book_snapshot.json",
      "nautilus_rust/ws_market_best_bid_ask_msg.json",
      "nautilus_rust/ws_market_price_change_msg.json",
      "nautilus_rust/ws_quotes.json",
      "nautilus_rust/ws_last_trade.json",
    ]) {
      expect(files).toContain(f);
      expect(same(readFixture(f)), f).toBe(true);
    }
  });

  it("the bench corpus decodes identically and entirely through the fast path", () => {
    const { frames } = makeCorpus(300, 7);
    for (const b of frames) expect(same(b.toString("utf8"))).toBe(true);
  });
});

describe("fast path vs generic path: bail-outs keep the generic behaviour", () => {
  const A = "71321045679252212594626385532706912750332728571942532289631379312455583992563";
  const M = "0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1";
  const pc = (change: string, extra = "") =>
    `{"market":"${M}","price_changes":[${change}],"timestamp":"1757908892351","event_type":"price_change"${extra}}`;
  const ok = `{"asset_id":"${A}","price":"0.5","size":"200","side":"BUY","hash":"56621a12","best_bid":"0.5","best_ask":"1"}`;

  const cases: [string, string][] = [
    ["escape in a string", pc(ok.replace('"BUY"', '"B\\u0055Y"'))],
    ["escape in a key", pc(ok.replace('"price"', '"pric\\u0065"'))],
    ["escaped quote in hash", pc(ok.replace("56621a12", '5662\\"1a12'))],
    ["duplicate key (last wins)", pc(ok.replace('"size":"200"', '"size":"200","size":"300"'))],
    ["duplicate event key", pc(ok, ',"market":"0xother"')],
    ["unknown key", pc(ok, ',"extra":"x"')],
    ["unknown key in a change", pc(ok.replace('"side"', '"note":"x","side"'))],
    ["price as a JSON number", pc(ok.replace('"0.5"', "0.5"))],
    ["size as a JSON number", pc(ok.replace('"200"', "200"))],
    ["timestamp as a JSON number", pc(ok).replace('"1757908892351"', "1757908892351")],
    ["ISO timestamp", pc(ok).replace('"1757908892351"', '"2025-09-15T23:00:00Z"')],
    ["null best_bid", pc(ok.replace('"best_bid":"0.5"', '"best_bid":null'))],
    ["negative price", pc(ok.replace('"0.5"', '"-0.5"'))],
    ["price above 1", pc(ok.replace('"0.5"', '"1.5"'))],
    ["too precise price", pc(ok.replace('"0.5"', '"0.50001"'))],
    ["NaN price", pc(ok.replace('"0.5"', '"NaN"'))],
    ["lowercase side", pc(ok.replace('"BUY"', '"buy"'))],
    ["missing side", pc(ok.replace('"side":"BUY",', ""))],
    ["empty asset id", pc(ok.replace(A, ""))],
    ["non-ASCII in hash", pc(ok.replace("56621a12", "56621a12é"))],
    ["control character in a string", pc(ok.replace("56621a12", "5662\t1a12"))],
    ["form feed as whitespace", pc(ok).replace("{", "{\f")],
    ["NBSP as whitespace", pc(ok).replace("{", "{\u00a0")],
    ["trailing comma", pc(`${ok},`)],
    ["trailing bytes", `${pc(ok)}x`],
    ["two objects", `${pc(ok)}${pc(ok)}`],
    ["truncated", pc(ok).slice(0, 100)],
    ["nested object value", pc(ok.replace('"200"', '{"v":"200"}'))],
    ["unknown event type", pc(ok).replace('"price_change"}', '"tick_size_change"}')],
    ["no event_type and no shape", `{"market":"${M}","timestamp":"1"}`],
    ["empty object", "{}"],
    ["array with a scalar", `[${pc(ok)},1]`],
    ["BOM", `\ufeff${pc(ok)}`],
    ["lone surrogate", pc(ok.replace("56621a12", "56621a12\ud800"))],
  ];

  it.each(cases)("%s", (_name, text) => {
    expect(fastScanFrame(text)).toBeUndefined();
    expect(fastScanFrame(Buffer.from(text))).toBeUndefined();
    same(text);
  });

  it("valid edge shapes are taken: empty arrays, empty price_changes, 0 sizes, '.48', '1', seconds timestamps", () => {
    expect(same("[]")).toBe(true);
    expect(same(" [ ] ")).toBe(true);
    expect(same(pc(""))).toBe(true);
    expect(same(pc(ok.replace('"best_bid":"0.5"', '"best_bid":""')))).toBe(true);
    expect(same(pc(ok.replace('"200"', '"0"').replace('"0.5"', '".48"')))).toBe(true);
    expect(same(pc(ok.replace('"0.5"', '"1.0000000"')))).toBe(true);
    expect(same(pc(ok).replace('"1757908892351"', '"1757908892"'))).toBe(true);
    const d = decodeWsFrame(pc(ok).replace('"1757908892351"', '"1757908892"'));
    expect(d.events[0]?.kind === "price_change" && d.events[0].timestamp).toBe(1_757_908_892_000);
  });

  it("oversized frames are rejected before any scanning, for every input form", () => {
    same(pc(ok), 100);
    const d = decodeWsFrame(Buffer.from(pc(ok)), { maxFrameBytes: 100 });
    expect(d.errors[0]?.reason).toBe("oversized_frame");
  });

  it("views of detached or shared buffers decode identically (never a throw)", () => {
    const detached = new Uint8Array(new ArrayBuffer(16));
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    expect(detached.length).toBe(0);
    expect(decodeWsFrame(detached)).toStrictEqual(decodeWsFrameGeneric(detached));
    const text = pc(ok);
    const shared = new Uint8Array(new SharedArrayBuffer(text.length + 8));
    shared.set(Buffer.from(text), 4);
    const view = shared.subarray(4, 4 + text.length);
    expect(fastScanFrame(view)).toBeDefined();
    expect(decodeWsFrame(view)).toStrictEqual(decodeWsFrameGeneric(view));
  });

  it("text notices and scalars keep their generic handling", () => {
    for (const t of ["PONG", "NO NEW ASSETS", "", "   ", "null", "42", '"x"', "{", "[", "]"]) {
      expect(fastScanFrame(t)).toBeUndefined();
      same(t);
    }
  });

  it("string frames over 1 MiB go to the generic path (bounded scratch); the same bytes as a Buffer are scanned", () => {
    const levels = Array.from({ length: 20_000 }, (_, k) => ({ price: formatPrice((k % 9999) + 1), size: String(k) }));
    const text = JSON.stringify({ event_type: "book", market: M, asset_id: A, timestamp: "1", hash: "h", bids: levels, asks: levels });
    expect(text.length).toBeGreaterThan(1024 * 1024);
    expect(fastScanFrame(text)).toBeUndefined();
    expect(fastScanFrame(Buffer.from(text))).toBeDefined();
    for (const raw of [text, Buffer.from(text)]) {
      const fastStats = new DecoderStats();
      const genericStats = new DecoderStats();
      expect(decodeWsFrame(raw, { stats: fastStats })).toStrictEqual(decodeWsFrameGeneric(raw, { stats: genericStats }));
      expect(statsOf(fastStats)).toStrictEqual(statsOf(genericStats));
    }
  });

  it("a large string frame (beyond the initial scratch buffer) decodes identically", () => {
    const levels = Array.from({ length: 3000 }, (_, k) => ({ price: formatPrice((k % 9999) + 1), size: String(k) }));
    const book = { event_type: "book", market: M, asset_id: A, timestamp: "1", hash: "h", bids: levels, asks: levels };
    expect(same(JSON.stringify(book))).toBe(true);
  });
});

describe("fast path vs generic path: property tests", () => {
  it(
    "valid frames of each shape, any key order and whitespace: identical, and taken by the fast path",
    () => {
      for (const arb of [priceChangeCurrentArb, priceChangeLegacyChangesArb, priceChangeFlatArb, bookArb, bestBidAskArb, lastTradeArb]) {
        fc.assert(
          fc.property(arb, wsArb, (ev, ws) => {
            expect(same(serialize(ev, ws))).toBe(true);
          }),
          { numRuns: runs(120) },
        );
      }
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "arrays of events: identical, and taken by the fast path",
    () => {
      fc.assert(
        fc.property(fc.array(eventArb, { maxLength: 5 }), wsArb, (evs, ws) => {
          expect(same(serialize(evs, ws))).toBe(true);
        }),
        { numRuns: runs(150) },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "structural mutations (duplicate/unknown/dropped keys, numbers as numbers, odd values, escapes, non-ASCII)",
    () => {
      fc.assert(
        fc.property(frameArb, fc.array(fc.tuple(fc.nat(), mutationArb), { minLength: 1, maxLength: 3 }), wsArb, (frame, muts, ws) => {
          const copy: Json = clone(frame);
          const objects = objectsOf(copy);
          if (objects.length === 0) return;
          for (const [which, m] of muts) mutate(objects[which % objects.length]!, m);
          same(applyEscapes(serialize(copy, ws)));
        }),
        { numRuns: runs(600) },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "type inference without event_type, with known keys added where they do not belong",
    () => {
      const knownKey = mutationArb.filter((m) => m.kind === "known_key");
      fc.assert(
        fc.property(eventArb, fc.array(knownKey, { minLength: 1, maxLength: 3 }), (ev, adds) => {
          const copy = clone(ev);
          if (typeof copy !== "object" || copy === null || Array.isArray(copy)) return;
          copy.entries = copy.entries.filter(([k]) => k !== "event_type");
          for (const m of adds) if (m.kind === "known_key" && m.entry[0] !== "event_type") mutate(copy.entries, m);
          same(serialize(copy));
          same(serialize([copy, ev]));
        }),
        { numRuns: runs(400) },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "truncations",
    () => {
      fc.assert(
        fc.property(frameArb, wsArb, fc.nat(), (frame, ws, cut) => {
          const text = serialize(frame, ws);
          same(text.slice(0, cut % (text.length + 1)));
        }),
        { numRuns: runs(300) },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "byte flips and inserted bytes",
    () => {
      fc.assert(
        fc.property(
          frameArb,
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean()), { minLength: 1, maxLength: 6 }),
          (frame, edits) => {
            let bytes = Buffer.from(serialize(frame));
            for (const [pos, byte, insert] of edits) {
              const at = pos % (bytes.length + 1);
              if (insert || at === bytes.length) bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([byte]), bytes.subarray(at)]);
              else bytes[at] = byte;
            }
            // Buffer input straight (may be invalid UTF-8), and its decoded text.
            const fastStats = new DecoderStats();
            const genericStats = new DecoderStats();
            expect(decodeWsFrame(bytes, { stats: fastStats })).toStrictEqual(decodeWsFrameGeneric(bytes, { stats: genericStats }));
            expect(statsOf(fastStats)).toStrictEqual(statsOf(genericStats));
            same(bytes.toString("utf8"));
          },
        ),
        { numRuns: runs(400) },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "mutated key order inside events and levels never changes the result",
    () => {
      fc.assert(
        fc.property(frameArb, fc.nat(), (frame, seed) => {
          const copy = clone(frame);
          for (const entries of objectsOf(copy)) if (entries.length > 1) entries.push(entries.splice(seed % entries.length, 1)[0]!);
          expect(same(serialize(copy))).toBe(true);
        }),
        { numRuns: runs(200) },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "the fast path was exercised",
    () => {
      expect(fastHits).toBeGreaterThan(500);
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe("fast path: repeated ids", () => {
  const market = `0x${"ab".repeat(32)}`;
  const frame = (asset: string) =>
    Buffer.from(
      `{"event_type":"book","asset_id":"${asset}","market":"${market}","bids":[{"price":"0.4","size":"10"}],"asks":[{"price":"0.6","size":"5"}],"timestamp":"1757908892351","hash":"0x1"}`,
    );
  const assetOf = (raw: Buffer) => {
    const events = fastScanFrame(raw);
    const e = events?.[0];
    if (e?.kind !== "book") throw new Error("not decoded by the fast path");
    return { assetId: e.assetId, market: e.market };
  };

  it("an id seen again is handed out as the same string", () => {
    const id = "71321045679252212594626385532706912750332728571942532289631379312455583992563";
    const a = assetOf(frame(id));
    const b = assetOf(frame(id));
    expect(a.assetId).toBe(id);
    expect(b.assetId).toBe(a.assetId);
    expect(b.market).toEqual(market);
  });

  it("many more ids than cache slots, in random order, each decodes to its own text", () => {
    const u = (() => {
      let x = 12345;
      return () => {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        return x;
      };
    })();
    // Ids of one length that differ only in their last digits collide in slots far more than random ones.
    const ids = Array.from({ length: 10_000 }, (_, i) => `1234567890123456789012345678901234567890${String(i).padStart(37, "0")}`);
    for (let k = 0; k < 40_000; k++) {
      const expected = ids[u() % ids.length]!;
      const got = assetOf(frame(expected)).assetId;
      if (got !== expected) throw new Error(`decoded ${got} for ${expected}`);
    }
    // Short and long ids bypass the cache and still decode exactly.
    expect(assetOf(frame("1234567")).assetId).toBe("1234567");
    const long = "9".repeat(200);
    expect(assetOf(frame(long)).assetId).toBe(long);
  });
});
