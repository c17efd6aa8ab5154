/**
 * Deposit wallets (signature type 3, POLY_1271, CLOB V2) over loopback: a type-3 order signed by
 * the wallet's registered owner and sent with the owner's API key rests; every other combination
 * is refused the way the venue refuses it.
 */
import {
  buildLimitOrderV2,
  hashOrderV2,
  orderDomainFor,
  PrivateKeySigner,
  postOrderBodyV2,
  signOrderV2,
  type WirePostOrderBodyV2,
} from "@mm/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { DepositWalletRegistry } from "../src/index.js";
import { ALT_KEY, addAccount, type Creds, rest, startSim, stopAll, T0 } from "./helpers.js";

afterEach(stopAll);

const WALLET = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const ALT_WALLET = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
let salt = 1;

/** A signed type-3 V2 body for `wallet`, signed with `key`, owned (API key) by `creds`. */
function walletOrder(key: string, wallet: string, creds: Creds, tokenId: string, over: { maker?: string; negRisk?: boolean } = {}) {
  const o = buildLimitOrderV2(
    { tokenId, side: "BUY", price: 4_000, size: 10_000_000, tickSize: 100 },
    { signer: wallet, maker: over.maker ?? wallet, signatureType: 3 },
    salt++,
    { timestampMs: T0 },
  );
  if (!o.ok) throw new Error("bad amounts");
  const domain = orderDomainFor(137, over.negRisk ?? false, 2)!;
  // signOrderV2 refuses maker ≠ signer; build such an envelope from a proper order, then swap maker.
  const signed = signOrderV2({ ...o.value, maker: wallet }, PrivateKeySigner.fromHex(key), domain);
  const body = postOrderBodyV2({ ...signed, order: o.value }, creds.apiKey, "GTC", { postOnly: true });
  return { body, id: hashOrderV2(o.value, domain) };
}

async function place(clob: string, body: WirePostOrderBodyV2, creds: Creds) {
  return rest<{ success?: boolean; orderID?: string; status?: string; error?: string }>(clob, "POST", "/order", { body, creds });
}

describe("deposit-wallet (type 3) orders", () => {
  it("signed by the wallet's owner, sent with the owner's key: accepted, rests, listed under the order hash", async () => {
    const { sim } = await startSim({ orderVersion: 2, depositWallets: {} });
    const me = sim.credentials;
    sim.venue.depositWallets.register(WALLET, me.address);
    const token = sim.venue.allMarkets()[0]!.info.yes.tokenId;
    const { body, id } = walletOrder(me.privateKey, WALLET, me, token);
    const r = await place(sim.urls.clob, body, me);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ success: true, status: "live", orderID: id });
    const open = await rest<{ data: { id: string }[] }>(sim.urls.clob, "GET", "/data/orders", { creds: me });
    expect(open.body.data.map((o) => o.id)).toContain(id);
  });

  it("the owner can be given at start (options.depositWallets)", async () => {
    const { sim } = await startSim({ orderVersion: 2, depositWallets: { [WALLET]: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" } });
    const me = sim.credentials;
    expect(sim.venue.depositWallets.ownerOf(WALLET.toLowerCase())?.toLowerCase()).toBe(me.address.toLowerCase());
    const token = sim.venue.allMarkets()[0]!.info.no.tokenId;
    expect((await place(sim.urls.clob, walletOrder(me.privateKey, WALLET, me, token).body, me)).status).toBe(200);
  });

  it("refuses: a signer that is not the owner, an unknown wallet, maker ≠ wallet, a tampered envelope, the wrong exchange", async () => {
    const { sim } = await startSim({ orderVersion: 2 });
    const me = sim.credentials;
    const alt = addAccount(sim, ALT_KEY);
    sim.venue.depositWallets.register(WALLET, me.address);
    const token = sim.venue.allMarkets()[0]!.info.yes.tokenId;
    const refused = async (body: WirePostOrderBodyV2, creds: Creds) => {
      const r = await place(sim.urls.clob, body, creds);
      return [r.status, r.body.error];
    };
    const invalid = [400, "invalid signature"];
    // Another EOA claims WALLET with its own API key: the envelope recovers that EOA, not the owner.
    expect(await refused(walletOrder(ALT_KEY, WALLET, alt, token).body, alt)).toEqual(invalid);
    // The owner's key, but a wallet nobody registered.
    expect(await refused(walletOrder(me.privateKey, ALT_WALLET, me, token).body, me)).toEqual(invalid);
    // maker is not the wallet.
    expect(await refused(walletOrder(me.privateKey, WALLET, me, token, { maker: me.address }).body, me)).toEqual(invalid);
    // One byte of the envelope's contents hash changed.
    const t = walletOrder(me.privateKey, WALLET, me, token).body;
    const sig = t.order.signature;
    const at = 2 + 2 * 100;
    const tampered = { ...t, order: { ...t.order, signature: `${sig.slice(0, at)}${sig[at] === "0" ? "1" : "0"}${sig.slice(at + 1)}` } };
    expect(await refused(tampered, me)).toEqual(invalid);
    // Signed against the Neg Risk exchange for a plain market.
    expect(await refused(walletOrder(me.privateKey, WALLET, me, token, { negRisk: true }).body, me)).toEqual(invalid);
    // A plain 65-byte EOA signature with signatureType 3.
    const plain = walletOrder(me.privateKey, WALLET, me, token).body;
    expect(await refused({ ...plain, order: { ...plain.order, signature: plain.order.signature.slice(0, 132) } }, me)).toEqual(invalid);
    expect(sim.venue.engine.openOrders(me.apiKey as never)).toHaveLength(0);
  });

  it("a valid order of someone else's wallet sent with my key is not my order", async () => {
    const { sim } = await startSim({ orderVersion: 2 });
    const me = sim.credentials;
    const alt = addAccount(sim, ALT_KEY);
    sim.venue.depositWallets.register(ALT_WALLET, alt.address);
    const token = sim.venue.allMarkets()[0]!.info.yes.tokenId;
    const { body } = walletOrder(ALT_KEY, ALT_WALLET, me, token);
    const r = await place(sim.urls.clob, body, me);
    expect([r.status, r.body.error]).toEqual([400, "the order signer address has to be the address of the API KEY"]);
    // …while its owner places it.
    const own = walletOrder(ALT_KEY, ALT_WALLET, alt, token);
    expect((await place(sim.urls.clob, own.body, alt)).body).toMatchObject({ success: true, orderID: own.id });
  });

  it("type-0 V2 orders are unaffected", async () => {
    const { sim } = await startSim({ orderVersion: 2 });
    const me = sim.credentials;
    const token = sim.venue.allMarkets()[0]!.info.yes.tokenId;
    const key = PrivateKeySigner.fromHex(me.privateKey);
    const o = buildLimitOrderV2(
      { tokenId: token, side: "BUY", price: 3_000, size: 10_000_000, tickSize: 100 },
      { signer: key.address, maker: key.address, signatureType: 0 },
      salt++,
      { timestampMs: T0 },
    );
    if (!o.ok) throw new Error("bad amounts");
    const body = postOrderBodyV2(signOrderV2(o.value, key, orderDomainFor(137, false, 2)!), me.apiKey, "GTC");
    expect((await place(sim.urls.clob, body, me)).status).toBe(200);
  });
});

describe("DepositWalletRegistry", () => {
  it("validates addresses, compares in any letter case, refuses a wallet equal to its owner", () => {
    const r = new DepositWalletRegistry({ [WALLET]: ALT_WALLET });
    expect(r.isOwner(WALLET.toUpperCase().replace("0X", "0x"), ALT_WALLET.toLowerCase())).toBe(true);
    expect(r.isOwner(WALLET, WALLET)).toBe(false);
    expect(r.ownerOf("0x0000000000000000000000000000000000000001")).toBeUndefined();
    expect(() => r.register("0x12", ALT_WALLET)).toThrow(RangeError);
    expect(() => r.register(WALLET, WALLET.toLowerCase())).toThrow(/cannot be its owner/);
    expect(r.size).toBe(1);
  });
});
