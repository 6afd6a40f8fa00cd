import { SAMPLE_DIR } from "@/lib/testing/samples";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LogLineParser } from "./parse";
import { TransactionStitcher } from "./transactions";
import type { EventLine, Transaction } from "./types";

const sampleName = existsSync(SAMPLE_DIR)
  ? readdirSync(SAMPLE_DIR).find((f) => f.startsWith("edgemicro-gw01-") && f.endsWith(".log"))
  : undefined;

function events(text: string | Buffer): EventLine[] {
  const p = new LogLineParser();
  const items = [...p.push(typeof text === "string" ? Buffer.from(text) : text), ...p.end()];
  return items.filter((i): i is EventLine => i.kind === "event");
}

function stitch(evs: EventLine[], windowMs?: number): Transaction[] {
  const s = new TransactionStitcher({ windowMs });
  const out: Transaction[] = [];
  for (const e of evs) out.push(...s.add(e));
  return out.concat(s.flush());
}

function ev(
  ts: string,
  host: string,
  corr: string,
  component: string,
  message: string,
  status = "",
  err = "",
  code = "",
  dur = "",
  level = "info",
): string {
  return `${ts} [${level}][${host}][3][acme][prod][emg/x][10.0.0.9][key1][${corr}][${component}][${message}][GET][${status}][${err}][${code}][${dur}]`;
}

describe.skipIf(!sampleName)("transactions of the real sample", () => {
  const txs = stitch(events(readFileSync(path.join(SAMPLE_DIR, sampleName ?? ""))));

  it("finds 25 transactions, 22 x 200 and 3 x 502", () => {
    // grep -o '\]\[[0-9a-f-]\{36\}\]\[' FILE | sort -u | wc -l  -> 25
    expect(txs.length).toBe(25);
    // grep -c '\]\[sourceResponse\]\[[A-Z]*\]\[200\]' FILE  -> 22
    expect(txs.filter((t) => t.status === 200).length).toBe(22);
    // grep -c '\]\[targetResponse\]\[[A-Z]*\]\[200\]' FILE  -> 22
    expect(txs.filter((t) => t.targetStatus === 200).length).toBe(22);
    // ... | sort | uniq -c | awk '{print $1}' | sort | uniq -c  -> "3 4" and "22 5" (lines per id)
    expect(txs.filter((t) => t.lineCount === 5).length).toBe(22);
    expect(txs.filter((t) => t.lineCount === 4).length).toBe(3);
    for (const t of txs) {
      expect(t.target).toBe("127.0.0.1:28081");
      expect(t.gatewayHost).toBe("127.0.0.1:28000");
      expect(t).toMatchObject({
        org: "acme",
        env: "prod",
        pid: "7600",
        clientIp: "127.0.0.1",
        clientId: "demo-client",
      });
    }
  });

  it("reads the three 502s", () => {
    const bad = txs.filter((t) => t.status === 502);
    // grep '\]\[502\]\[' FILE | awk -F'[][]' '{print $18, $12}'
    //   14a95568-eac9-4826-8972-95527389bce5 emg_badtarget/items/2
    //   db70de5a-0f1d-42aa-8150-2776c183c5a0 emg_badtarget/items/7
    //   77169099-af12-4d6a-a16b-387a988bb534 emg_badtarget/items/18
    expect(bad.map((t) => [t.correlationId, t.url])).toEqual([
      ["14a95568-eac9-4826-8972-95527389bce5", "emg_badtarget/items/2"],
      ["db70de5a-0f1d-42aa-8150-2776c183c5a0", "emg_badtarget/items/7"],
      ["77169099-af12-4d6a-a16b-387a988bb534", "emg_badtarget/items/18"],
    ]);
    for (const t of bad) {
      expect(t).toMatchObject({
        errMessage: "socket hang up",
        errCode: "ECONNRESET",
        targetStatus: null,
        method: "GET",
      });
    }
    // grep 14a95568-eac9-4826-8972-95527389bce5 FILE | cut -c1-24 -> 19:33:57.869Z ... 19:33:57.874Z
    // grep -n 14a95568 FILE | head -1 -> line 7; head -6 FILE | wc -c -> 1223
    expect(bad[0]).toMatchObject({
      startTs: Date.parse("2026-11-23T19:33:57.869Z"),
      endTs: Date.parse("2026-11-23T19:33:57.874Z"),
      firstLineNo: 7,
      firstOffset: 1223,
      lineCount: 4,
      durationMs: 4,
    });
  });
});

describe("TransactionStitcher synthetic", () => {
  const T0 = "2026-11-23T19:00:00.000Z";
  const T1 = "2026-11-23T19:00:00.030Z";

  it("a response cut short: its lines name the target, and the transaction is marked aborted (lab: mid-response-*)", () => {
    // As microgateway-core 3.3.7 logs a target FIN in the middle of its answer at level warn: no 502, status 200.
    const [tx] = stitch(
      events(
        [
          ev(
            T0,
            "127.0.0.2:9000",
            "c1",
            "plugins-middleware",
            "targetResponse error",
            "200",
            "aborted",
            "ECONNRESET",
            "67",
            "error",
          ),
          ev(T0, "127.0.0.2:9000", "c1", "plugins-middleware", "targetResponse aborted", "200", "", "", "67", "warn"),
        ].join("\n"),
      ),
    );
    expect(tx).toMatchObject({ target: "127.0.0.2:9000", gatewayHost: "", targetAborted: true, errCode: "ECONNRESET" });
    const [plain] = stitch(
      events(
        ev(T0, "127.0.0.2:9000", "c2", "plugins-middleware", "targetRequest error", "", "socket hang up", "ECONNRESET"),
      ),
    );
    expect(plain.targetAborted).toBe(false);
    // The client left first: the gateway aborted the target request itself and says so at level info.
    const [left] = stitch(
      events(
        [
          ev(
            T0,
            "127.0.0.2:9000",
            "c3",
            "plugins-middleware",
            "targetResponse error",
            "200",
            "aborted",
            "ECONNRESET",
            "9",
            "error",
          ),
          ev(
            T1,
            "10.1.2.3:8000",
            "c3",
            "plugins-middleware",
            "sourceResponse on close, source request aborted - abort target request",
            "499",
          ),
        ].join("\n"),
      ),
    );
    expect(left).toMatchObject({ targetAborted: true, clientAborted: true });
  });

  it("error-only log: two lines per failure, 504 from errors-middleware", () => {
    const txs = stitch(
      events(
        [
          ev(
            T0,
            "10.9.9.9:8443",
            "c1",
            "plugins-middleware",
            "targetRequest error",
            "",
            "ETIMEDOUT",
            "ETIMEDOUT",
            "30000",
            "error",
          ),
          ev(T1, "10.1.2.3:8000", "c1", "errors-middleware", "", "504", "timeout", "", "", "error"),
        ].join("\n"),
      ),
    );
    expect(txs).toHaveLength(1);
    expect(txs[0]).toMatchObject({
      correlationId: "c1",
      target: "10.9.9.9:8443",
      gatewayHost: "10.1.2.3:8000",
      status: 504,
      targetStatus: null,
      errMessage: "ETIMEDOUT",
      errCode: "ETIMEDOUT",
      durationMs: 30000,
      lineCount: 2,
      clientId: "key1",
    });
  });

  it("sourceResponse status wins over targetResponse", () => {
    const txs = stitch(
      events(
        [
          ev(T0, "gw:8000", "c2", "plugins-middleware", "sourceRequest"),
          ev(T0, "t:80", "c2", "plugins-middleware", "targetResponse", "404", "", "", "10"),
          ev(T1, "gw:8000", "c2", "plugins-middleware", "sourceResponse", "401", "", "", "30"),
        ].join("\n"),
      ),
    );
    expect(txs[0]).toMatchObject({
      status: 401,
      targetStatus: 404,
      durationMs: 30,
      target: "t:80",
      gatewayHost: "gw:8000",
    });
  });

  it("empty correlation id gives single-line transactions", () => {
    const txs = stitch(
      events(
        [
          ev(T0, "gw:8000", "", "microgateway-core", "", "502", "socket hang up", "ECONNRESET"),
          ev(T0, "gw:8000", "", "microgateway-core", "", "502", "socket hang up", "ECONNRESET"),
        ].join("\n"),
      ),
    );
    expect(txs).toHaveLength(2);
    expect(txs.every((t) => t.lineCount === 1 && t.status === 502)).toBe(true);
  });

  it("emits transactions once they are 120 s of log time old, keeping memory flat", () => {
    const s = new TransactionStitcher();
    const base = Date.parse(T0);
    const mk = (i: number, tsMs: number): EventLine =>
      events(ev(new Date(tsMs).toISOString(), "gw:8000", `id${i}`, "plugins-middleware", "sourceRequest"))[0];
    let emitted = 0;
    for (let i = 0; i < 10_000; i++) emitted += s.add(mk(i, base + i * 100)).length; // 10 lines/s for 1000 s
    expect(s.size).toBeLessThanOrEqual(1201);
    expect(emitted + s.flush().length).toBe(10_000);
    // a late line for an old id keeps it open (re-ordered to the back)
    const s2 = new TransactionStitcher();
    expect(s2.add(mk(1, base))).toEqual([]);
    expect(s2.add(mk(2, base + 60_000))).toEqual([]);
    expect(s2.add(mk(1, base + 100_000))).toEqual([]);
    const out = s2.add(mk(3, base + 190_000));
    expect(out.map((t) => t.correlationId)).toEqual(["id2"]);
    expect(s2.drain()).toEqual([]);
    expect(
      s2
        .flush()
        .map((t) => [t.correlationId, t.lineCount])
        .sort(),
    ).toEqual([
      ["id1", 2],
      ["id3", 1],
    ]);
    // a transaction due within windowMs/16 holds the queue briefly instead of being requeued
    const s3 = new TransactionStitcher();
    s3.add(mk(1, base));
    s3.add(mk(2, base + 1000));
    s3.add(mk(1, base + 2000));
    expect(s3.add(mk(3, base + 121_500))).toEqual([]);
    expect(s3.add(mk(4, base + 122_001)).map((t) => t.correlationId)).toEqual(["id1", "id2"]);
  });
});

describe("a log whose time stands still (copies of one file)", () => {
  // Each copy of three transactions repeats the same time stamps, so the time window never closes any of them.
  const copies = 40;
  const lines: string[] = [];
  for (let k = 0; k < copies; k++) {
    for (let t = 0; t < 3; t++) {
      const corr = `${String(k).padStart(8, "0")}-0000-4000-8000-00000000000${t}`;
      lines.push(ev("2026-11-23T19:00:00.000Z", "10.1.2.3:8000", corr, "plugins-middleware", "sourceRequest"));
      lines.push(
        ev(
          "2026-11-23T19:00:00.010Z",
          "10.1.2.3:8000",
          corr,
          "microgateway-core",
          "sourceResponse",
          "200",
          "",
          "",
          "10",
        ),
      );
    }
  }
  const evs = events(lines.join("\n") + "\n");

  it("holds at most maxOpen transactions: the oldest is emitted early, each one whole when its lines are together", () => {
    const s = new TransactionStitcher({ maxOpen: 10 });
    let early = 0;
    let maxOpen = 0;
    const out: Transaction[] = [];
    for (const e of evs) {
      const done = s.add(e);
      early += done.length;
      out.push(...done);
      maxOpen = Math.max(maxOpen, s.size);
    }
    out.push(...s.flush());
    expect(maxOpen).toBe(10);
    // 120 transactions in all, 110 of them emitted before the end of the input.
    expect(out).toHaveLength(copies * 3);
    expect(early).toBe(copies * 3 - 10);
    expect(new Set(out.map((t) => t.correlationId)).size).toBe(copies * 3);
    expect(out.every((t) => t.lineCount === 2 && t.status === 200 && t.durationMs === 10)).toBe(true);
  });

  it("without the limit keeps them all open until the end", () => {
    const s = new TransactionStitcher();
    let early = 0;
    for (const e of evs) early += s.add(e).length;
    expect(early).toBe(0);
    expect(s.flush()).toHaveLength(copies * 3);
  });
});
