/** Record validation before anything reaches SQL: bad data is refused loudly, never coerced. */
import { isTickSize, parseConditionId, parseTokenId } from "@mm/types";
import { StorageError } from "../errors.js";

export function invalid(message: string): StorageError {
  return new StorageError("INVALID_RECORD", message);
}

export function checkConditionId(v: unknown, what: string): void {
  if (typeof v !== "string" || !parseConditionId(v).ok || v !== v.toLowerCase()) {
    throw invalid(`${what}: invalid condition id ${JSON.stringify(v)} (expected lowercase 0x + 64 hex)`);
  }
}

export function checkTokenId(v: unknown, what: string): void {
  if (typeof v !== "string" || !parseTokenId(v).ok) throw invalid(`${what}: invalid token id ${JSON.stringify(v)}`);
}

export function checkSafeInt(v: unknown, what: string, min = 0, max = Number.MAX_SAFE_INTEGER): void {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
    throw invalid(`${what}: expected an integer in [${min}, ${max}], got ${String(v)}`);
  }
}

export function checkOptionalSafeInt(v: unknown, what: string, min = 0): void {
  if (v !== undefined) checkSafeInt(v, what, min);
}

export function checkString(v: unknown, what: string, maxLength = 4096, allowEmpty = false): void {
  if (typeof v !== "string" || (!allowEmpty && v.length === 0) || v.length > maxLength) {
    throw invalid(`${what}: expected a ${allowEmpty ? "" : "non-empty "}string of at most ${maxLength} characters`);
  }
}

export function checkBoolean(v: unknown, what: string): void {
  if (typeof v !== "boolean") throw invalid(`${what}: expected a boolean, got ${String(v)}`);
}

export function checkTick(v: unknown, what: string): void {
  if (typeof v !== "number" || !isTickSize(v)) throw invalid(`${what}: ${String(v)} is not a supported tick size in price units`);
}

/** JSON text of `value`, or INVALID_RECORD when it cannot be represented faithfully. */
export function toJson(value: unknown, what: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw invalid(`${what}: not JSON-serializable (${e instanceof Error ? e.message : String(e)})`);
  }
  if (text === undefined) throw invalid(`${what}: not JSON-serializable`);
  return text;
}
