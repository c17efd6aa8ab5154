import { readFileSync } from "node:fs";
import { ManualClock } from "@mm/types";
import { describe, expect, it } from "vitest";
import { GatewayCore } from "../src/index.js";
import { Inbox, json, settle, StubSigner, StubTransport } from "./helpers.js";

const ME = { apiKey: "62880c97-4a03-c6fa-2665-e6072ffc6ae6", addresses: ["0x1bFDF7224C358405A486b5FD8489f13c2aDcb5f3"] };
const trade = JSON.parse(readFileSync("/work/shared/protocol/fixtures/nautilus_py/ws_messages/trades.json", "utf8")) as Record<
  string,
  unknown
>;
const MARKET = "0xdd22472e552920b8438158ea7238bfadfa4f736aa4cee91a6b86c39ead110917";
const YES = "21742633143463906290569050155826241533067272736897614950488156847949938836455";
const NO = "48331043336612883890938759509493159234755048973500640148014422747788308965732";
const oid = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;

const openOrder = (n: number, market = MARKET) => ({
  id: oid(n),
  status: "LIVE",
  owner: ME.apiKey,
  maker_address: ME.addresses[0],
  market,
  asset_id: YES,
  side: "BUY",
  original_size: "10",
  size_matched: "2.5",
  price: "0.45",
  associate_trades: null,
  outcome: "Yes",
  created_at: 1726043000,
  expiration: "0",
  order_type: "GTC",
});

describe("SYNC through the worker", () => {
  function run(handler: ConstructorParameters<typeof StubTransport>[1]) {
    const clock = new ManualClock(0);
    const inbox = new Inbox();
    const transport = new StubTransport(clock, handler);
    const core = new GatewayCore({ transport, signer: new StubSigner(), mailbox: inbox, clock, identity: ME, random: () => 0 });
    return { clock, inbox, transport, core };
  }

  it("reads every page, queries trades without market filters, filters by condition locally", async () => {
    const other = `0x${"cd".repeat(32)}`;
    const { clock, inbox, transport, core } = run((req) => {
      if (req.route === "getOrders")
        return req.query?.next_cursor === "MQ=="
          ? json(200, { data: [openOrder(2), openOrder(3, other)], next_cursor: "LTE=" })
          : json(200, { data: [openOrder(1)], next_cursor: "MQ==" });
      if (req.route === "getTrades")
        return req.query?.next_cursor === "Mg=="
          ? json(200, { data: [{ ...trade, id: "t2", market: other, trader_side: "MAKER" }], next_cursor: "LTE=" })
          : json(200, { data: [{ ...trade, trader_side: "MAKER" }], next_cursor: "Mg==" });
      return json(500, {});
    });
    core.submit({ kind: "SYNC", actionId: 7, conditionIds: [MARKET as never], tradesSince: 1726043000 });
    await settle(clock, core);
    const r = inbox.of("SYNC_RESULT")[0]!;
    expect(r.openOrders.map((o) => o.orderId)).toEqual([oid(1), oid(2)]);
    expect(r.fills.map((f) => f.tradeId)).toEqual([trade.id]);
    for (const s of transport.sent.filter((x) => x.req.route === "getTrades")) {
      expect(s.req.query).not.toHaveProperty("market");
      expect(s.req.query).not.toHaveProperty("asset_id");
      expect(s.req.query?.after).toBe("1726043000");
    }
  });

  it("a malformed open order fails the SYNC (never silently dropped)", async () => {
    const { clock, inbox, core } = run((req) =>
      req.route === "getOrders"
        ? json(200, { data: [{ ...openOrder(1), price: "abc" }], next_cursor: "LTE=" })
        : json(200, { data: [], next_cursor: "LTE=" }),
    );
    core.submit({ kind: "SYNC", actionId: 1, conditionIds: [], tradesSince: 0 });
    await settle(clock, core);
    expect(inbox.messages).toEqual([expect.objectContaining({ kind: "ACTION_FAILED", actionId: 1 })]);
  });

  it("balances when enabled", async () => {
    const clock = new ManualClock(0);
    const inbox = new Inbox();
    const transport = new StubTransport(clock, (req) => {
      if (req.route === "getOrders") return json(200, { data: [openOrder(1)], next_cursor: "LTE=" });
      if (req.route === "getTrades") return json(200, { data: [], next_cursor: "LTE=" });
      if (req.route === "getBalance")
        return json(200, { balance: req.query?.asset_type === "COLLATERAL" ? "125000000" : "7000000", allowance: "0" });
      return json(500, {});
    });
    const core = new GatewayCore({ transport, signer: new StubSigner(), mailbox: inbox, clock, identity: ME, syncBalances: true });
    core.submit({ kind: "SYNC", actionId: 1, conditionIds: [], tradesSince: 0 });
    await settle(clock, core);
    expect(inbox.of("SYNC_RESULT")[0]!.balances).toEqual({ collateral: 125_000_000, tokens: { [YES]: 7_000_000 } });
  });

  it("our maker leg on the complementary token is found (trades are queried unfiltered); foreign trades skipped", async () => {
    const cross = {
      ...trade,
      id: "t-cross",
      trader_side: "MAKER",
      maker_orders: [{ ...(trade.maker_orders as object[])[0], asset_id: NO, price: "0.511", outcome: "No" }],
    };
    const foreign = {
      ...trade,
      id: "t-foreign",
      trader_side: "MAKER",
      maker_orders: [{ ...(trade.maker_orders as object[])[0], owner: "x", maker_address: "0x0" }],
    };
    const { clock, inbox, core } = run((req) =>
      req.route === "getTrades" ? json(200, { data: [cross, foreign], next_cursor: "LTE=" }) : json(200, { data: [], next_cursor: "LTE=" }),
    );
    core.submit({ kind: "SYNC", actionId: 1, conditionIds: [], tradesSince: 0 });
    await settle(clock, core);
    const r = inbox.of("SYNC_RESULT")[0]!;
    expect(r.fills).toHaveLength(1);
    expect(r.fills[0]).toMatchObject({ tokenId: NO, side: "BUY", price: 5110, role: "MAKER", size: 5_000_000, status: "CONFIRMED" });
  });

  it("a malformed trade fails the SYNC", async () => {
    const { clock, inbox, core } = run((req) =>
      req.route === "getTrades"
        ? json(200, { data: [{ ...trade, status: "WEIRD" }], next_cursor: "LTE=" })
        : json(200, { data: [], next_cursor: "LTE=" }),
    );
    core.submit({ kind: "SYNC", actionId: 1, conditionIds: [], tradesSince: 0 });
    await settle(clock, core);
    expect(inbox.messages).toEqual([expect.objectContaining({ kind: "ACTION_FAILED", actionId: 1 })]);
  });
});
