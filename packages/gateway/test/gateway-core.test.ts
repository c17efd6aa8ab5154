import fc from "fast-check";
import { type GatewayAction, type GatewayResult, ManualClock, orderId } from "@mm/types";
import { describe, expect, it } from "vitest";
import { CLEARED_BY_CANCEL_ALL, GatewayCore, type GatewayPolicyInput, type VenueRequest } from "../src/index.js";
import { acceptAll, type Handler, hashId, Inbox, json, place, settle, StubSigner, StubTransport } from "./helpers.js";

function setup(handler: Handler = acceptAll, policy: GatewayPolicyInput = {}) {
  const clock = new ManualClock(1_000_000);
  const inbox = new Inbox();
  const transport = new StubTransport(clock, handler);
  const core = new GatewayCore({
    transport,
    signer: new StubSigner(),
    mailbox: inbox,
    clock,
    policy,
    random: () => 0.5,
    identity: { apiKey: "key-1", addresses: ["0x00000000000000000000000000000000000000aa"] },
  });
  return { clock, inbox, transport, core };
}

const placedIds = (reqs: readonly VenueRequest[]): string[] =>
  reqs.flatMap((r) => {
    if (r.route === "postOrder") return [(JSON.parse(r.body!) as { order: { clientOrderId: string } }).order.clientOrderId];
    if (r.route === "postOrders") return (JSON.parse(r.body!) as { order: { clientOrderId: string } }[]).map((e) => e.order.clientOrderId);
    return [];
  });

describe("GatewayCore: queue and CANCEL_ALL", () => {
  it("submit never posts synchronously", async () => {
    const { clock, inbox, core } = setup();
    core.submit(place(1));
    core.submit({ kind: "CANCEL_ALL", actionId: 2, reason: "test" });
    core.submit({ kind: "BOGUS" } as unknown as GatewayAction);
    expect(inbox.messages).toHaveLength(0);
    await settle(clock, core);
    expect(inbox.messages.map((m) => m.kind).sort()).toEqual(["ACTION_FAILED", "CANCEL_ALL_ACK", "PLACE_REJECT"]);
  });

  it("CANCEL_ALL behind 100 queued PLACEs goes first and none of those PLACEs is sent", async () => {
    const { clock, inbox, transport, core } = setup();
    for (let i = 1; i <= 100; i++) core.submit(place(i));
    core.submit({ kind: "CANCEL_ALL", actionId: 101, reason: "risk" });
    core.submit(place(102));
    await settle(clock, core);
    expect(transport.sent[0]!.req.route).toBe("cancelAll");
    expect(placedIds(transport.sent.map((s) => s.req))).toEqual(["c102"]);
    const rejects = inbox.of("PLACE_REJECT");
    expect(rejects.map((r) => r.actionId)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(rejects.every((r) => r.message.startsWith(CLEARED_BY_CANCEL_ALL) && r.reason === "not_sent")).toBe(true);
    expect(inbox.of("CANCEL_ALL_ACK")).toHaveLength(1);
    expect(inbox.of("PLACE_ACK").map((a) => a.actionId)).toEqual([102]);
  });

  it("keeps queued PLACEs when clearing is turned off, and still sends CANCEL_ALL first", async () => {
    const { clock, inbox, transport, core } = setup(acceptAll, { cancelAllClearsPlaces: false });
    for (let i = 1; i <= 3; i++) core.submit(place(i));
    core.submit({ kind: "CANCEL_ALL", actionId: 9, reason: "x" });
    await settle(clock, core);
    expect(transport.routes()).toEqual(["cancelAll", "postOrders"]);
    expect(inbox.of("PLACE_ACK")).toHaveLength(3);
  });

  it("a CANCEL_ALL arriving during a PLACE's 425 backoff runs at once and the PLACE is not resent", async () => {
    let first = true;
    const { clock, inbox, transport, core } = setup((req, n) => {
      if (req.route === "postOrder" && first) {
        first = false;
        return json(425, { error: "Too Early" });
      }
      return acceptAll(req, n);
    });
    core.submit(place(1));
    // Let the first attempt happen, then interrupt the backoff.
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(transport.routes()).toEqual(["postOrder"]);
    core.submit({ kind: "CANCEL_ALL", actionId: 2, reason: "x" });
    await settle(clock, core);
    expect(transport.routes()).toEqual(["postOrder", "cancelAll"]);
    expect(inbox.of("PLACE_REJECT")[0]).toMatchObject({ message: CLEARED_BY_CANCEL_ALL, reason: "not_sent" });
  });

  it("a CANCEL_ALL arriving while the worker waits for rate-limit room runs at once, and clears the waiting PLACEs", async () => {
    const { clock, inbox, transport, core } = setup(acceptAll, {
      batching: false,
      rateLimits: { postOrder: [{ limit: 2, windowMs: 10_000 }] },
    });
    for (let i = 1; i <= 5; i++) core.submit(place(i));
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    expect(transport.routes()).toEqual(["postOrder", "postOrder"]);
    const t = clock.now();
    core.submit({ kind: "CANCEL_ALL", actionId: 9, reason: "x" });
    await settle(clock, core);
    expect(transport.routes()).toEqual(["postOrder", "postOrder", "cancelAll"]);
    expect(transport.sent[2]!.at).toBe(t);
    expect(inbox.of("PLACE_REJECT").map((r) => r.actionId)).toEqual([3, 4, 5]);
  });

  it("cancels go before queued PLACEs; SYNC keeps its FIFO place among PLACEs", async () => {
    const { clock, transport, core } = setup((req, n) =>
      req.route === "getOrders" || req.route === "getTrades" ? json(200, { data: [], next_cursor: "LTE=" }) : acceptAll(req, n),
    );
    core.submit(place(1));
    core.submit({ kind: "SYNC", actionId: 2, conditionIds: [], tradesSince: 0 });
    core.submit(place(3));
    core.submit({ kind: "CANCEL", actionId: 4, orderId: hashId("x"), clientOrderId: "x" });
    await settle(clock, core);
    expect(transport.routes()).toEqual(["deleteOrder", "postOrder", "getOrders", "getTrades", "postOrder"]);
  });

  it("property: every action gets exactly one result, and no PLACE submitted before a CANCEL_ALL is sent after it", async () => {
    const actionArb = fc.array(
      fc.oneof(
        { weight: 6, arbitrary: fc.constant("PLACE" as const) },
        { weight: 2, arbitrary: fc.constant("CANCEL" as const) },
        { weight: 1, arbitrary: fc.constant("CANCEL_ALL" as const) },
        { weight: 1, arbitrary: fc.constant("SYNC" as const) },
      ),
      { minLength: 1, maxLength: 60 },
    );
    const behaviour = fc.array(fc.constantFrom("ok", "425", "429", "500", "timeout", "400"), { minLength: 1, maxLength: 20 });
    await fc.assert(
      fc.asyncProperty(actionArb, behaviour, fc.integer({ min: 1, max: 4 }), async (kinds, script, burstSplit) => {
        let k = 0;
        let seq = 0;
        const cancelAllServedUpTo: number[] = [];
        const handler: Handler = (req, n) => {
          if (req.route === "getOrder" || req.route === "getTrades" || req.route === "getOrders") {
            return json(200, req.route === "getOrder" ? null : { data: [], next_cursor: "LTE=" });
          }
          if (req.route === "cancelAll") cancelAllServedUpTo.push(seq);
          const b = script[k++ % script.length];
          if (b === "425") return json(425, { error: "Too Early" });
          if (b === "429") return json(429, { error: "Too Many Requests" }, { "retry-after": "1" });
          if (b === "500") return json(500, { error: "boom" });
          if (b === "400") return json(400, { error: "order is invalid. Duplicated." });
          if (b === "timeout") return { kind: "timeout" };
          return acceptAll(req, n);
        };
        const { clock, inbox, transport, core } = setup(handler, { verify: { attempts: 1, delayMs: 10 } });
        const submittedAt = new Map<string, number>();
        const cancelAllSeq: number[] = [];
        const actions: GatewayAction[] = kinds.map((kind, i) => {
          const id = i + 1;
          if (kind === "PLACE") return place(id);
          if (kind === "CANCEL") return { kind, actionId: id, orderId: hashId(`o${id}`), clientOrderId: `o${id}` };
          if (kind === "SYNC") return { kind, actionId: id, conditionIds: [], tradesSince: 0 };
          return { kind, actionId: id, reason: "p" };
        });
        // Submit in a few synchronous bursts separated by worker progress.
        const chunk = Math.ceil(actions.length / burstSplit);
        for (let c = 0; c < actions.length; c += chunk) {
          for (const a of actions.slice(c, c + chunk)) {
            seq++;
            if (a.kind === "PLACE") submittedAt.set(a.order.clientOrderId, seq);
            if (a.kind === "CANCEL_ALL") cancelAllSeq.push(seq);
            core.submit(a);
          }
          await new Promise((r) => setImmediate(r));
        }
        await settle(clock, core);
        // Exactly one result per action.
        const counts = new Map<number, number>();
        for (const m of inbox.messages) if ("actionId" in m) counts.set(m.actionId, (counts.get(m.actionId) ?? 0) + 1);
        for (const a of actions) expect(counts.get(a.actionId)).toBe(1);
        expect(inbox.messages.length).toBe(actions.length);
        // A cancel-all request serves every CANCEL_ALL submitted up to it. A PLACE submitted before a
        // CANCEL_ALL c must never be on the wire after the request that served c.
        let servedUpTo = 0;
        for (const s of transport.sent) {
          if (s.req.route === "cancelAll") {
            servedUpTo = Math.max(servedUpTo, cancelAllServedUpTo.shift() ?? 0);
            continue;
          }
          for (const id of placedIds([s.req])) {
            const at = submittedAt.get(id)!;
            const violated = cancelAllSeq.some((c) => c > at && c <= servedUpTo);
            expect(violated).toBe(false);
          }
        }
        expect(cancelAllSeq.length === 0 || transport.routes().includes("cancelAll")).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

describe("GatewayCore: rate limits and batching", () => {
  it("batches up to 15 PLACEs per POST /orders when several are ready", async () => {
    const { clock, inbox, transport, core } = setup();
    for (let i = 1; i <= 20; i++) core.submit(place(i));
    await settle(clock, core);
    expect(transport.routes()).toEqual(["postOrders", "postOrders"]);
    expect(placedIds(transport.sent.map((s) => s.req))).toHaveLength(20);
    expect(inbox.of("PLACE_ACK")).toHaveLength(20);
  });

  it("batches cancels via DELETE /orders", async () => {
    const { clock, inbox, transport, core } = setup();
    for (let i = 1; i <= 4; i++) core.submit({ kind: "CANCEL", actionId: i, orderId: hashId(`o${i}`), clientOrderId: `o${i}` });
    await settle(clock, core);
    expect(transport.routes()).toEqual(["deleteOrders"]);
    expect(inbox.of("CANCEL_ACK").every((a) => a.canceled)).toBe(true);
  });

  it("holds the order bucket under a burst (virtual time), CANCEL_ALL unaffected", async () => {
    const { clock, inbox, transport, core } = setup(acceptAll, {
      batching: false,
      rateLimits: { postOrder: [{ limit: 5, windowMs: 1_000 }], orderBucket: [{ limit: 5, windowMs: 1_000 }] },
    });
    for (let i = 1; i <= 23; i++) core.submit(place(i));
    await settle(clock, core);
    const times = transport.sent.filter((s) => s.req.route === "postOrder").map((s) => s.at);
    expect(times).toHaveLength(23);
    for (const t of times) expect(times.filter((u) => u > t - 1_000 && u <= t).length).toBeLessThanOrEqual(5);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(4_000);
    expect(inbox.of("PLACE_ACK")).toHaveLength(23);
  });

  it("reads wait for their own limits (a paginated SYNC never bursts past GET /data/trades' window), CANCEL_ALL unaffected", async () => {
    const pages = 12;
    const { clock, inbox, transport, core } = setup(
      (req, n) => {
        if (req.route === "getOrders") return json(200, { data: [], next_cursor: "LTE=" });
        if (req.route === "getTrades") {
          const page = Number(req.query?.next_cursor ?? "0");
          return json(200, { data: [], next_cursor: page + 1 < pages ? String(page + 1) : "LTE=" });
        }
        return acceptAll(req, n);
      },
      { rateLimits: { getTrades: [{ limit: 4, windowMs: 1_000 }] } },
    );
    core.submit({ kind: "SYNC", actionId: 1, conditionIds: [], tradesSince: 0 });
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(transport.routes().filter((r) => r === "getTrades")).toHaveLength(4);
    const t = clock.now();
    core.submit({ kind: "CANCEL_ALL", actionId: 2, reason: "risk" });
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(transport.sent.find((s) => s.req.route === "cancelAll")?.at).toBe(t);
    await settle(clock, core);
    const times = transport.sent.filter((s) => s.req.route === "getTrades").map((s) => s.at);
    expect(times).toHaveLength(pages);
    for (const x of times) expect(times.filter((u) => u > x - 1_000 && u <= x).length).toBeLessThanOrEqual(4);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(2_000);
    expect(inbox.of("SYNC_RESULT")).toHaveLength(1);
    expect(inbox.of("CANCEL_ALL_ACK")).toHaveLength(1);
    expect(core.stats.readsDelayed).toBeGreaterThan(0);
    expect(core.stats.readDelayMs).toBeGreaterThan(0);
  });

  it("429 with Retry-After pauses the order family and retries the same PLACE", async () => {
    let n429 = 0;
    const { clock, inbox, transport, core } = setup((req, n) => {
      if (req.route === "postOrder" && n429 === 0) {
        n429++;
        return json(429, { error: "Too Many Requests" }, { "retry-after": "3" });
      }
      return acceptAll(req, n);
    });
    core.submit(place(1));
    await settle(clock, core);
    const [a, b] = transport.sent;
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(3_000);
    expect(inbox.of("PLACE_ACK")).toHaveLength(1);
    expect(core.stats.throttled429).toBe(1);
  });

  it("sheds stale PLACEs while the venue warns (Poly-RateLimit-Warning)", async () => {
    const { clock, inbox, core } = setup(
      (req, n) => {
        const r = acceptAll(req, n) as Extract<ReturnType<typeof json>, { kind: "response" }>;
        return { ...r, header: (h: string) => (h === "poly-ratelimit-warning" ? "true" : undefined) };
      },
      {
        batching: false,
        rateLimits: { postOrder: [{ limit: 4, windowMs: 1_000 }] },
        shedding: { warningFactor: 0.5, warningHoldMs: 10_000, maxPlaceQueueMs: 1_500 },
      },
    );
    for (let i = 1; i <= 12; i++) core.submit(place(i));
    await settle(clock, core);
    const shed = inbox.of("PLACE_REJECT").filter((r) => r.reason === "rate_limited");
    expect(shed.length).toBeGreaterThan(0);
    expect(inbox.of("PLACE_ACK").length + shed.length).toBe(12);
    expect(core.stats.rateLimitWarnings).toBeGreaterThan(0);
  });
});

describe("GatewayCore: lost answers are verified, never resent", () => {
  it("PLACE timeout → GET /data/order finds it → PLACE_ACK, exactly one POST", async () => {
    const id = hashId("c1");
    const { clock, inbox, transport, core } = setup((req) => {
      if (req.route === "postOrder") return { kind: "timeout" };
      if (req.route === "getOrder") return json(200, { id, status: "LIVE" });
      return json(500, {});
    });
    core.submit(place(1));
    await settle(clock, core);
    expect(transport.routes().filter((r) => r === "postOrder")).toHaveLength(1);
    expect(transport.sent.find((s) => s.req.route === "getOrder")!.req.path).toBe(`/data/order/${id}`);
    expect(inbox.messages).toEqual([expect.objectContaining({ kind: "PLACE_ACK", actionId: 1, orderId: id, venueStatus: "live" })]);
  });

  it("PLACE 500 → order not found but a trade names it → PLACE_ACK matched", async () => {
    const id = hashId("c1");
    const { clock, inbox, transport, core } = setup((req) => {
      if (req.route === "postOrder") return json(500, { error: "internal" });
      if (req.route === "getOrder") return json(200, null);
      if (req.route === "getTrades") return json(200, { data: [{ id: "t1", taker_order_id: id, maker_orders: [] }], next_cursor: "LTE=" });
      return json(500, {});
    });
    core.submit(place(1));
    await settle(clock, core);
    expect(transport.routes().filter((r) => r === "postOrder")).toHaveLength(1);
    expect(inbox.messages).toEqual([expect.objectContaining({ kind: "PLACE_ACK", venueStatus: "matched" })]);
  });

  it("PLACE timeout and the venue knows nothing → OUTCOME_UNKNOWN after the configured checks", async () => {
    const { clock, inbox, transport, core } = setup(
      (req) => {
        if (req.route === "postOrder") return { kind: "timeout" };
        if (req.route === "getOrder") return json(404, { error: "order not found" });
        return json(200, { data: [], next_cursor: "LTE=" });
      },
      { verify: { attempts: 2, delayMs: 100 } },
    );
    core.submit(place(1));
    await settle(clock, core);
    expect(transport.routes()).toEqual(["postOrder", "getOrder", "getTrades", "getOrder", "getTrades"]);
    expect(inbox.messages).toEqual([expect.objectContaining({ kind: "OUTCOME_UNKNOWN", actionId: 1 })]);
  });

  it("batch legs: acks, rejects in a 200, and a leg without status verified", async () => {
    const { clock, inbox, core } = setup((req) => {
      if (req.route === "postOrders")
        return json(200, [
          { success: true, errorMsg: "", orderID: hashId("c1"), status: "live" },
          { success: true, errorMsg: "order x is invalid. Size (2) lower than the minimum: 5", orderID: "", status: "" },
          { success: false, errorMsg: "", orderID: "", status: "" },
        ]);
      if (req.route === "getOrder") return json(200, { id: hashId("c3"), status: "MATCHED" });
      return json(500, {});
    });
    core.submit(place(1));
    core.submit(place(2));
    core.submit(place(3));
    await settle(clock, core);
    expect(inbox.of("PLACE_ACK").map((a) => [a.actionId, a.venueStatus])).toEqual([
      [1, "live"],
      [3, "matched"],
    ]);
    expect(inbox.of("PLACE_REJECT").map((r) => [r.actionId, r.reason])).toEqual([[2, "min_size"]]);
  });

  it("FAK no-match 400 → PLACE_REJECT fak_no_match carrying the order id", async () => {
    const { clock, inbox, core } = setup(() => json(400, { error: "no orders found to match with FAK order", orderID: hashId("c1") }));
    core.submit(place(1, { orderType: "FAK", postOnly: false }));
    await settle(clock, core);
    expect(inbox.messages).toEqual([expect.objectContaining({ kind: "PLACE_REJECT", reason: "fak_no_match", orderId: hashId("c1") })]);
  });

  it("a signing failure is a PLACE_REJECT without any request", async () => {
    const { clock, inbox, transport, core } = setup();
    core.submit(place(1, { price: 0 as never }));
    await settle(clock, core);
    expect(transport.sent).toHaveLength(0);
    expect(inbox.messages).toEqual([expect.objectContaining({ kind: "PLACE_REJECT", reason: "invalid_price" })]);
  });

  it("cancel 5xx is retried with backoff (idempotent); 503 cancel-only is not", async () => {
    let fails = 2;
    const { clock, inbox, transport, core } = setup((req, n) => {
      if (req.route === "deleteOrder" && fails-- > 0) return json(502, { error: "bad gateway" });
      return acceptAll(req, n);
    });
    core.submit({ kind: "CANCEL", actionId: 1, orderId: hashId("o"), clientOrderId: "o" });
    await settle(clock, core);
    expect(transport.routes()).toEqual(["deleteOrder", "deleteOrder", "deleteOrder"]);
    expect(inbox.messages).toEqual([expect.objectContaining({ kind: "CANCEL_ACK", canceled: true })]);

    const s2 = setup(() => json(503, { error: "Trading is currently in cancel-only mode", retry_after_seconds: 30 }));
    s2.core.submit(place(1));
    await settle(s2.clock, s2.core);
    expect(s2.transport.sent).toHaveLength(1);
    expect(s2.inbox.messages).toEqual([expect.objectContaining({ kind: "PLACE_REJECT", reason: "cancel_only" })]);
  });

  it("cancel that the venue did not cancel → CANCEL_ACK canceled:false with the venue's reason", async () => {
    const id = hashId("o");
    const { clock, inbox, core } = setup(() => json(200, { canceled: [], not_canceled: { [id]: "already canceled or matched" } }));
    core.submit({ kind: "CANCEL", actionId: 1, orderId: orderId(id), clientOrderId: "o" });
    await settle(clock, core);
    expect(inbox.messages).toEqual([
      expect.objectContaining({ kind: "CANCEL_ACK", canceled: false, reason: "already canceled or matched" }),
    ]);
  });

  it("close() answers queued actions and refuses new ones", async () => {
    const { clock, inbox, core } = setup(() => new Promise(() => {}));
    core.submit(place(1));
    core.submit(place(2));
    await core.close();
    core.submit({ kind: "CANCEL_ALL", actionId: 3, reason: "late" });
    await settle(clock, core);
    const kinds = inbox.messages.map((m: GatewayResult) => m.kind);
    expect(kinds.length).toBe(3);
  });

  it("close() with a PLACE in flight aborts it through the signal → OUTCOME_UNKNOWN (it may have executed)", async () => {
    const clock = new ManualClock(0);
    const inbox = new Inbox();
    const transport = {
      send: (_req: VenueRequest, signal: AbortSignal) =>
        new Promise<import("../src/index.js").VenueReply>((resolve) =>
          signal.addEventListener("abort", () => resolve({ kind: "aborted", sent: true })),
        ),
    };
    const core = new GatewayCore({ transport, signer: new StubSigner(), mailbox: inbox, clock });
    core.submit(place(1));
    core.submit(place(2, { price: 4000 as never }));
    await new Promise((r) => setImmediate(r));
    core.submit(place(3));
    await core.close();
    const byId = new Map(inbox.messages.map((m) => ["actionId" in m ? m.actionId : -1, m.kind]));
    expect(byId.get(1)).toBe("OUTCOME_UNKNOWN");
    expect(byId.get(2)).toBe("OUTCOME_UNKNOWN");
    expect(byId.get(3)).toBe("PLACE_REJECT");
  });
});

describe("GatewayCore: default venue limits", () => {
  it("a burst of 4,000 single PLACEs respects POST /order 3,500 per 10 s (virtual time)", async () => {
    const { clock, inbox, transport, core } = setup(acceptAll, { batching: false });
    for (let i = 1; i <= 4_000; i++) core.submit(place(i));
    await settle(clock, core, 1_000_000);
    const times = transport.sent.map((s) => s.at);
    expect(times).toHaveLength(4_000);
    let j = 0;
    for (let i = 0; i < times.length; i++) {
      while (times[j]! <= times[i]! - 10_000) j++;
      expect(i - j + 1).toBeLessThanOrEqual(3_500);
    }
    expect(times[3_499]! - times[0]!).toBeLessThan(10_000);
    expect(times[3_500]! - times[0]!).toBeGreaterThanOrEqual(10_000);
    expect(inbox.of("PLACE_ACK")).toHaveLength(4_000);
  });
});
