import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, type TestEnv } from "@/lib/testing/test-db";
import { insertTransactions, type TransactionRow } from "./bulk";
import { insertConnections, type ClassifiedConnection } from "./bulk-connections";
import { copyDriver, copyField, copyText } from "./copy";
import { copyConnections, copyTransactions } from "./copy-inserts";

// Text that COPY's text format must escape (tab, newline, carriage return, backslash, a literal "\N") and text it
// must not touch (quotes, commas, non-ASCII, characters outside the BMP).
const AWKWARD = ["tab\there", "two\nlines", "cr\r\nlf", "back\\slash \\N \\t", `quotes " ' , ;`, "naïve – 日本 🚀", "\\", "", " lead and trail "];

describe("copyField / copyText", () => {
  it("writes NULL as \\N and escapes backslash, tab, newline and carriage return", () => {
    expect(copyField(null)).toBe("\\N");
    expect(copyField("a\tb\nc\rd\\e")).toBe("a\\tb\\nc\\rd\\\\e");
    expect(copyField("\\N")).toBe("\\\\N");
    expect(copyField(`"é" 🚀`)).toBe(`"é" 🚀`);
    expect(copyField(42)).toBe("42");
    expect(copyField({ a: "x\ty" })).toBe('{"a":"x\\\\ty"}');
    expect(copyText([["a", null], ["b\t", 1]])).toBe("a\t\\N\nb\\t\t1\n");
    expect(copyText([])).toBe("");
  });
});

function transactions(): TransactionRow[] {
  return AWKWARD.map((s, i) => ({
    correlationId: `c-${i}-${s}`, startTs: Date.UTC(2026, 10, 23, 19, 0, 0, i), endTs: Date.UTC(2026, 10, 23, 19, 0, 1, i),
    method: "GET", url: `/p/${s}`, proxy: i % 2 ? null : s, target: i % 3 ? `t:${i}` : null,
    status: i % 2 ? 502 : null, errMessage: i % 2 ? s : null, errCode: i % 4 ? "ECONNRESET" : null, durationMs: i % 2 ? null : i,
    lineNo: i + 1, byteOffset: 2 ** 40 + i, lineCount: 5,
  }));
}

function connections(): ClassifiedConnection[] {
  return AWKWARD.map((s, i) => ({
    id: i, gateway: { host: "10.1.2.3", port: 40000 + i }, target: { host: "10.9.9.9", port: 8080 },
    startUs: 1_764_000_000_000_000 + i * 1000, endUs: 1_764_000_001_000_000 + i * 1000,
    firstFrame: i, lastFrame: i + 10, packetsG2T: 5, packetsT2G: 5, bytesG2T: 2 ** 33 + i, bytesT2G: 100,
    closer: i % 2 ? "target" : null, closeKind: i % 2 ? "RST" : null, closeUs: i % 2 ? 1_764_000_001_000_000 : null, closeFrame: i % 2 ? i + 10 : null,
    targetRst: i % 2 === 1, gatewayRst: false, retransmissions: 0, gaps: 0, connState: "RSTR", history: `ShAD${s.length}`,
    exchanges: [{
      method: "GET", path: `/x/${s}`, reqTsUs: 1, reqFrame: 2, status: 200, respTsUs: 3, respFrame: 4, connectionHeader: s,
      keepAliveTimeoutS: null, contentLength: 12, chunked: false, complete: true, reqAckedUs: null, responseBytes: 12, prevActivityUs: null,
    }],
    idleGapMs: i % 2 ? null : i + 0.25,
    ladder: [{ frame: i, tsUs: 5, dir: "g2t", flags: "PA", seq: 1, ack: 1, len: 10, note: s }, { frame: i + 1, tsUs: 6, dir: "t2g", flags: "R", seq: 2, ack: 0, len: 0 }],
    ladderOmitted: i,
    cls: { code: "keepalive-race", reason: `reason ${s}` },
  }));
}

describe("COPY stores what the unnest inserts store", () => {
  let t: TestEnv;
  beforeAll(async () => {
    t = await openTestDb();
    await t.handle.prisma.incident.create({ data: { id: "inc", title: "copy" } });
  });
  afterAll(async () => t.cleanup());

  it("LogTransaction rows", async () => {
    const db = t.handle.prisma;
    const rows = transactions();
    await insertTransactions(db, "inc", "unnest", rows);
    await copyTransactions(copyDriver(db)!, "inc", "copy", rows);
    const read = (fileId: string) =>
      db.logTransaction.findMany({ where: { fileId }, orderBy: { lineNo: "asc" }, omit: { id: true, fileId: true } });
    const viaCopy = await read("copy");
    expect(viaCopy).toHaveLength(AWKWARD.length);
    expect(viaCopy).toEqual(await read("unnest"));
    expect(viaCopy.map((r) => r.url)).toEqual(AWKWARD.map((s) => `/p/${s}`));
    expect(viaCopy[1].proxy).toBeNull();
  });

  it("TcpConnection rows, JSON columns included", async () => {
    const db = t.handle.prisma;
    const conns = connections();
    await insertConnections(db, "inc", "unnest", conns);
    await copyConnections(copyDriver(db)!, "inc", "copy", conns);
    const read = (fileId: string) =>
      db.tcpConnection.findMany({ where: { fileId }, orderBy: { connIndex: "asc" }, omit: { id: true, fileId: true } });
    const viaCopy = await read("copy");
    expect(viaCopy).toHaveLength(AWKWARD.length);
    expect(viaCopy).toEqual(await read("unnest"));
    expect(viaCopy.map((r) => (r.ladder as Array<{ note?: string }>)[0].note)).toEqual(AWKWARD);
    expect(viaCopy.map((r) => r.classReason)).toEqual(AWKWARD.map((s) => `reason ${s}`));
  });
});
