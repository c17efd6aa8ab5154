// @mm/caches: order books over integer ticks, the book store, reference snapshots and read-only
// views. Staleness and trust are reported, never acted on (law D). Depends on @mm/types only.
export { OrderBook, type LevelChange, type LevelInput } from "./order-book.js";
export {
  BookStore,
  BookStoreStats,
  type Bbo,
  type BookStoreOptions,
  type MarketBooks,
  type TokenLevelChange,
} from "./book-store.js";
export {
  ReferenceCache,
  ReferenceCacheStats,
  REFERENCE_REJECT_REASONS,
  type ReferenceRejectReason,
  type ReferenceUpdateMeta,
} from "./reference-cache.js";
export { BOOK_REJECT_REASONS, type BookRejection, type BookRejectReason, type FrameKind } from "./rejections.js";
