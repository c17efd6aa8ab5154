/**
 * secp256k1 ECDSA for Ethereum signatures (65 bytes r‖s‖v, v = 27 + recovery id, low-S,
 * deterministic RFC 6979 nonces — so every backend yields byte-identical signatures).
 *
 * Backends: the native libsecp256k1 binding of the `secp256k1` package when its shipped prebuild
 * loads (~5× faster than JS on this machine), else `@noble/curves` (pure JS, audited). We load only
 * the native binding (`secp256k1/bindings`), never the package's `elliptic` fallback.
 */
import { createRequire } from "node:module";
import { secp256k1 as noble } from "@noble/curves/secp256k1.js";

interface NativeSecp256k1 {
  ecdsaSign(msg32: Uint8Array, seckey: Uint8Array): { signature: Uint8Array; recid: number };
  /** Throws on an unparsable signature or a failed recovery. */
  ecdsaRecover(sig64: Uint8Array, recid: number, msg32: Uint8Array, compressed: false): Uint8Array;
}

let native: NativeSecp256k1 | undefined;
let nativeTried = false;

function loadNative(): NativeSecp256k1 | undefined {
  if (nativeTried) return native;
  nativeTried = true;
  if (process.env.MM_PROTOCOL_PURE_JS_CRYPTO === "1") return undefined;
  try {
    const require = createRequire(import.meta.url);
    native = require("secp256k1/bindings") as NativeSecp256k1;
  } catch {
    native = undefined;
  }
  return native;
}

export type SignerBackend = "native" | "noble";

export function signerBackend(): SignerBackend {
  return loadNative() !== undefined ? "native" : "noble";
}

/** Signs a 32-byte digest. Returns 65 bytes r‖s‖v. */
export function signDigest(digest: Uint8Array, privateKey: Uint8Array, backend: SignerBackend = signerBackend()): Uint8Array {
  const out = new Uint8Array(65);
  const n = backend === "native" ? loadNative() : undefined;
  if (n !== undefined) {
    const { signature, recid } = n.ecdsaSign(digest, privateKey);
    out.set(signature, 0);
    out[64] = 27 + recid;
    return out;
  }
  const rec = noble.sign(digest, privateKey, { prehash: false, format: "recovered", lowS: true });
  // noble's recovered format is recid‖r‖s.
  out.set(rec.subarray(1, 65), 0);
  out[64] = 27 + rec[0]!;
  return out;
}

/** Uncompressed public key (65 bytes, 0x04 prefix) of a private key. */
export function publicKeyOf(privateKey: Uint8Array): Uint8Array {
  return noble.getPublicKey(privateKey, false);
}

/**
 * Recovers the uncompressed public key from a 65-byte r‖s‖v signature; undefined when invalid.
 * Native libsecp256k1 when loaded (the simulator verifies every order: ~20× faster), else noble;
 * both accept and reject the same signatures (differential test).
 */
export function recoverPublicKey(
  digest: Uint8Array,
  signature: Uint8Array,
  backend: SignerBackend = signerBackend(),
): Uint8Array | undefined {
  if (signature.length !== 65 || digest.length !== 32) return undefined;
  const v = signature[64]!;
  const recid = v >= 27 ? v - 27 : v;
  if (recid !== 0 && recid !== 1) return undefined;
  const n = backend === "native" ? loadNative() : undefined;
  if (n !== undefined) {
    try {
      return n.ecdsaRecover(signature.subarray(0, 64), recid, digest, false);
    } catch {
      return undefined;
    }
  }
  try {
    const rec = new Uint8Array(65);
    rec[0] = recid;
    rec.set(signature.subarray(0, 64), 1);
    const sig = noble.Signature.fromBytes(rec, "recovered");
    return sig.recoverPublicKey(digest).toBytes(false);
  } catch {
    return undefined;
  }
}

export function isValidPrivateKey(key: Uint8Array): boolean {
  return noble.utils.isValidSecretKey(key);
}
