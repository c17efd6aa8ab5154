// @mm/strategy: reference-anchored fair value, inventory-skewed quoting and regime control,
// emitting YES-space intent (DesiredQuoteSet). Pure functions plus a small driver; no I/O.
export { normalCdf, normalPdf } from "./normal.js";
export {
  annualToPerSqrtSecond,
  contractFairValue,
  d2,
  digitalAbove,
  digitalBelow,
  perSqrtSecondToAnnual,
  isUpDownContract,
  SECONDS_PER_YEAR,
  type ContractSpec,
  type StrikeContract,
  type UpDownContract,
  type ContractTimes,
  type FairValue,
  type FairValueError,
  type FairValueErrorCode,
  type FairValuePhase,
} from "./pricer.js";
export {
  DEFAULT_EWMA_VOLATILITY_CONFIG,
  EwmaVolatility,
  validateEwmaVolatilityConfig,
  type EwmaVolatilityConfig,
  type EwmaVolatilityStats,
  type JumpObservation,
  type ObserveOutcome,
  type VolatilityEstimate,
} from "./volatility.js";
export { FLAT_INVENTORY, yesSpaceExposureShares, type InventoryReader, type MarketInventory, type PositionLike } from "./inventory.js";
export { pulledQuoteSet, type Strategy, type StrategyInputs, type StrategyReasonCode } from "./strategy.js";
export { isValidDesiredQuoteSet, validateDesiredQuoteSet } from "./validate.js";
export { buildLadder, ceilToTick, floorToTick, type Ladder, type LadderInput, type LadderLevel } from "./ladder.js";
export { readYesSpaceBook, type BookProblem, type YesSpaceBook } from "./book-state.js";
export {
  computeReferenceQuote,
  DEFAULT_REFERENCE_STRATEGY_CONFIG,
  makeReferenceStrategy,
  resolveReferenceStrategyConfig,
  validateReferenceStrategyConfig,
  type ReferenceQuoteDiagnostics,
  type ReferenceQuoteResult,
  type ReferenceStrategyConfig,
  type ReferenceStrategyOptions,
} from "./reference-strategy.js";
export {
  computeBandsQuote,
  DEFAULT_BANDS_STRATEGY_CONFIG,
  makeBandsStrategy,
  validateBandsStrategyConfig,
  type Band,
  type BandsStrategyConfig,
} from "./bands-strategy.js";
export { LatestSlot } from "./latest-slot.js";
export { OpeningPriceTracker } from "./open-price.js";
export {
  StrategyDriver,
  StrategyDriverRouter,
  type DriverProblem,
  type StrategyDriverOptions,
  type StrategyDriverStats,
} from "./driver.js";
