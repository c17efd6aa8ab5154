import { describe, expect, it } from "vitest";
import {
  marketSubscribeMessage,
  marketSubscriptionUpdateMessage,
  userSubscribeMessage,
  WireMarketSubscribeSchema,
  WireMarketSubscriptionUpdateSchema,
  WireUserSubscribeSchema,
} from "../src/index.js";
import { readFixtureJson } from "./fixtures.js";

describe("subscription messages", () => {
  it("match the documented shapes", () => {
    const initial = marketSubscribeMessage(["<token_id_1>", "<token_id_2>"], { customFeatures: true });
    expect(initial).toEqual(readFixtureJson("docs_examples/ws_market_subscribe_initial.json"));
    expect(WireMarketSubscribeSchema.safeParse(initial).success).toBe(true);
    const sub = marketSubscriptionUpdateMessage("subscribe", ["new_asset_id_1", "new_asset_id_2"], { customFeatures: true });
    expect(sub).toEqual(readFixtureJson("docs_examples/ws_market_subscribe_dynamic.json"));
    const unsub = marketSubscriptionUpdateMessage("unsubscribe", ["asset_id_to_remove"], { customFeatures: true });
    expect(unsub).toEqual(readFixtureJson("docs_examples/ws_market_unsubscribe_dynamic.json"));
    expect(WireMarketSubscriptionUpdateSchema.safeParse(unsub).success).toBe(true);
    const user = userSubscribeMessage({ key: "your-api-key", secret: "your-api-secret", passphrase: "your-passphrase" }, [
      "0x1234...condition_id",
    ]);
    expect(user).toEqual(readFixtureJson("docs_examples/ws_user_subscribe.json"));
    expect(WireUserSubscribeSchema.safeParse(user).success).toBe(true);
    expect(marketSubscribeMessage(["1"], { initialDump: false })).toEqual({ assets_ids: ["1"], type: "market", initial_dump: false });
  });
});
