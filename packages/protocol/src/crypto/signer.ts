/**
 * A private-key holder for EIP-712 signing. The key lives in a private field; the object prints
 * (console.log, JSON, util.inspect) as its address only, so it cannot leak into logs.
 */
import { addressOfPublicKey, bytesToHex, hexToBytes } from "./address.js";
import { isValidPrivateKey, publicKeyOf, type SignerBackend, signDigest, signerBackend } from "./secp256k1.js";

export class PrivateKeySigner {
  readonly #key: Uint8Array;
  /** EIP-55 checksummed address of the key. */
  readonly address: string;
  readonly backend: SignerBackend;

  private constructor(key: Uint8Array, backend: SignerBackend) {
    this.#key = key;
    this.address = addressOfPublicKey(publicKeyOf(key));
    this.backend = backend;
  }

  /** From a 0x-prefixed (or bare) 64-hex private key. Throws a TypeError that never contains the key. */
  static fromHex(privateKeyHex: string, options?: { readonly backend?: SignerBackend }): PrivateKeySigner {
    const key = hexToBytes(privateKeyHex.trim());
    if (key === undefined || key.length !== 32 || !isValidPrivateKey(key))
      throw new TypeError("invalid private key (expected 32 bytes of hex)");
    return new PrivateKeySigner(key, options?.backend ?? signerBackend());
  }

  /** 65-byte r‖s‖v signature of a 32-byte digest. */
  signDigestBytes(digest: Uint8Array): Uint8Array {
    return signDigest(digest, this.#key, this.backend);
  }

  /** 0x-hex r‖s‖v signature of a 32-byte digest. */
  signDigest(digest: Uint8Array): string {
    return bytesToHex(signDigest(digest, this.#key, this.backend));
  }

  toJSON(): { address: string } {
    return { address: this.address };
  }
  toString(): string {
    return `PrivateKeySigner(${this.address})`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
