import { ManualClock } from "@mm/types";
import { describe, expect, it } from "vitest";
import { Heartbeat, type VenueReply, type VenueRequest } from "../src/index.js";
import { Inbox, json, StubTransport } from "./helpers.js";

const flush = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

/** A venue-like chain: null starts a chain, the current id continues it, anything else is 400 with the right id. */
function chainVenue(clock: ManualClock, timeoutMs = 15_000) {
  let current: string | null = null;
  let lastAt = 0;
  let n = 0;
  const ids: (string | null)[] = [];
  let down = false;
  const handler = (req: VenueRequest): VenueReply => {
    if (down) return { kind: "network", sent: false, message: "ECONNREFUSED" };
    const sent = (JSON.parse(req.body!) as { heartbeat_id: string | null }).heartbeat_id;
    ids.push(sent);
    if (current !== null && clock.now() - lastAt > timeoutMs) current = null; // lapsed
    if (sent === null || sent === "") {
      current = `hb-${++n}`;
      lastAt = clock.now();
      return json(200, { heartbeat_id: current });
    }
    if (sent !== current) return json(400, { error: "Invalid Heartbeat ID", heartbeat_id: current ?? "" });
    current = `hb-${++n}`;
    lastAt = clock.now();
    return json(200, { heartbeat_id: current });
  };
  return {
    handler,
    ids,
    setDown: (d: boolean) => {
      down = d;
    },
    spoil: () => {
      current = `hb-${++n}`;
    },
  };
}

describe("Heartbeat", () => {
  it("chains ids every interval", async () => {
    const clock = new ManualClock(0);
    const venue = chainVenue(clock);
    const inbox = new Inbox();
    const hb = new Heartbeat({ transport: new StubTransport(clock, venue.handler), clock, mailbox: inbox, intervalMs: 5_000 });
    hb.start();
    await flush();
    for (let i = 0; i < 3; i++) {
      clock.advance(5_000);
      await flush();
    }
    expect(venue.ids).toEqual([null, "hb-1", "hb-2", "hb-3"]);
    expect(inbox.messages).toHaveLength(0);
    await hb.stop();
  });

  it("recovers from a stale id using the id in the 400, without reporting a lapse", async () => {
    const clock = new ManualClock(0);
    const venue = chainVenue(clock);
    const inbox = new Inbox();
    const hb = new Heartbeat({ transport: new StubTransport(clock, venue.handler), clock, mailbox: inbox });
    hb.start();
    await flush();
    venue.spoil(); // the venue moved on (e.g. a duplicate beat from elsewhere)
    clock.advance(5_000);
    await flush();
    expect(venue.ids).toEqual([null, "hb-1", "hb-2"]);
    expect(hb.heartbeatId).toBe("hb-3");
    expect(hb.stats.staleRecovered).toBe(1);
    expect(inbox.messages).toHaveLength(0);
    await hb.stop();
  });

  it("an unreachable venue for longer than lapseMs → one HEARTBEAT_LAPSED, then a new chain", async () => {
    const clock = new ManualClock(0);
    const venue = chainVenue(clock);
    const inbox = new Inbox();
    const hb = new Heartbeat({
      transport: new StubTransport(clock, venue.handler),
      clock,
      mailbox: inbox,
      intervalMs: 5_000,
      lapseMs: 10_000,
    });
    hb.start();
    await flush();
    venue.setDown(true);
    for (let i = 0; i < 4; i++) {
      clock.advance(5_000);
      await flush();
    }
    expect(inbox.of("HEARTBEAT_LAPSED")).toHaveLength(1);
    venue.setDown(false);
    clock.advance(5_000);
    await flush();
    expect(venue.ids.at(-1)).toBeNull();
    expect(hb.heartbeatId).not.toBeNull();
    expect(inbox.of("HEARTBEAT_LAPSED")).toHaveLength(1);
    await hb.stop();
  });

  it("a stalled process: the venue's chain ended, its 400 with an empty id is reported as a lapse", async () => {
    const clock = new ManualClock(0);
    const venue = chainVenue(clock, 15_000);
    const inbox = new Inbox();
    const hb = new Heartbeat({
      transport: new StubTransport(clock, venue.handler),
      clock,
      mailbox: inbox,
      intervalMs: 5_000,
      lapseMs: 60_000,
    });
    hb.start();
    await flush();
    // Simulate an event-loop stall: time passes with no timer firing, then the overdue beat goes out.
    await hb.stop();
    clock.advance(20_000);
    hb.start();
    await flush();
    expect(inbox.of("HEARTBEAT_LAPSED")).toHaveLength(1);
    expect(inbox.of("HEARTBEAT_LAPSED")[0]!.detail).toMatch(/cancelled/);
    expect(hb.heartbeatId).not.toBeNull();
    await hb.stop();
  });

  it("stop() halts the timer", async () => {
    const clock = new ManualClock(0);
    const venue = chainVenue(clock);
    const hb = new Heartbeat({ transport: new StubTransport(clock, venue.handler), clock, mailbox: new Inbox() });
    hb.start();
    await flush();
    await hb.stop();
    expect(clock.pendingTimers).toBe(0);
  });
});
