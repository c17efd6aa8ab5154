/**
 * Building blocks of the wire schemas. Schemas validate shape and the lexical form of the venue's
 * string-encoded numbers; they never coerce (no transforms), so a schema's input type is the wire
 * type the simulator emits and the decoders read.
 */
import { z } from "zod";

/** A plain non-negative decimal string as the CLOB sends it: "0.5", "21574.08", ".48", "500.0". */
export const DecimalString = z.string().regex(/^(?:\d+(?:\.\d+)?|\.\d+)$/, "expected a decimal string");
/** Unix time as a string of digits (ms on the market channel, seconds in most user-channel fields). */
export const DigitsString = z.string().regex(/^\d+$/, "expected a string of digits");
/** ERC-1155 position id as a decimal string (up to 78 digits). */
export const TokenIdString = z.string().regex(/^\d{1,78}$/, "expected a decimal token id");
/** `0x` + hex; the venue's ids (condition ids, order ids, tx hashes). Length not enforced here: ids are opaque on the wire. */
export const HexString = z.string().regex(/^0x[0-9a-fA-F]*$/, "expected 0x-prefixed hex");
export const AddressString = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 20-byte 0x address");
export const WireSide = z.enum(["BUY", "SELL"]);
export type WireSide = z.infer<typeof WireSide>;
/** A number that some endpoints send as a JSON number and others (or older versions) as a string. */
export const NumberOrString = z.union([z.number(), z.string()]);

export const WireBookLevelSchema = z.object({ price: DecimalString, size: DecimalString });
export type WireBookLevel = z.infer<typeof WireBookLevelSchema>;

/** Cursor paging of CLOB REST lists: `next_cursor == "LTE="` (base64 "-1") means there is no next page. */
export const END_CURSOR = "LTE=";
/** The first-page cursor (base64 "0"); an empty cursor also means the first page. */
export const START_CURSOR = "MA==";

export const wirePage = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    next_cursor: z.string(),
    limit: z.number().optional(),
    count: z.number().optional(),
  });
