/**
 * API credentials, L2 HMAC verification (POLYMARKET.md §7.2: HMAC-SHA256 over
 * `timestamp + METHOD + path-without-query + raw body`, base64url with padding kept) and the
 * deterministic L1 derive/create of API keys (§7.1). Secrets never leave this module except in the
 * credential objects handed to their owner.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

export interface ApiCredentials {
  readonly apiKey: string;
  readonly secret: string;
  readonly passphrase: string;
  /** Checksummed signer address the key belongs to. */
  readonly address: string;
}

export const UNAUTHORIZED = "Unauthorized/Invalid api key";
export const INVALID_L1_HEADERS = "Invalid L1 Request headers";

/** base64url HMAC-SHA256 of `timestamp + method + path + body` with the base64(url)-decoded secret. */
export function l2Signature(secret: string, timestamp: string, method: string, path: string, body: string): string {
  const key = Buffer.from(secret.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  const mac = createHmac("sha256", key).update(`${timestamp}${method}${path}${body}`).digest("base64");
  return mac.replace(/\+/g, "-").replace(/\//g, "_");
}

const header = (h: IncomingHttpHeaders, name: string): string | undefined => {
  const v = h[name];
  return typeof v === "string" ? v : Array.isArray(v) ? v[0] : undefined;
};

/** Deterministic credentials of (address, nonce): a UUID key, a 32-byte base64url secret, a 64-hex passphrase. */
export function deriveCredentials(address: string, nonce: string, salt: string): ApiCredentials {
  const h = (tag: string): Buffer => createHash("sha256").update(`${salt}|${tag}|${address.toLowerCase()}|${nonce}`).digest();
  const k = h("key").toString("hex");
  const apiKey = `${k.slice(0, 8)}-${k.slice(8, 12)}-4${k.slice(13, 16)}-${((Number.parseInt(k[16] ?? "0", 16) & 3) | 8).toString(16)}${k.slice(17, 20)}-${k.slice(20, 32)}`;
  const secret = h("secret").toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
  const passphrase = h("passphrase").toString("hex");
  return { apiKey, secret, passphrase, address };
}

export type AuthResult = { readonly ok: true; readonly creds: ApiCredentials } | { readonly ok: false; readonly error: string };

/** Verifies an EIP-712 ClobAuth signature (L1); injected so the server can use @mm/protocol's implementation. */
export type L1Verifier = (input: { address: string; signature: string; timestamp: string; nonce: string }) => boolean;

export class CredentialStore {
  private readonly byKey = new Map<string, ApiCredentials>();
  /** (lower-case address|nonce) → key. */
  private readonly byAddressNonce = new Map<string, string>();
  private readonly addressOfOwner = new Map<string, string>();

  constructor(
    private readonly salt: string,
    /** Max |now − POLY_TIMESTAMP| in seconds (undocumented on the venue [L]); 0 disables the check. */
    readonly maxSkewSec: number,
  ) {}

  add(creds: ApiCredentials, nonce = "0"): void {
    this.byKey.set(creds.apiKey, creds);
    this.byAddressNonce.set(`${creds.address.toLowerCase()}|${nonce}`, creds.apiKey);
    this.addressOfOwner.set(creds.apiKey, creds.address);
  }

  get(apiKey: string): ApiCredentials | undefined {
    return this.byKey.get(apiKey);
  }

  /** Funder address shown for an owner; owners without credentials (simulated flow) get a stable pseudo address. */
  addressOf(owner: string): string {
    let a = this.addressOfOwner.get(owner);
    if (a === undefined) {
      a = `0x${createHash("sha256").update(`addr|${owner}`).digest("hex").slice(0, 40)}`;
      this.addressOfOwner.set(owner, a);
    }
    return a;
  }

  keysOf(address: string): string[] {
    const out: string[] = [];
    for (const c of this.byKey.values()) if (c.address.toLowerCase() === address.toLowerCase()) out.push(c.apiKey);
    return out;
  }

  remove(apiKey: string): boolean {
    const c = this.byKey.get(apiKey);
    if (c === undefined) return false;
    this.byKey.delete(apiKey);
    for (const [k, v] of this.byAddressNonce) if (v === apiKey) this.byAddressNonce.delete(k);
    return true;
  }

  /** `GET /auth/derive-api-key`: the existing set for (address, nonce), or undefined. */
  derive(address: string, nonce: string): ApiCredentials | undefined {
    const key = this.byAddressNonce.get(`${address.toLowerCase()}|${nonce}`);
    return key === undefined ? undefined : this.byKey.get(key);
  }

  /** `POST /auth/api-key`: creates the deterministic set; undefined when it already exists. */
  create(address: string, nonce: string): ApiCredentials | undefined {
    if (this.derive(address, nonce) !== undefined) return undefined;
    const creds = deriveCredentials(address, nonce, this.salt);
    this.add(creds, nonce);
    return creds;
  }

  /** Verifies L2 headers against the exact method, path (no query) and raw body. */
  verifyL2(headers: IncomingHttpHeaders, method: string, path: string, body: string, nowMs: number): AuthResult {
    const apiKey = header(headers, "poly_api_key");
    const passphrase = header(headers, "poly_passphrase");
    const signature = header(headers, "poly_signature");
    const timestamp = header(headers, "poly_timestamp");
    const address = header(headers, "poly_address");
    if (apiKey === undefined || passphrase === undefined || signature === undefined || timestamp === undefined || address === undefined) {
      return { ok: false, error: UNAUTHORIZED };
    }
    const creds = this.byKey.get(apiKey);
    if (creds === undefined || !safeEqual(creds.passphrase, passphrase)) return { ok: false, error: UNAUTHORIZED };
    if (address.toLowerCase() !== creds.address.toLowerCase()) return { ok: false, error: UNAUTHORIZED };
    if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, error: UNAUTHORIZED };
    if (this.maxSkewSec > 0 && Math.abs(nowMs / 1000 - Number(timestamp)) > this.maxSkewSec) return { ok: false, error: UNAUTHORIZED };
    const expected = l2Signature(creds.secret, timestamp, method, path, body);
    if (!safeEqual(expected, signature)) return { ok: false, error: UNAUTHORIZED };
    return { ok: true, creds };
  }

  /** L1 header check for the key endpoints. Returns the address and nonce on success. */
  verifyL1(
    headers: IncomingHttpHeaders,
    verifier: L1Verifier | undefined,
  ): { ok: true; address: string; nonce: string } | { ok: false; error: string } {
    const address = header(headers, "poly_address");
    const signature = header(headers, "poly_signature");
    const timestamp = header(headers, "poly_timestamp");
    const nonce = header(headers, "poly_nonce") ?? "0";
    if (address === undefined || signature === undefined || timestamp === undefined) return { ok: false, error: INVALID_L1_HEADERS };
    if (!/^0x[0-9a-fA-F]{40}$/.test(address) || !/^0x[0-9a-fA-F]{130}$/.test(signature) || !/^\d+$/.test(nonce)) {
      return { ok: false, error: INVALID_L1_HEADERS };
    }
    if (verifier !== undefined && !verifier({ address, signature, timestamp, nonce })) return { ok: false, error: INVALID_L1_HEADERS };
    return { ok: true, address, nonce };
  }

  /** User-channel auth: raw key, secret and passphrase (no HMAC on the WS). */
  checkWsAuth(apiKey: unknown, secret: unknown, passphrase: unknown): ApiCredentials | undefined {
    if (typeof apiKey !== "string" || typeof secret !== "string" || typeof passphrase !== "string") return undefined;
    const c = this.byKey.get(apiKey);
    if (c === undefined || !safeEqual(c.secret, secret) || !safeEqual(c.passphrase, passphrase)) return undefined;
    return c;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
