/**
 * Public-key recovery (the verifier's last step, and the simulator's for every order): the native
 * libsecp256k1 path and the pure-JS noble path accept and reject exactly the same signatures.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesToHex } from "../src/crypto/address.js";
import { cryptoBackends, PrivateKeySigner } from "../src/index.js";
import { recoverPublicKey, signDigest, publicKeyOf } from "../src/crypto/secp256k1.js";

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const be32 = (v: bigint): Uint8Array => Uint8Array.from(Buffer.from(v.toString(16).padStart(64, "0"), "hex"));
const num = (b: Uint8Array): bigint => BigInt(bytesToHex(b));
const show = (k: Uint8Array | undefined) => (k === undefined ? "none" : bytesToHex(k));

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const secret = bytes32.filter((k) => num(k) > 0n && num(k) < N);

function both(digest: Uint8Array, sig: Uint8Array): [string, string] {
  return [show(recoverPublicKey(digest, sig, "native")), show(recoverPublicKey(digest, sig, "noble"))];
}

describe.runIf(cryptoBackends().secp256k1 === "native")("recoverPublicKey: native = noble", () => {
  it("valid signatures recover the signing key on both backends", () => {
    fc.assert(
      fc.property(bytes32, secret, (digest, key) => {
        const sig = signDigest(digest, key, "noble");
        const [a, b] = both(digest, sig);
        expect(a).toBe(bytesToHex(publicKeyOf(key)));
        expect(b).toBe(a);
      }),
      { numRuns: 200 },
    );
  });

  it("tampered, high-s, out-of-range and zero components: same answer (a key or none)", () => {
    fc.assert(
      fc.property(
        bytes32,
        secret,
        fc.nat({ max: 64 }),
        fc.integer({ min: 1, max: 255 }),
        fc.constantFrom("flip", "high-s", "r=0", "s=0", "r>=n", "s>=n", "v=29", "v=0"),
        (digest, key, at, x, kind) => {
          const sig = signDigest(digest, key, "noble");
          const t = Uint8Array.from(sig);
          switch (kind) {
            case "flip":
              t[at] = t[at]! ^ x;
              break;
            case "high-s":
              t.set(be32(N - num(sig.subarray(32, 64))), 32);
              t[64] = sig[64] === 27 ? 28 : 27;
              break;
            case "r=0":
              t.fill(0, 0, 32);
              break;
            case "s=0":
              t.fill(0, 32, 64);
              break;
            case "r>=n":
              t.set(be32(N + BigInt(x)), 0);
              break;
            case "s>=n":
              t.set(be32(N + BigInt(x)), 32);
              break;
            case "v=29":
              t[64] = 29;
              break;
            case "v=0":
              t[64] = sig[64]! - 27; // raw recovery ids are accepted too
              break;
          }
          const [a, b] = both(digest, t);
          expect(a).toBe(b);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("wrong lengths recover nothing", () => {
    const key = PrivateKeySigner.fromHex(`0x${"11".repeat(32)}`);
    const sig = key.signDigestBytes(new Uint8Array(32));
    for (const backend of ["native", "noble"] as const) {
      expect(recoverPublicKey(new Uint8Array(32), sig.subarray(0, 64), backend)).toBeUndefined();
      expect(recoverPublicKey(new Uint8Array(31), sig, backend)).toBeUndefined();
    }
  });
});
