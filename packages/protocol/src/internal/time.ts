/**
 * Timestamp normalization: the venue mixes milliseconds and seconds (POLYMARKET.md §1, GOTCHAS 36)
 * and synthetic payloads use ISO text. Everything becomes epoch milliseconds.
 */

/** Values below this are taken as seconds (1e11 ms is 1973; 1e11 s is year 5138). */
export const SECONDS_THRESHOLD = 1e11;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:$|[T ]\d{2}:\d{2})/;

/** Digit string / number (seconds or ms) / ISO-8601 text → epoch ms; undefined when absent, empty or invalid. */
export function toEpochMs(value: unknown): number | undefined {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) return undefined;
    return value < SECONDS_THRESHOLD ? Math.round(value * 1000) : Math.round(value);
  }
  if (typeof value !== "string") return undefined;
  const len = value.length;
  if (len === 0) return undefined;
  let n = 0;
  let i = 0;
  for (; i < len; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
  }
  if (i === len) {
    if (len > 16) return undefined;
    return n < SECONDS_THRESHOLD ? n * 1000 : n;
  }
  // Not all digits: only ISO-8601-looking text ("2024-01-01T00:00:00Z", "2026-05-09 02:07:01+00");
  // V8's lenient Date.parse would otherwise turn garbage such as "1.5" into a date.
  if (len > 40 || !ISO_DATE.test(value)) return undefined;
  let t = Date.parse(value);
  if (Number.isNaN(t)) t = Date.parse(value.replace(" ", "T").replace(/([+-]\d\d)$/, "$1:00"));
  return Number.isNaN(t) ? undefined : t;
}
