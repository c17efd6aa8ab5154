/**
 * Effect lifecycles: the client and the metadata sync as scoped resources, released (sockets
 * closed, sync stopped and its in-flight run aborted) when their scope closes.
 */
import { Effect, type Scope } from "effect";
import { PolymarketClient, type PolymarketClientOptions } from "./client.js";
import { MetadataSync, type MetadataSyncOptions } from "./metadata-sync.js";

export const polymarketClientScoped = (options: PolymarketClientOptions = {}): Effect.Effect<PolymarketClient, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => new PolymarketClient(options)),
    (client) => Effect.promise(() => client.close()),
  );

/** A started `MetadataSync` (first run immediately, then every `intervalMs`), stopped with its scope. */
export const metadataSyncScoped = (options: MetadataSyncOptions): Effect.Effect<MetadataSync, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const sync = new MetadataSync(options);
      sync.start();
      return sync;
    }),
    (sync) => Effect.promise(() => sync.stop()),
  );
