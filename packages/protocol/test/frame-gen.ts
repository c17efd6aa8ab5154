/**
 * fast-check generators of valid market-channel frames (the hot shapes of POLYMARKET.md §2) and of
 * their mutations, for the fast-path vs generic-path differential tests.
 */
import { formatPrice, formatSize } from "@mm/types";
import fc from "fast-check";

/** An object as ordered entries (so key order and duplicates are under the generator's control). */
export type Entries = [string, Json][];
export type Json = string | number | boolean | null | Json[] | { entries: Entries };

const HEX = "0123456789abcdef".split("");
const DIGITS = "0123456789".split("");

const hexString = (n: number) => fc.array(fc.constantFrom(...HEX), { minLength: n, maxLength: n }).map((a) => a.join(""));
export const marketArb = hexString(64).map((h) => `0x${h}`);
export const assetArb = fc
  .tuple(fc.constantFrom(...DIGITS.slice(1)), fc.array(fc.constantFrom(...DIGITS), { minLength: 0, maxLength: 77 }))
  .map(([d, rest]) => d + rest.join(""));
export const hashArb = fc.oneof(
  hexString(40),
  hexString(40).map((h) => `0x${h}`),
  fc.constant("0xhash001"),
);
export const timestampArb = fc.oneof(
  fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }).map(String),
  fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }).map(String), // seconds
);

/** Grid prices in units, written the way the wire (and docs) write them. */
const TICKS = [1000, 100, 10, 1, 50, 25];
export const priceArb = fc.tuple(fc.constantFrom(...TICKS), fc.nat(10_000), fc.nat(9)).map(([tick, n, style]) => {
  const units = Math.min(10_000, Math.floor(n / tick) * tick);
  const text = formatPrice(units);
  if (style === 0 && text.startsWith("0.")) return text.slice(1); // ".48"
  if (style === 1 && text.includes(".") && text.length < 6) return `${text}0`; // "0.50"
  if (style === 2 && !text.includes(".")) return `${text}.0`; // "1.0"
  return text;
});

/** Sizes in micro-shares (0 = level removed), as "150", "150.0", "219.217767", "21574.08". */
export const sizeArb = fc
  .tuple(
    fc.oneof(fc.constant(0), fc.nat(10_000_000_000), fc.integer({ min: 0, max: 9_000_000_000_000_000 })),
    fc.constantFrom(1, 10_000, 1_000_000),
    fc.nat(4),
  )
  .map(([n, unit, style]) => {
    const text = formatSize(Math.floor(n / unit) * unit);
    if (style === 0 && !text.includes(".")) return `${text}.0`;
    if (style === 1 && text.includes(".") && text.length - text.indexOf(".") < 7) return `${text}0`;
    return text;
  });

export const sideArb = fc.constantFrom("BUY", "SELL");

const obj = (entries: Entries): Json => ({ entries });

/** Optional entries are dropped with some probability; the order of the kept ones is shuffled. */
function shaped(required: Entries, optional: Entries, typeEntry: [string, Json] | undefined) {
  return fc
    .tuple(fc.array(fc.boolean(), { minLength: optional.length, maxLength: optional.length }), fc.boolean(), fc.nat())
    .chain(([keep, withType, seed]) => {
      const entries: Entries = [...required, ...optional.filter((_, k) => keep[k])];
      if (typeEntry !== undefined && (withType || seed % 5 !== 0)) entries.push(typeEntry);
      return fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length });
    })
    .map(obj);
}

const levelArb = fc.tuple(priceArb, sizeArb).chain(([price, size]) =>
  fc.boolean().map(
    (swap): Json =>
      obj(
        swap
          ? [
              ["size", size],
              ["price", price],
            ]
          : [
              ["price", price],
              ["size", size],
            ],
      ),
  ),
);

/** Level lists: wire order (worst-first), best-first, or shuffled. */
const levelsArb = fc.array(levelArb, { maxLength: 60 });

export const bookArb = fc
  .tuple(marketArb, assetArb, timestampArb, hashArb, levelsArb, levelsArb)
  .chain(([market, asset, ts, hash, bids, asks]) =>
    shaped(
      [
        ["market", market],
        ["asset_id", asset],
        ["timestamp", ts],
        ["bids", bids],
        ["asks", asks],
      ],
      [["hash", hash]],
      ["event_type", "book"],
    ),
  );

const bboArb = fc.oneof(priceArb, fc.constant(""));

const currentChangeArb = fc
  .tuple(assetArb, priceArb, sizeArb, sideArb, hashArb, bboArb, bboArb)
  .chain(([asset, price, size, side, hash, bb, ba]) =>
    shaped(
      [
        ["asset_id", asset],
        ["price", price],
        ["size", size],
        ["side", side],
      ],
      [
        ["hash", hash],
        ["best_bid", bb],
        ["best_ask", ba],
      ],
      undefined,
    ),
  );

export const priceChangeCurrentArb = fc
  .tuple(marketArb, timestampArb, fc.array(currentChangeArb, { maxLength: 12 }))
  .chain(([market, ts, changes]) =>
    shaped(
      [
        ["market", market],
        ["timestamp", ts],
        ["price_changes", changes],
      ],
      [],
      ["event_type", "price_change"],
    ),
  );

const legacyChangeArb = fc.tuple(priceArb, sizeArb, sideArb).chain(([price, size, side]) =>
  shaped(
    [
      ["price", price],
      ["size", size],
      ["side", side],
    ],
    [],
    undefined,
  ),
);

export const priceChangeLegacyChangesArb = fc
  .tuple(marketArb, assetArb, timestampArb, hashArb, fc.array(legacyChangeArb, { maxLength: 12 }))
  .chain(([market, asset, ts, hash, changes]) =>
    shaped(
      [
        ["market", market],
        ["asset_id", asset],
        ["timestamp", ts],
        ["changes", changes],
      ],
      [["hash", hash]],
      ["event_type", "price_change"],
    ),
  );

export const priceChangeFlatArb = fc
  .tuple(marketArb, assetArb, timestampArb, hashArb, priceArb, sizeArb, sideArb)
  .chain(([market, asset, ts, hash, price, size, side]) =>
    shaped(
      [
        ["market", market],
        ["asset_id", asset],
        ["timestamp", ts],
        ["price", price],
        ["size", size],
        ["side", side],
        // Without event_type, `hash` is what makes the generic path infer price_change.
        ["hash", hash],
      ],
      [],
      ["event_type", "price_change"],
    ),
  );

export const bestBidAskArb = fc
  .tuple(marketArb, assetArb, timestampArb, priceArb, priceArb, priceArb)
  .chain(([market, asset, ts, bb, ba, spread]) =>
    shaped(
      [
        ["market", market],
        ["asset_id", asset],
        ["timestamp", ts],
        ["best_bid", bb],
        ["best_ask", ba],
      ],
      [["spread", spread]],
      ["event_type", "best_bid_ask"],
    ),
  );

export const lastTradeArb = fc
  .tuple(
    marketArb,
    assetArb,
    timestampArb,
    priceArb,
    sizeArb,
    fc.constantFrom("BUY", "SELL", "buy", ""),
    fc.constantFrom("0", "", "100", "1000000000000000", "x1"),
  )
  .chain(([market, asset, ts, price, size, side, fee]) =>
    shaped(
      [
        ["market", market],
        ["asset_id", asset],
        ["timestamp", ts],
        ["price", price],
        ["size", size],
        ["side", side],
        // Without event_type, `fee_rate_bps` is what makes the generic path infer last_trade_price.
        ["fee_rate_bps", fee],
      ],
      [],
      ["event_type", "last_trade_price"],
    ),
  );

export const eventArb = fc.oneof(
  { arbitrary: priceChangeCurrentArb, weight: 4 },
  { arbitrary: priceChangeLegacyChangesArb, weight: 1 },
  { arbitrary: priceChangeFlatArb, weight: 1 },
  { arbitrary: bookArb, weight: 2 },
  { arbitrary: bestBidAskArb, weight: 1 },
  { arbitrary: lastTradeArb, weight: 1 },
);

/** A frame: one event object or an array of events. */
export const frameArb: fc.Arbitrary<Json> = fc.oneof(
  { arbitrary: eventArb, weight: 3 },
  { arbitrary: fc.array(eventArb, { maxLength: 4 }), weight: 1 },
);

/** JSON whitespace runs used between tokens (cycled). */
export const wsArb = fc.array(fc.constantFrom("", "", "", " ", "\n", "\t", "\r\n", "  "), { minLength: 1, maxLength: 16 });

/** Serializes with the given whitespace between tokens. Same text as JSON.stringify when `ws` is [""]. */
export function serialize(v: Json, ws: readonly string[] = [""]): string {
  let k = 0;
  const w = () => ws[k++ % ws.length]!;
  const out: string[] = [];
  const emit = (x: Json): void => {
    if (typeof x === "string" || typeof x === "number" || typeof x === "boolean" || x === null) {
      out.push(JSON.stringify(x));
    } else if (Array.isArray(x)) {
      out.push("[", w());
      x.forEach((e, i) => {
        if (i > 0) out.push(w(), ",", w());
        emit(e);
      });
      out.push(w(), "]");
    } else {
      out.push("{", w());
      x.entries.forEach(([key, val], i) => {
        if (i > 0) out.push(w(), ",", w());
        out.push(JSON.stringify(key), w(), ":", w());
        emit(val);
      });
      out.push(w(), "}");
    }
  };
  out.push(w());
  emit(v);
  out.push(w());
  return out.join("");
}

/** Every object in the value (frames, events, entries, levels). */
export function objectsOf(v: Json, acc: Entries[] = []): Entries[] {
  if (Array.isArray(v)) for (const e of v) objectsOf(e, acc);
  else if (typeof v === "object" && v !== null) {
    acc.push(v.entries);
    for (const [, e] of v.entries) objectsOf(e, acc);
  }
  return acc;
}

/** Deep copy (mutations edit the copy). */
export function clone(v: Json): Json {
  if (Array.isArray(v)) return v.map(clone);
  if (typeof v === "object" && v !== null) return { entries: v.entries.map(([k, e]) => [k, clone(e)]) };
  return v;
}

/** Structural mutations applied to one object of a valid frame (the generic path decides what they mean). */
export type Mutation =
  | { kind: "duplicate_key"; which: number }
  | { kind: "drop_key"; which: number }
  | { kind: "unknown_key"; value: Json }
  | { kind: "known_key"; at: number; entry: [string, Json] }
  | { kind: "number_value"; which: number }
  | { kind: "replace_value"; which: number; value: Json }
  | { kind: "escape_in_string"; which: number; at: number }
  | { kind: "escape_in_key"; which: number }
  | { kind: "non_ascii"; which: number; char: string };

const oddStringArb = fc.constantFrom(
  "",
  "-0.5",
  "1.5",
  "0.12345",
  "0.5000",
  "NaN",
  "1e-2",
  " 0.5",
  "0x10",
  "BUY",
  "SELL",
  "sell",
  "99999999999999999999",
  "1757908892351",
  "2025-09-15T23:00:00Z",
  "book",
  "price_change",
  "tick_size_change",
  "unknown_type",
);

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("duplicate_key" as const), which: fc.nat() }),
  fc.record({ kind: fc.constant("drop_key" as const), which: fc.nat() }),
  fc.record({
    kind: fc.constant("unknown_key" as const),
    value: fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.constant(null), fc.constant<Json>([])),
  }),
  // A key the decoders know, added where it does not belong (changes type inference when event_type is dropped).
  fc.record({
    kind: fc.constant("known_key" as const),
    at: fc.nat(),
    entry: fc.constantFrom<[string, Json]>(
      ["event_type", "book"],
      ["event_type", "price_change"],
      ["event_type", "best_bid_ask"],
      ["event_type", "last_trade_price"],
      ["market", "0x5f65"],
      ["asset_id", "123"],
      ["timestamp", "1757908892351"],
      ["hash", "abc"],
      ["hash", ""],
      ["price", "0.5"],
      ["size", "10"],
      ["side", "BUY"],
      ["side", "SELL"],
      ["best_bid", "0.4"],
      ["best_ask", "0.6"],
      ["fee_rate_bps", "0"],
      ["spread", "0.2"],
      ["bids", []],
      ["asks", []],
      ["changes", []],
      ["price_changes", []],
    ),
  }),
  fc.record({ kind: fc.constant("number_value" as const), which: fc.nat() }),
  fc.record({
    kind: fc.constant("replace_value" as const),
    which: fc.nat(),
    value: fc.oneof(
      oddStringArb,
      fc.double().map((d) => (Number.isFinite(d) ? d : 0)),
      fc.constant(null),
      fc.boolean(),
      fc.constant<Json>([]),
      fc.constant<Json>({ entries: [] }),
    ),
  }),
  fc.record({ kind: fc.constant("escape_in_string" as const), which: fc.nat(), at: fc.nat() }),
  fc.record({ kind: fc.constant("escape_in_key" as const), which: fc.nat() }),
  fc.record({ kind: fc.constant("non_ascii" as const), which: fc.nat(), char: fc.constantFrom("é", "€", "\u0000", "\u007f", "😀") }),
);

/**
 * Applies a mutation to `entries` in place. Returns the marker to splice into the serialized text
 * for escape mutations (JSON.stringify cannot produce a gratuitous `\u00XX` escape).
 */
export function mutate(entries: Entries, m: Mutation): void {
  if (entries.length === 0) {
    entries.push(["price", "0.5"]);
    return;
  }
  const i = "which" in m ? m.which % entries.length : 0;
  const entry = entries[i]!;
  switch (m.kind) {
    case "duplicate_key":
      entries.push([entry[0], clone(entry[1])]);
      break;
    case "drop_key":
      entries.splice(i, 1);
      break;
    case "unknown_key":
      entries.splice(i, 0, ["unknown_field", m.value]);
      break;
    case "known_key":
      entries.splice(m.at % (entries.length + 1), 0, [m.entry[0], clone(m.entry[1])]);
      break;
    case "number_value":
      if (typeof entry[1] === "string" && entry[1] !== "" && Number.isFinite(Number(entry[1]))) entry[1] = Number(entry[1]);
      else entry[1] = 0.5;
      break;
    case "replace_value":
      entry[1] = m.value;
      break;
    case "escape_in_string":
      if (typeof entry[1] !== "string" || entry[1].length === 0) entry[1] = `${ESC}0${ESC}x`;
      else if (!entry[1].includes(ESC)) entry[1] = `${ESC}${m.at % entry[1].length}${ESC}${entry[1]}`;
      break;
    case "escape_in_key":
      if (!entry[0].includes(ESC)) entry[0] = `${ESC}0${ESC}${entry[0]}`;
      break;
    case "non_ascii":
      if (typeof entry[1] === "string") entry[1] = `${entry[1]}${m.char}`;
      else entry[0] = `${entry[0]}${m.char}`;
      break;
  }
}

/** Marker for "write the character at this index as a \\u escape" (resolved by `applyEscapes`). */
const ESC = "\u0001ESC\u0001";

/**
 * Resolves escape markers in serialized text: `"<ESC>k<ESC>text"` becomes `"text"` with its k-th
 * character written as `\u00XX` (same string value for JSON.parse, not for the byte scanner).
 */
export function applyEscapes(text: string): string {
  const marker = JSON.stringify(ESC).slice(1, -1);
  let out = text;
  for (;;) {
    const a = out.indexOf(marker);
    if (a < 0) return out;
    const b = out.indexOf(marker, a + marker.length);
    if (b < 0) return out.slice(0, a) + out.slice(a + marker.length);
    const k = Number(out.slice(a + marker.length, b));
    const rest = out.slice(b + marker.length);
    const c = rest.charCodeAt(k);
    const escaped = Number.isNaN(c) ? rest : `${rest.slice(0, k)}\\u${c.toString(16).padStart(4, "0")}${rest.slice(k + 1)}`;
    out = out.slice(0, a) + escaped;
  }
}
