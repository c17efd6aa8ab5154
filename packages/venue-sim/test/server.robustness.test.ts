import { afterEach, describe, expect, it } from "vitest";
import { Collector, orderBody, rest, startSim, stopAll } from "./helpers.js";

afterEach(stopAll);

describe("untrusted input", () => {
  it("market and user channels count and ignore malformed frames without dropping the socket", async () => {
    const { sim } = await startSim();
    const m = sim.venue.allMarkets()[0]!;
    const c = await Collector.open(`${sim.urls.ws}/market`);
    for (const junk of ["{", "[1,2]", "null", '{"assets_ids":"nope"}', '{"assets_ids":[1]}', '{"assets_ids":[],"operation":"explode"}'])
      c.send(junk);
    c.ws.send(Buffer.from([0, 1, 2]), { binary: true });
    c.send({ assets_ids: [m.info.yes.tokenId, "999", "not-a-token"], type: "market" });
    await c.until(() => c.of("book").length === 1);
    c.send("PING");
    await c.until(() => c.texts.includes("PONG"));
    expect(sim.venue.marketChannel.rejectedMessages).toBe(7);
    const u = await Collector.open(`${sim.urls.ws}/user`);
    u.send("not json");
    u.send("PING");
    await u.until(() => u.texts.includes("PONG"));
    expect(u.closed).toBeUndefined();
    expect(sim.venue.userChannel.rejectedMessages).toBe(1);
  });

  it("REST rejects malformed and oversized bodies with the error shape and keeps serving", async () => {
    const { sim } = await startSim();
    const me = sim.credentials;
    const { clob } = sim.urls;
    expect(await rest(clob, "POST", "/order", { body: "{not json", creds: me })).toMatchObject({
      status: 400,
      body: { error: "Invalid order payload" },
    });
    expect(
      await rest(clob, "POST", "/order", { body: { order: { salt: "x" }, owner: me.apiKey, orderType: "GTC" }, creds: me }),
    ).toMatchObject({ status: 400 });
    const yes = sim.venue.allMarkets()[0]!.info.yes.tokenId;
    const nan = orderBody(me, yes, "BUY", 0.5, 10);
    expect(await rest(clob, "POST", "/order", { body: { ...nan, order: { ...nan.order, makerAmount: "NaN" } }, creds: me })).toMatchObject({
      status: 400,
    });
    const huge = await fetch(`${clob}/books`, { method: "POST", body: "x".repeat(1_100_000) });
    expect(huge.status).toBe(413);
    expect(await rest(clob, "GET", "/price?token_id=1&side=UP")).toMatchObject({ status: 404 });
    expect(await rest(clob, "GET", `/price?token_id=${yes}&side=UP`)).toMatchObject({ status: 400, body: { error: "Invalid side" } });
    expect(await rest(clob, "GET", "/nope")).toMatchObject({ status: 404, body: { error: "not found" } });
    expect(await rest(clob, "GET", "/data/trades?before=yesterday", { creds: me })).toMatchObject({ status: 400 });
    expect((await rest(clob, "GET", "/ok")).status).toBe(200);
  });
});
