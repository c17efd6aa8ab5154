/** Optional one-time initialization of the fast crypto backends (call at startup, await once). */
import { initWasmKeccak, keccakBackend } from "./keccak.js";
import { type SignerBackend, signerBackend } from "./secp256k1.js";

export interface CryptoBackends {
  readonly keccak: "wasm" | "noble";
  readonly secp256k1: SignerBackend;
}

/**
 * Loads the WebAssembly keccak (hash-wasm) and probes the native secp256k1 binding. Everything
 * works without calling this (pure-JS @noble fallbacks); it only makes signing faster.
 */
export async function initFastCrypto(): Promise<CryptoBackends> {
  await initWasmKeccak();
  return cryptoBackends();
}

export const cryptoBackends = (): CryptoBackends => ({ keccak: keccakBackend(), secp256k1: signerBackend() });
