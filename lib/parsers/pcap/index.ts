export { CaptureReader, readCapture, MAX_RECORD_BYTES } from "./reader";
export * from "./types";
