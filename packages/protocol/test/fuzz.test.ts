/** Property tests: nothing thrown out of the decoder, whatever arrives on the socket. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type DecodedFrame, DecoderStats, decodeUserTrade, decodeWsFrame } from "../src/index.js";
import { allFixtureFiles, readFixture } from "./fixtures.js";

const realFrames = allFixtureFiles()
  .filter((f) => f.includes("ws_") || f.includes("/ws_messages"))
  .map((f) => JSON.stringify(JSON.parse(readFixture(f))));

function wellFormed(d: DecodedFrame): void {
  expect(Array.isArray(d.events)).toBe(true);
  expect(Array.isArray(d.errors)).toBe(true);
  for (const e of d.errors) expect(typeof e.reason).toBe("string");
  for (const e of d.events) {
    if ("price" in e) expect(Number.isInteger(e.price) && e.price >= 0 && e.price <= 10_000).toBe(true);
    if (e.kind === "book") for (const l of [...e.bids, ...e.asks]) expect(Number.isSafeInteger(l.size)).toBe(true);
  }
}

const stats = new DecoderStats();
const decode = (raw: string | Uint8Array) => {
  const d = decodeWsFrame(raw, { stats });
  wellFormed(d);
  return d;
};

describe("decoder fuzz", () => {
  it("random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (b) => void decode(b)),
      { numRuns: 300 },
    );
  });

  it("random strings and JSON values", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => void decode(s)),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => void decode(JSON.stringify(v))),
      { numRuns: 300 },
    );
  });

  it("truncated real frames", () => {
    fc.assert(
      fc.property(fc.constantFrom(...realFrames), fc.nat(), (frame, cut) => void decode(frame.slice(0, cut % (frame.length + 1)))),
      { numRuns: 400 },
    );
  });

  it("byte-mutated real frames", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...realFrames),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        (frame, edits) => {
          const b = Buffer.from(frame);
          for (const [pos, byte] of edits) b[pos % b.length] = byte;
          decode(b);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("structurally mutated real frames (any field replaced by any JSON value)", () => {
    const fieldMutation = fc.tuple(fc.constantFrom(...realFrames), fc.nat(), fc.jsonValue({ maxDepth: 2 }));
    fc.assert(
      fc.property(fieldMutation, ([frame, which, value]) => {
        const obj = JSON.parse(frame) as Record<string, unknown>;
        const keys: [Record<string, unknown>, string][] = [];
        const walk = (o: unknown): void => {
          if (typeof o !== "object" || o === null) return;
          for (const k of Object.keys(o)) {
            keys.push([o as Record<string, unknown>, k]);
            walk((o as Record<string, unknown>)[k]);
          }
        };
        walk(obj);
        const target = keys[which % keys.length];
        if (target) target[0][target[1]] = value;
        decode(JSON.stringify(obj));
        decodeUserTrade(obj);
        decode(JSON.stringify([obj, obj]));
      }),
      { numRuns: 500 },
    );
  });
});
