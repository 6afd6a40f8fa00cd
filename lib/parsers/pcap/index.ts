export { CaptureReader, readCapture, MAX_RECORD_BYTES, type CaptureLayout } from "./reader";
export { readFrameRange, type FrameRange, type ReadAt } from "./range";
export * from "./types";
