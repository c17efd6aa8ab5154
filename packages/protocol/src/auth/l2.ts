/**
 * L2 (API-key HMAC) authentication (POLYMARKET.md §7.2):
 *   sig = base64url(HMAC_SHA256(base64url_decode(secret), ts + METHOD + path + body)), '=' padding kept.
 * The path excludes the query string; the body is the exact byte string sent (compact JSON).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { signedPath } from "../paths.js";

export interface ApiCredentials {
  /** API key (UUID), sent as POLY_API_KEY and as `owner` in order bodies. */
  readonly key: string;
  /** base64 / base64url secret. Never log it. */
  readonly secret: string;
  readonly passphrase: string;
}

export interface L2Headers {
  readonly POLY_ADDRESS: string;
  readonly POLY_SIGNATURE: string;
  readonly POLY_TIMESTAMP: string;
  readonly POLY_API_KEY: string;
  readonly POLY_PASSPHRASE: string;
}

export const L2_HEADER_NAMES = ["POLY_ADDRESS", "POLY_SIGNATURE", "POLY_TIMESTAMP", "POLY_API_KEY", "POLY_PASSPHRASE"] as const;

/** Decodes a base64 or base64url secret the way the official clients do (non-alphabet characters dropped). */
export function decodeSecret(secret: string): Buffer {
  const b64 = secret
    .replace(/-/g, "+")
    .replace(/_/g, "/")
    .replace(/[^A-Za-z0-9+/=]/g, "");
  return Buffer.from(b64, "base64");
}

/**
 * The L2 signature over `timestamp + method + path + body`. `path` may include a query string; it is
 * stripped. `body` must be the exact string sent; pass undefined (or "") when there is none.
 */
export function signL2(secret: string, timestamp: string | number, method: string, path: string, body?: string): string {
  const message = `${timestamp}${method}${signedPath(path)}${body ?? ""}`;
  const digest = createHmac("sha256", decodeSecret(secret)).update(message, "utf8").digest("base64");
  return digest.replace(/\+/g, "-").replace(/\//g, "_");
}

export interface L2Request {
  /** HTTP method; the official clients send it uppercase and the venue signs what is sent. */
  readonly method: string;
  /** Request path, optionally with the query string (stripped before signing). */
  readonly path: string;
  /** Exact body bytes as a string (compact JSON), if any. */
  readonly body?: string;
}

/** Builds the five L2 headers. `timestampSeconds` is unix seconds (use the injected Clock). */
export function buildL2Headers(address: string, creds: ApiCredentials, request: L2Request, timestampSeconds: number): L2Headers {
  const ts = String(Math.floor(timestampSeconds));
  return {
    POLY_ADDRESS: address,
    POLY_SIGNATURE: signL2(creds.secret, ts, request.method, request.path, request.body),
    POLY_TIMESTAMP: ts,
    POLY_API_KEY: creds.key,
    POLY_PASSPHRASE: creds.passphrase,
  };
}

export type L2VerifyFailure =
  | "missing_header"
  | "unknown_api_key"
  | "bad_passphrase"
  | "bad_address"
  | "bad_timestamp"
  | "expired_timestamp"
  | "bad_signature";

export interface L2VerifyInput {
  /** Header lookup, case-insensitive on the caller's side (Node lower-cases incoming header names). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>> | L2Headers;
  readonly method: string;
  /** The request URL path (query string is stripped). */
  readonly path: string;
  /** The raw body exactly as received ("" when none). */
  readonly body: string;
  /** Server time, unix seconds. */
  readonly nowSeconds: number;
  /** Allowed |now − POLY_TIMESTAMP| in seconds (the venue's value is undocumented). */
  readonly maxSkewSeconds?: number;
  /** Credentials by API key, and the address the key belongs to. */
  readonly lookup: (apiKey: string) => { readonly creds: ApiCredentials; readonly address: string } | undefined;
}

function header(headers: L2VerifyInput["headers"], name: string): string | undefined {
  const h = headers as Readonly<Record<string, string | string[] | undefined>>;
  const v = h[name] ?? h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Server-side L2 check (used by the venue simulator): which API key sent this, or why it is refused. */
export function verifyL2(input: L2VerifyInput): { ok: true; apiKey: string; address: string } | { ok: false; reason: L2VerifyFailure } {
  const apiKey = header(input.headers, "POLY_API_KEY");
  const sig = header(input.headers, "POLY_SIGNATURE");
  const ts = header(input.headers, "POLY_TIMESTAMP");
  const pass = header(input.headers, "POLY_PASSPHRASE");
  const addr = header(input.headers, "POLY_ADDRESS");
  if (!apiKey || !sig || !ts || !pass || !addr) return { ok: false, reason: "missing_header" };
  const entry = input.lookup(apiKey);
  if (!entry) return { ok: false, reason: "unknown_api_key" };
  if (pass !== entry.creds.passphrase) return { ok: false, reason: "bad_passphrase" };
  if (addr.toLowerCase() !== entry.address.toLowerCase()) return { ok: false, reason: "bad_address" };
  if (!/^\d{1,12}$/.test(ts)) return { ok: false, reason: "bad_timestamp" };
  const skew = input.maxSkewSeconds ?? 30;
  if (Math.abs(input.nowSeconds - Number(ts)) > skew) return { ok: false, reason: "expired_timestamp" };
  const expected = Buffer.from(signL2(entry.creds.secret, ts, input.method, input.path, input.body));
  const got = Buffer.from(sig);
  if (expected.length !== got.length || !timingSafeEqual(expected, got)) return { ok: false, reason: "bad_signature" };
  return { ok: true, apiKey, address: entry.address };
}
