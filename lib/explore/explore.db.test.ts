import { execFileSync } from "node:child_process";
import { createReadStream, existsSync, readdirSync, readFileSync } from "node:fs";
import { Readable } from "node:stream";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openForFile, SAMPLE_DIR } from "@/lib/testing/test-db";
import { addFiles, createIncident } from "@/lib/ingest/bundle";
import { openSampleLog, parseQueued } from "@/lib/testing/worker";
import { lineContext } from "./context";
import { lineIndexPath } from "./line-index-file";
import { lineFacets, queryLines, type ViewOptions } from "./query";
import { LineQuery, TransactionQuery } from "./schema";
import { getTransaction, listTransactions } from "./transactions";

/*
 * Expected numbers, counted on the sample log with grep (F=edgemicro-gw01-*-api.log):
 *   wc -l $F                                   → 123 lines (none blank)
 *   grep -c '\]\[ECONNRESET\]\[' $F             → 6
 *   grep -c '^2026-.*Z \[error\]' $F            → 6
 *   grep -c '\]\[502\]\[' $F                    → 3
 *   grep -c '\]\[[0-9a-f-]\{36\}\]\[' $F        → 122 event lines, all of transactions to target 127.0.0.1:28081
 *   grep -ic 'socket hang' $F                   → 6
 *   awk '$1>="2026-11-23T19:34:10" && $1<"2026-11-23T19:34:20"' $F | wc -l → 40
 *   grep -c 14a95568-eac9-4826-8972-95527389bce5 $F → 4 lines of the 502 for /items/2
 * The README of the sample: 25 requests, 3 answered 502 (the keep-alive races of lib/analysis/connections.db.test.ts).
 */
const sample = openForFile(openSampleLog);
/** The stored copy of the sample log, for `sed` to print lines from. */
const logBlob = () => sample.store.pathOf(sample.log.sha256);

const lines = (q: Record<string, unknown>, opts?: ViewOptions) =>
  queryLines(sample.t.handle.prisma, sample.store, sample.incidentId, LineQuery.parse(q), opts);

describe("log explorer over the sample incident", () => {
  it("writes the line index beside the blobs and lists every line", async () => {
    expect(existsSync(lineIndexPath(sample.t.dataDir, sample.log.id))).toBe(true);
    const all = await lines({});
    expect(all.candidates).toBe(123);
    expect(all.lines).toHaveLength(100);
    expect(all.nextCursor).toBe(100);
    expect(all.unindexed).toEqual([]);
    const first = all.lines[0];
    expect(first).toMatchObject({ lineNo: 1, kind: "record", level: "info" });
    // Each line is the stored (redacted) file's line: sed -n '<n>p'
    const sed = (a: number, b: number) =>
      execFileSync("sed", ["-n", `${a},${b}p`, logBlob()], { encoding: "utf8" })
        .split("\n")
        .slice(0, b - a + 1);
    expect(all.lines.slice(0, 20).map((l) => l.text)).toEqual(sed(1, 20));
    const last = await lines({ cursor: "100" });
    expect([last.lines.length, last.nextCursor, last.prevCursor, last.lines.at(-1)!.lineNo]).toEqual([
      23,
      null,
      0,
      123,
    ]);
  });

  it("filters by error code, level, status, target, correlation id and time range", async () => {
    const econn = await lines({ errCode: "ECONNRESET" });
    expect(econn.candidates).toBe(6);
    expect(econn.lines.every((l) => l.errCode === "ECONNRESET" && l.text.includes("[ECONNRESET]"))).toBe(true);
    expect((await lines({ level: "error" })).candidates).toBe(6);
    expect((await lines({ status: "502" })).candidates).toBe(3);
    expect((await lines({ status: "5xx" })).candidates).toBe(3);
    expect((await lines({ target: "127.0.0.1:28081" })).candidates).toBe(122);
    expect((await lines({ target: "127.0.0.1:28081", errCode: "ECONNRESET", level: "error" })).candidates).toBe(6);
    expect((await lines({ target: "10.9.9.9:1" })).candidates).toBe(0);
    expect((await lines({ proxy: "/emg_badtarget" })).candidates).toBe(122);
    expect((await lines({ correlationId: "14a95568-eac9-4826-8972-95527389bce5" })).candidates).toBe(4);
    expect((await lines({ from: "2026-11-23T19:34:10Z", to: "2026-11-23T19:34:20Z" })).candidates).toBe(40);
    expect((await lines({ errCode: "NOPE" })).candidates).toBe(0);
    expect(() => LineQuery.parse({ status: "50" })).toThrow();
  });

  it("searches free text page by page and says how far it scanned", async () => {
    const one = await lines({ q: "SOCKET HANG", limit: "4" });
    expect(one.lines).toHaveLength(4);
    expect(one.text!.scannedTo).toBe(one.nextCursor);
    const rest = await lines({ q: "SOCKET HANG", limit: "4", cursor: String(one.nextCursor) });
    expect(rest.lines).toHaveLength(2);
    expect(rest.nextCursor).toBeNull();
    expect(rest.text!.scannedTo).toBe(123);
    expect(new Set([...one.lines, ...rest.lines].map((l) => l.lineNo)).size).toBe(6);
  });

  it("shows a line in context exactly as sed -n prints it", async () => {
    const ctx = await lineContext(sample.t.handle.prisma, sample.store, sample.incidentId, {
      file: sample.log.id,
      line: 60,
      around: 3,
    });
    const expected = execFileSync("sed", ["-n", "57,63p", logBlob()], { encoding: "utf8" }).trimEnd().split("\n");
    expect(ctx!.lines.map((l) => l.lineNo)).toEqual([57, 58, 59, 60, 61, 62, 63]);
    expect(ctx!.lines.map((l) => l.text)).toEqual(expected);
    const end = await lineContext(sample.t.handle.prisma, sample.store, sample.incidentId, {
      file: sample.log.id,
      line: 122,
      around: 5,
    });
    expect(end!.lines.map((l) => l.lineNo)).toEqual([117, 118, 119, 120, 121, 122, 123]);
    expect(end!.atEnd).toBe(true);
    expect(
      await lineContext(sample.t.handle.prisma, sample.store, "inc_other", { file: sample.log.id, line: 1, around: 1 }),
    ).toBeNull();
  });

  it("masks the client id (x-api-key) in shared views, in lines, search and context", async () => {
    // grep -c '\[demo-client\]' $F → 122 (every event line carries the key); sed -n 1,100p $F | grep -c … → 99 on page 1
    const own = await lines({});
    expect(own.lines.filter((l) => l.text.includes("[demo-client]"))).toHaveLength(99);
    const shared = await lines({ limit: "500" }, { maskClientIds: true });
    expect(shared.lines.some((l) => l.text.includes("demo-client"))).toBe(false);
    expect(shared.lines.filter((l) => l.text.includes("[de*******nt][")).length).toBe(122);
    const guess = await lines({ q: "demo-client" }, { maskClientIds: true });
    expect(guess.lines).toHaveLength(0);
    const ctx = await lineContext(
      sample.t.handle.prisma,
      sample.store,
      sample.incidentId,
      { file: sample.log.id, line: 60, around: 3 },
      {
        maskClientIds: true,
      },
    );
    expect(ctx!.lines.every((l) => l.text.includes("[de*******nt]"))).toBe(true);
    const tx = await getTransaction(
      sample.t.handle.prisma,
      sample.store,
      sample.incidentId,
      "14a95568-eac9-4826-8972-95527389bce5",
      { maskClientIds: true },
    );
    expect(tx!.lines.lines.every((l) => !l.text.includes("demo-client"))).toBe(true);
  });

  it("offers the filter values found in the logs", async () => {
    const f = await lineFacets(sample.t.handle.prisma, sample.store, sample.incidentId);
    expect(f.errCodes).toEqual(["ECONNRESET"]);
    expect(f.levels).toEqual(["error", "info"]);
    expect(f.statuses).toContain(502);
    expect(f.targets).toEqual(["127.0.0.1:28081"]);
    expect(f.pids).toEqual(["7600"]);
  });
});

describe("drill-down", () => {
  it("lists the 5xx transactions of a time bucket and of a target", async () => {
    const db = sample.t.handle.prisma;
    const errs = await listTransactions(db, sample.incidentId, TransactionQuery.parse({ minStatus: "500" }));
    expect(errs.total).toBe(3);
    expect(
      errs.transactions.every(
        (x) => x.status === 502 && x.errCode === "ECONNRESET" && x.connection?.class === "keepalive-race",
      ),
    ).toBe(true);
    // The first 502 is at 19:33:57.874 (grep -n 502: line 10): a 10 s bucket from 19:33:50 holds it alone.
    const bucket = await listTransactions(
      db,
      sample.incidentId,
      TransactionQuery.parse({
        from: "2026-11-23T19:33:50Z",
        to: "2026-11-23T19:34:00Z",
        minStatus: "500",
        errCode: "ECONNRESET",
      }),
    );
    expect(bucket.transactions.map((x) => x.url)).toEqual(["emg_badtarget/items/2"]);
    const all = await listTransactions(
      db,
      sample.incidentId,
      TransactionQuery.parse({ target: "127.0.0.1:28081", pageSize: "10", page: "3" }),
    );
    expect([all.total, all.transactions.length]).toEqual([25, 5]);
  });

  it("opens one 502 with its lines, its keep-alive race and the cause", async () => {
    const tx = await getTransaction(
      sample.t.handle.prisma,
      sample.store,
      sample.incidentId,
      "14a95568-eac9-4826-8972-95527389bce5",
    );
    expect(tx!.transactions[0]).toMatchObject({ status: 502, errCode: "ECONNRESET", url: "emg_badtarget/items/2" });
    expect(tx!.lines.lines.map((l) => l.lineNo)).toEqual([7, 8, 9, 10]);
    expect(tx!.connection?.class).toBe("keepalive-race");
    expect(tx!.connection?.ladder.some((s) => s.flags.includes("FIN"))).toBe(true);
    expect(tx!.cause.cause).toBe("keepalive-mismatch");
    expect(await getTransaction(sample.t.handle.prisma, sample.store, sample.incidentId, "nope")).toBeNull();
  });
});

describe("two log files", () => {
  it("merges their lines by time and filters one file", async () => {
    const db = sample.t.handle.prisma;
    const log = readdirSync(SAMPLE_DIR).find((f) => f.endsWith("-api.log"))!;
    const put = await sample.store.put(createReadStream(path.join(SAMPLE_DIR, log)));
    // The same lines with CRLF endings (the parser drops the CR): equal bytes would be one file, the copy skipped.
    const crlf = readFileSync(path.join(SAMPLE_DIR, log), "utf8").replace(/\n/g, "\r\n");
    const putB = await sample.store.put(Readable.from([Buffer.from(crlf)]));
    const inc = await createIncident(db, sample.store, []);
    await addFiles(db, sample.store, inc.id, [
      { name: "gw01-a.log", sha256: put.sha256, size: put.size },
      { name: "gw01-b.log", sha256: putB.sha256, size: putB.size },
    ]);
    await parseQueued(db, sample.t.dataDir);
    const q = (x: Record<string, unknown>) => queryLines(db, sample.store, inc.id, LineQuery.parse(x));
    const all = await q({ limit: "500" });
    expect(all.candidates).toBe(246);
    expect(all.files).toHaveLength(2);
    const ts = all.lines.map((l) => l.ts ?? 0);
    expect(ts.every((v, i) => i === 0 || v >= ts[i - 1])).toBe(true);
    // Same line of both files side by side (equal time stamps: the first file first).
    expect(all.lines.slice(0, 2).map((l) => [l.file, l.lineNo])).toEqual([
      ["gw01-a.log", 1],
      ["gw01-b.log", 1],
    ]);
    const one = await q({ file: all.files[1].id, errCode: "ECONNRESET" });
    expect(one.candidates).toBe(6);
    expect(one.lines.every((l) => l.file === "gw01-b.log")).toBe(true);
  });
});
