export type { BenchContext, BenchResult, BenchSpec, Measured, Target } from "./types.js";
export { defineBenches, describeTarget, formatTable, runBenches, smokeRun, toResult } from "./run.js";
export {
  compareNsPerOp,
  measureNsPerOp,
  median,
  nsPerOp,
  percentile,
  sampleLatencies,
  type MeasureOptions,
} from "./measure.js";
