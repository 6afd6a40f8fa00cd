export type {
  ConsoleLine,
  EventLine,
  LogItem,
  LogParserOptions,
  MalformedLine,
  MalformedReason,
  RecordLine,
  StatsDelta,
  StatsLine,
  StatsTotals,
  StatusCodeCounts,
  Transaction,
} from "./types";
export { DEFAULT_MAX_LINE_BYTES, LogLineParser, MAX_STACK_CHARS, parseLog } from "./parse";
export { DEFAULT_TX_WINDOW_MS, TransactionStitcher } from "./transactions";
export { StatsAccumulator } from "./stats";
