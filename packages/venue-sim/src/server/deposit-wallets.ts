/**
 * Deposit wallets (signature type 3, POLY_1271, CLOB V2): which EOA owns which wallet contract.
 * On chain the wallet itself answers ERC-1271; here a registry stands in for it. A type-3 order is
 * valid when its ERC-7739 envelope (checked by @mm/protocol's `verifyPoly1271Signature`) was
 * signed by the registered owner of `order.signer`.
 */
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

export class DepositWalletRegistry {
  /** lower-case wallet → owner EOA as registered. */
  private readonly owners = new Map<string, string>();

  constructor(initial: Readonly<Record<string, string>> = {}) {
    for (const [wallet, owner] of Object.entries(initial)) this.register(wallet, owner);
  }

  /** Registers (or re-points) `wallet` to `owner`. Throws RangeError on malformed addresses or wallet = owner. */
  register(wallet: string, owner: string): void {
    if (!ADDRESS.test(wallet) || !ADDRESS.test(owner))
      throw new RangeError("deposit wallet and owner must be 0x-prefixed 20-byte addresses");
    if (wallet.toLowerCase() === owner.toLowerCase()) throw new RangeError("a deposit wallet is a contract: it cannot be its owner's EOA");
    this.owners.set(wallet.toLowerCase(), owner);
  }

  /** The owner EOA of `wallet`, or undefined for an unknown wallet. */
  ownerOf(wallet: string): string | undefined {
    return typeof wallet === "string" ? this.owners.get(wallet.toLowerCase()) : undefined;
  }

  /** True when `wallet` is registered and owned by `eoa` (any letter case). */
  isOwner(wallet: string, eoa: string): boolean {
    const o = this.ownerOf(wallet);
    return o !== undefined && typeof eoa === "string" && o.toLowerCase() === eoa.toLowerCase();
  }

  get size(): number {
    return this.owners.size;
  }
}
