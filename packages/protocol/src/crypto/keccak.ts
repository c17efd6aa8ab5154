/**
 * keccak-256 with a fast backend when available. `@noble/hashes` (pure JS) always works; after
 * `initFastCrypto()` a hash-wasm instance (hand-tuned WebAssembly, ~10× faster here) is used.
 * Both produce identical digests (checked by the tests).
 */
import { keccak_256 } from "@noble/hashes/sha3.js";

interface WasmKeccak {
  init(): unknown;
  update(data: Uint8Array): unknown;
  digest(outputType: "binary"): Uint8Array;
}

let wasm: WasmKeccak | undefined;
let wasmInit: Promise<boolean> | undefined;

/** Loads the WebAssembly keccak once; resolves false (noble stays in use) if it cannot load. */
export function initWasmKeccak(): Promise<boolean> {
  wasmInit ??= import("hash-wasm")
    .then(async (m) => {
      wasm = (await m.createKeccak(256)) as WasmKeccak;
      return true;
    })
    .catch(() => false);
  return wasmInit;
}

export function keccak256(data: Uint8Array): Uint8Array {
  if (wasm !== undefined) {
    wasm.init();
    wasm.update(data);
    // Copy: the result must not alias WebAssembly memory that the next call overwrites.
    return wasm.digest("binary").slice();
  }
  return keccak_256(data);
}

/** keccak-256 with the pure-JS backend (reference for tests). */
export const keccak256Noble = (data: Uint8Array): Uint8Array => keccak_256(data);

export const keccakBackend = (): "wasm" | "noble" => (wasm !== undefined ? "wasm" : "noble");
