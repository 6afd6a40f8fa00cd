/** Content sniffing of uploaded files: by bytes, never by name. Pure except `sniffFile`. */
import { open } from "node:fs/promises";

import type { FileKind } from "./file-kinds";
import { REPORT_FIRST_LINE } from "@/lib/parsers/collector-report/parse";

export type { FileKind } from "./file-kinds";

export const SNIFF_HEAD_BYTES = 64 * 1024;

const PCAP_MAGICS = new Set([0xa1b2c3d4, 0xa1b23c4d, 0xd4c3b2a1, 0x4d3cb2a1]);

/** ISO-8601 timestamp (date, T, time, optional fraction, Z or offset). */
const TS = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?`;
/** Event line `TS [` / console line `TS [PID]`, plain `TS LEVEL PID `, stats `TS stats PID `. */
const LOG_LINE_RE = new RegExp(
  String.raw`^\uFEFF?${TS} (?:\[|(?:error|warn|warning|info|debug|trace|fatal|stats) \d+ )`,
  "i",
);
const CONFIG_KEY_RE = /^\uFEFF?(?:edgemicro|edge_config|proxies)\s*:(?:\s|$)/m;

export function isTarHeader(head: Uint8Array): boolean {
  if (head.length < 262) return false;
  // "ustar\0" (POSIX) or "ustar " (GNU) at offset 257
  return head[257] === 0x75 && head[258] === 0x73 && head[259] === 0x74 && head[260] === 0x61 && head[261] === 0x72;
}

function looksBinary(head: Buffer): boolean {
  return head.indexOf(0) !== -1;
}

/**
 * A message's own line breaks and a stack's header after a log line ("Error: connect ECONNREFUSED …", "][EPROTO][41]"
 * when an OpenSSL message ends in a newline): at most this many in a row go with the line before.
 */
const MAX_CONTINUATION_LINES = 3;
const STARTS_WITH_TS = new RegExp(String.raw`^\uFEFF?${TS}`);

/** True when most of the first few non-blank lines look like gateway log lines. */
function looksLikeGatewayLog(text: string): boolean {
  const lines: string[] = [];
  let continuation = -1; // lines since the last log line; -1 before any
  for (const raw of text.split(/\r?\n/)) {
    // Blank lines and indented stack-trace frames ("    at fn (file:1:2)") do not count.
    if (raw.trim() === "" || /^\s/.test(raw)) continue;
    // Nor does what continues a log line (stack_trace: true writes each failure's stack after it, blind random-1279).
    if (LOG_LINE_RE.test(raw)) continuation = 0;
    else if (continuation >= 0 && continuation < MAX_CONTINUATION_LINES && !STARTS_WITH_TS.test(raw)) {
      continuation++;
      continue;
    } else continuation = -1;
    lines.push(raw);
    if (lines.length >= 12) break;
  }
  if (lines.length === 0) return false;
  let hits = 0;
  for (const l of lines) if (LOG_LINE_RE.test(l)) hits++;
  const firstIsLog = LOG_LINE_RE.test(lines[0]);
  if (!firstIsLog && hits < 2) return false;
  return hits * 2 > lines.length || (firstIsLog && hits * 2 >= lines.length);
}

function looksLikeGatewayConfig(text: string): boolean {
  return CONFIG_KEY_RE.test(text);
}

export function sniff(head: Buffer): FileKind {
  if (head.length === 0) return "empty";
  if (head.length >= 4) {
    if (head[0] === 0x50 && head[1] === 0x4b) {
      if ((head[2] === 0x03 && head[3] === 0x04) || (head[2] === 0x05 && head[3] === 0x06)) return "zip";
    }
    const be = head.readUInt32BE(0);
    if (PCAP_MAGICS.has(be)) return "pcap";
    if (be === 0x0a0d0d0a) return "pcapng";
  }
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (isTarHeader(head)) return "tar";
  if (looksBinary(head)) return "unknown";
  if (head.every((b) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d)) return "empty";
  const text = head.toString("utf8");
  if (REPORT_FIRST_LINE.test(text.split("\n", 1)[0])) return "collector-report";
  if (looksLikeGatewayLog(text)) return "gateway-log";
  if (looksLikeGatewayConfig(text)) return "gateway-config";
  return "unknown";
}

/** Reads up to the first 64 KiB of a file and sniffs it. */
export async function sniffFile(filePath: string): Promise<FileKind> {
  return sniff(await readHead(filePath));
}

export async function readHead(filePath: string, bytes = SNIFF_HEAD_BYTES): Promise<Buffer> {
  const fh = await open(filePath, "r");
  try {
    const buf = Buffer.alloc(bytes);
    let off = 0;
    while (off < bytes) {
      const { bytesRead } = await fh.read(buf, off, bytes - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    return buf.subarray(0, off);
  } finally {
    await fh.close();
  }
}
