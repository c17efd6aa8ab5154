// orderbook-recorder: the library surface shared with the backtester (segment format, writer,
// reader, book replayer). The CLI lives in `main.ts`.
export {
  BLOCK_HEADER_BYTES,
  Codec,
  codecName,
  FILE_HEADER_BYTES,
  forEachRecord,
  FORMAT_VERSION,
  jsonPayload,
  RECORD_HEAD,
  RecordBuffer,
  recordsOf,
  RecordType,
  recordTypeName,
  type AssetsPayload,
  type BlockHeader,
  type CheckpointBook,
  type CheckpointMarkPayload,
  type CheckpointPayload,
  type CodecName,
  type ConnPayload,
  type RecordTypeId,
  type RecordTypeName,
  type SegmentRecord,
} from "./segment/format.js";
export {
  indexPathOf,
  segmentFileName,
  SegmentIndexSchema,
  type BlockEntry,
  type CheckpointEntry,
  type GapEntry,
  type SegmentIndex,
} from "./segment/index-file.js";
export { SegmentWriter, type SegmentWriterOptions, type SegmentWriterStats } from "./segment/writer.js";
export {
  listSegments,
  newReadStats,
  openSegmentInfo,
  readBlock,
  readEvents,
  readFrames,
  readRecords,
  scanSegment,
  segmentRecords,
  type FrameQuery,
  type ReadStats,
  type RecordedEvent,
  type RecordedFrame,
  type RecordQuery,
  type SegmentInfo,
} from "./segment/reader.js";
export { BookReplayer, diffBooks, ReplayerStats, type AppliedEvent, type ReplayerOptions } from "./books/replayer.js";
export { replay, SequenceChecker, type ReplayOptions, type ReplayResult, type SequenceStats } from "./replay.js";
// The recording composition itself, for running a recorder in-process (tools, end-to-end tests).
export { Recorder, type RecorderOptions, type RecorderStats } from "./recorder.js";
