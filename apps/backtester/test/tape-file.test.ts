import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  decodeTape,
  encodeTape,
  EventKind,
  loadTapeCached,
  tapeFromJsonLines,
  tapeToJsonLines,
  TapeFormatError,
  validateTape,
} from "../src/index.js";
import { generateSyntheticSession } from "../src/synthetic.js";
import { MARKET, SH, T0, tapeOf } from "./support/tapes.js";

const dir = mkdtempSync(join(tmpdir(), "bt-tape-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sameTape = (a: ReturnType<typeof tapeOf>, b: ReturnType<typeof tapeOf>) => {
  expect(b.length).toBe(a.length);
  expect(b.markets).toEqual(a.markets);
  expect(b.symbols).toEqual(a.symbols);
  for (const col of ["time", "kind", "market", "side", "price", "size", "aux"] as const)
    expect(Array.from(b[col])).toEqual(Array.from(a[col]));
};

describe("binary tape file", () => {
  const tape = generateSyntheticSession({ seed: 5, durationMs: 60_000 });

  it("round-trips every column exactly", () => {
    sameTape(tape, decodeTape(encodeTape(tape)));
  });

  it("is compact: 32 bytes per event plus the header", () => {
    const buf = encodeTape(tape);
    expect(buf.length).toBeLessThan(tape.length * 32 + 4096);
  });

  it("refuses truncated, foreign and corrupted files with a typed error", () => {
    const buf = encodeTape(tape);
    expect(() => decodeTape(buf.subarray(0, buf.length - 3))).toThrow(TapeFormatError);
    expect(() => decodeTape(Buffer.from("not a tape at all, just text"))).toThrow(TapeFormatError);
    const bad = Buffer.from(buf);
    bad.writeUInt32LE(0xffffffff, 8); // header length
    expect(() => decodeTape(bad)).toThrow(TapeFormatError);
    // A price column value outside (0, 1) is caught by validation.
    const t = tapeOf((b) => b.push(T0, EventKind.LEVEL, 0, 0, 4800, 10 * SH));
    const enc = encodeTape({ ...t, price: Int32Array.from([20_000]) });
    expect(() => decodeTape(enc)).toThrow(/price/);
  });
});

describe("JSON lines", () => {
  it("round-trips through text", () => {
    const tape = generateSyntheticSession({ seed: 6, durationMs: 30_000 });
    sameTape(tape, tapeFromJsonLines(tapeToJsonLines(tape)));
  });

  it("names the first bad line", () => {
    const head = JSON.stringify({ markets: [MARKET], symbols: [], source: "x" });
    expect(() => tapeFromJsonLines(`${head}\n{"t":1,"k":"LEVEL","m":0,"s":0,"p":4800,"q":1}\n{"t":2,"k":"NOPE","m":0}\n`)).toThrow(
      /line 3/,
    );
    expect(() =>
      tapeFromJsonLines(`${head}\n{"t":5,"k":"LEVEL","m":0,"p":4800,"q":1}\n{"t":4,"k":"LEVEL","m":0,"p":4800,"q":1}\n`),
    ).toThrow(/line 3.*ordered/);
    expect(() => tapeFromJsonLines(`${head}\n{"t":5,"k":"LEVEL","m":3,"p":4800,"q":1}\n`)).toThrow(/market index/);
    expect(() => tapeFromJsonLines(`{"markets":[{"conditionId":"nope"}],"symbols":[],"source":""}\n`)).toThrow(TapeFormatError);
  });

  it("validateTape accepts what the builder makes", () => {
    expect(validateTape(generateSyntheticSession({ seed: 8, durationMs: 10_000 }))).toEqual([]);
  });
});

describe("cache", () => {
  it("decodes a raw input once; later loads read the binary file", () => {
    const raw = join(dir, "session.jsonl");
    writeFileSync(raw, tapeToJsonLines(generateSyntheticSession({ seed: 9, durationMs: 20_000 })));
    let decodes = 0;
    const decode = (b: Buffer) => {
      decodes++;
      return tapeFromJsonLines(b.toString("utf8"));
    };
    const first = loadTapeCached(raw, join(dir, "cache"), decode);
    const second = loadTapeCached(raw, join(dir, "cache"), decode);
    expect(first.hit).toBe(false);
    expect(second.hit).toBe(true);
    expect(decodes).toBe(1);
    expect(second.cachePath).toBe(first.cachePath);
    sameTape(first.tape, second.tape);
    // A changed input gets a new cache entry.
    writeFileSync(raw, `${readFileSync(raw, "utf8")}\n`);
    expect(loadTapeCached(raw, join(dir, "cache"), decode).hit).toBe(false);
  });
});
