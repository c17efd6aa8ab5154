/**
 * The compact binary event file (`.mmtape`) and the JSON-lines interchange form.
 *
 * Binary layout (little-endian): "MMTAPE01" (8 bytes) · u32 header length H · u32 event count N ·
 * H bytes of UTF-8 JSON header ({markets, symbols, source}) · zero padding to a multiple of 8 ·
 * columns back to back: time f64[N] · size f64[N] · aux f64[N] · price i32[N] · market u16[N] ·
 * kind u8[N] · side u8[N]. Decoding copies each column into an aligned typed array (one memcpy each),
 * so replays and sweeps never parse text again.
 *
 * JSON lines: one header line `{"markets":…, "symbols":…, "source":…}` then one event per line
 * `{"t":…, "k":"LEVEL", "m":0, "s":0, "p":4800, "q":25000000, "x":0}`. It is the human-editable
 * form (hand-built golden tapes) and the baseline of the replay bench.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { MarketInfo } from "@mm/types";
import { EVENT_KIND_NAMES, type EventKind, type Tape, TapeBuilder, type TapeMeta, validateTape } from "./tape.js";

const MAGIC = "MMTAPE01";
const MAX_HEADER = 64 * 1024 * 1024;

export class TapeFormatError extends Error {
  override readonly name = "TapeFormatError";
}

const MarketInfoSchema = z
  .object({
    conditionId: z.string().regex(/^0x[0-9a-f]{64}$/),
    question: z.string(),
    slug: z.string(),
    yes: z.object({ tokenId: z.string().regex(/^[0-9]{1,78}$/), label: z.string() }),
    no: z.object({ tokenId: z.string().regex(/^[0-9]{1,78}$/), label: z.string() }),
    tickSize: z.union([z.literal(1000), z.literal(100), z.literal(10), z.literal(1), z.literal(50), z.literal(25)]),
    minOrderSize: z.number().int().nonnegative(),
    negRisk: z.boolean(),
    endTime: z.number().optional(),
    startTime: z.number().optional(),
    active: z.boolean(),
    closed: z.boolean(),
    feeRateBps: z.number().optional(),
  })
  .passthrough();

const TapeMetaSchema = z.object({
  markets: z.array(MarketInfoSchema).max(65_535),
  symbols: z.array(z.string().min(1).max(64)).max(65_535),
  source: z.string().max(4096),
});

function parseMeta(json: unknown): TapeMeta {
  const r = TapeMetaSchema.safeParse(json);
  if (!r.success) throw new TapeFormatError(`tape header: ${r.error.issues[0]?.path.join(".")}: ${r.error.issues[0]?.message}`);
  return r.data as unknown as TapeMeta;
}

/** Validates a JSON list of `MarketInfo` (the recorder import's `--markets` file). */
export function parseMarketList(json: unknown): MarketInfo[] {
  const r = z.array(MarketInfoSchema).min(1).max(65_535).safeParse(json);
  if (!r.success) throw new TapeFormatError(`markets: ${r.error.issues[0]?.path.join(".")}: ${r.error.issues[0]?.message}`);
  return r.data as unknown as MarketInfo[];
}

const metaOf = (t: Tape): TapeMeta => ({ markets: t.markets, symbols: t.symbols, source: t.source });

export function encodeTape(t: Tape): Buffer {
  const header = Buffer.from(JSON.stringify(metaOf(t)), "utf8");
  const n = t.length;
  const headLen = 16 + header.length;
  const pad = (8 - (headLen % 8)) % 8;
  const total = headLen + pad + n * (8 + 8 + 8 + 4 + 2 + 1 + 1);
  const out = Buffer.alloc(total);
  out.write(MAGIC, 0, "latin1");
  out.writeUInt32LE(header.length, 8);
  out.writeUInt32LE(n, 12);
  header.copy(out, 16);
  let off = headLen + pad;
  for (const col of [t.time, t.size, t.aux, t.price, t.market, t.kind, t.side]) {
    const bytes = new Uint8Array(col.buffer, col.byteOffset, col.byteLength);
    out.set(bytes, off);
    off += col.byteLength;
  }
  return out;
}

export function decodeTape(buf: Uint8Array, options: { readonly validate?: boolean } = {}): Tape {
  if (buf.byteLength < 16 || Buffer.from(buf.buffer, buf.byteOffset, 8).toString("latin1") !== MAGIC)
    throw new TapeFormatError("not a tape file (bad magic)");
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const h = view.getUint32(8, true);
  const n = view.getUint32(12, true);
  if (h > MAX_HEADER || 16 + h > buf.byteLength) throw new TapeFormatError("tape header length out of range");
  const headLen = 16 + h;
  const pad = (8 - (headLen % 8)) % 8;
  const need = headLen + pad + n * 32;
  if (buf.byteLength !== need) throw new TapeFormatError(`tape size ${buf.byteLength} ≠ expected ${need} for ${n} events`);
  let meta: TapeMeta;
  try {
    meta = parseMeta(JSON.parse(Buffer.from(buf.buffer, buf.byteOffset + 16, h).toString("utf8")));
  } catch (e) {
    if (e instanceof TapeFormatError) throw e;
    throw new TapeFormatError(`tape header is not JSON: ${(e as Error).message}`);
  }
  // Columns are 8-byte aligned within the file; when the buffer itself is aligned (readFileSync of a
  // large file, encodeTape) they are used in place, otherwise copied once into aligned memory.
  const base = buf.byteOffset % 8 === 0 ? buf : new Uint8Array(buf);
  let off = base.byteOffset + headLen + pad;
  const take = (bytes: number): [ArrayBufferLike, number] => {
    const at = off;
    off += bytes;
    return [base.buffer, at];
  };
  const f64 = ([ab, at]: [ArrayBufferLike, number]) => new Float64Array(ab, at, n);
  const tape: Tape = {
    ...meta,
    length: n,
    time: f64(take(n * 8)),
    size: f64(take(n * 8)),
    aux: f64(take(n * 8)),
    price: ((x) => new Int32Array(x[0], x[1], n))(take(n * 4)),
    market: ((x) => new Uint16Array(x[0], x[1], n))(take(n * 2)),
    kind: ((x) => new Uint8Array(x[0], x[1], n))(take(n)),
    side: ((x) => new Uint8Array(x[0], x[1], n))(take(n)),
  };
  if (options.validate !== false) {
    const problems = validateTape(tape);
    if (problems.length > 0) throw new TapeFormatError(`invalid tape: ${problems.join("; ")}`);
  }
  return tape;
}

export function writeTapeFile(path: string, t: Tape): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, encodeTape(t));
  renameSync(tmp, path);
}

export function readTapeFile(path: string): Tape {
  return decodeTape(readFileSync(path));
}

// ---------------------------------------------------------------------------------------------
// JSON lines

const KIND_BY_NAME = new Map<string, EventKind>(EVENT_KIND_NAMES.map((k, i) => [k, i as EventKind]));

export function tapeToJsonLines(t: Tape): string {
  const lines = [JSON.stringify(metaOf(t))];
  for (let i = 0; i < t.length; i++) {
    lines.push(
      JSON.stringify({
        t: t.time[i],
        k: EVENT_KIND_NAMES[t.kind[i] as number],
        m: t.market[i],
        s: t.side[i],
        p: t.price[i],
        q: t.size[i],
        x: t.aux[i],
      }),
    );
  }
  return `${lines.join("\n")}\n`;
}

const EventLineSchema = z.object({
  t: z.number().finite(),
  k: z.string(),
  m: z.number().int().min(0).max(65_535),
  s: z.number().int().min(0).max(1).optional(),
  p: z.number().int().min(-1).max(10_000).optional(),
  q: z.number().finite().optional(),
  x: z.number().finite().optional(),
});

/** Parses JSON lines into a tape: every line validated, the first bad line is an error with its number. */
export function tapeFromJsonLines(text: string): Tape {
  const lines = text.split("\n");
  let first = 0;
  while (first < lines.length && (lines[first] as string).trim() === "") first++;
  if (first >= lines.length) throw new TapeFormatError("empty JSON-lines tape");
  let meta: TapeMeta;
  try {
    meta = parseMeta(JSON.parse(lines[first] as string));
  } catch (e) {
    if (e instanceof TapeFormatError) throw e;
    throw new TapeFormatError(`line ${first + 1}: header is not JSON`);
  }
  const b = new TapeBuilder(meta, lines.length);
  for (let i = first + 1; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === "") continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw new TapeFormatError(`line ${i + 1}: not JSON`);
    }
    const r = EventLineSchema.safeParse(raw);
    if (!r.success) throw new TapeFormatError(`line ${i + 1}: ${r.error.issues[0]?.path.join(".")}: ${r.error.issues[0]?.message}`);
    const e = r.data;
    const kind = KIND_BY_NAME.get(e.k);
    if (kind === undefined) throw new TapeFormatError(`line ${i + 1}: unknown event kind "${e.k}"`);
    try {
      b.push(e.t, kind, e.m, e.s ?? 0, e.p ?? 0, e.q ?? 0, e.x ?? 0);
    } catch (err) {
      throw new TapeFormatError(`line ${i + 1}: ${(err as Error).message}`);
    }
  }
  const tape = b.build();
  const problems = validateTape(tape);
  if (problems.length > 0) throw new TapeFormatError(`invalid tape: ${problems.join("; ")}`);
  return tape;
}

// ---------------------------------------------------------------------------------------------
// Cache

/**
 * Returns the tape for a raw input, decoding it at most once: the binary form is cached in
 * `cacheDir` under the SHA-256 of the raw bytes (plus a decoder version), so repeated runs and sweeps
 * read the binary file only. `decode` turns the raw bytes into a tape (JSON lines by default).
 */
export function loadTapeCached(
  rawPath: string,
  cacheDir: string,
  decode: (raw: Buffer) => Tape = (raw) => tapeFromJsonLines(raw.toString("utf8")),
  decoderVersion = "jsonl-1",
): { readonly tape: Tape; readonly cachePath: string; readonly hit: boolean } {
  const raw = readFileSync(rawPath);
  const key = createHash("sha256").update(decoderVersion).update("\0").update(raw).digest("hex").slice(0, 32);
  mkdirSync(cacheDir, { recursive: true });
  const cachePath = join(cacheDir, `${key}.mmtape`);
  if (existsSync(cachePath)) {
    try {
      return { tape: readTapeFile(cachePath), cachePath, hit: true };
    } catch {
      // A torn or foreign file under our name: rebuild it.
    }
  }
  const tape = decode(raw);
  writeTapeFile(cachePath, tape);
  return { tape, cachePath, hit: false };
}
