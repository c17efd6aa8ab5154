// The only allowed dependency arrows between workspace packages (../shared/ARCHITECTURE.md).
// Keys and values are workspace package names. Tooling packages (@mm/tsconfig, @mm/vitest-config,
// @mm/tsup-config, @mm/bench, @mm/boundaries) are build/test infrastructure and allowed anywhere
// as devDependencies; they must never be runtime dependencies.

const LIBRARIES = [
  "@mm/types",
  "@mm/protocol",
  "@mm/caches",
  "@mm/feeds",
  "@mm/strategy",
  "@mm/executor",
  "@mm/gateway",
  "@mm/storage",
  "@mm/ingestion",
  "@mm/venue-sim",
];

/** @type {Record<string, readonly string[]>} */
export const ALLOWED = {
  "@mm/types": [],
  "@mm/protocol": ["@mm/types"],
  "@mm/caches": ["@mm/types"],
  "@mm/feeds": ["@mm/types", "@mm/protocol", "@mm/caches"],
  "@mm/strategy": ["@mm/types", "@mm/caches"],
  "@mm/executor": ["@mm/types"],
  "@mm/gateway": ["@mm/types", "@mm/protocol"],
  "@mm/storage": ["@mm/types"],
  "@mm/ingestion": ["@mm/types", "@mm/protocol", "@mm/storage"],
  "@mm/venue-sim": ["@mm/types", "@mm/protocol"],
  bot: LIBRARIES,
  backtester: [
    "@mm/types",
    "@mm/protocol",
    "@mm/caches",
    "@mm/strategy",
    "@mm/executor",
    "@mm/venue-sim",
    "@mm/storage",
    "orderbook-recorder",
  ],
  "orderbook-recorder": ["@mm/types", "@mm/protocol", "@mm/feeds", "@mm/caches", "@mm/ingestion"],
};

export const TOOLING = new Set(["@mm/tsconfig", "@mm/vitest-config", "@mm/tsup-config", "@mm/bench", "@mm/boundaries"]);
