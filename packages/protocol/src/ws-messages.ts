/** Client → server WebSocket messages (POLYMARKET.md §2.1, §3.1). */
import type { ApiCredentials } from "./auth/l2.js";
import type { WireMarketSubscribe, WireMarketSubscriptionUpdate } from "./wire/market.js";
import type { WireUserSubscribe } from "./wire/user.js";

/** First message on a market socket: token ids (`assets_ids`, note the spelling), type "market". */
export function marketSubscribeMessage(
  assetIds: readonly string[],
  options: { readonly customFeatures?: boolean; readonly initialDump?: boolean } = {},
): WireMarketSubscribe {
  return {
    assets_ids: [...assetIds],
    type: "market",
    ...(options.customFeatures !== undefined ? { custom_feature_enabled: options.customFeatures } : {}),
    ...(options.initialDump !== undefined ? { initial_dump: options.initialDump } : {}),
  };
}

/** Dynamic (un)subscribe on an open market socket (~Dec 2025 onward). */
export function marketSubscriptionUpdateMessage(
  operation: "subscribe" | "unsubscribe",
  assetIds: readonly string[],
  options: { readonly customFeatures?: boolean } = {},
): WireMarketSubscriptionUpdate {
  return {
    assets_ids: [...assetIds],
    operation,
    ...(operation === "subscribe" && options.customFeatures !== undefined ? { custom_feature_enabled: options.customFeatures } : {}),
  };
}

/**
 * User-channel subscription. It carries the raw API secret and passphrase (the venue wants them in
 * clear over TLS): never log or record this message.
 */
export function userSubscribeMessage(creds: ApiCredentials, conditionIds: readonly string[] = []): WireUserSubscribe {
  return { auth: { apiKey: creds.key, secret: creds.secret, passphrase: creds.passphrase }, markets: [...conditionIds], type: "user" };
}
