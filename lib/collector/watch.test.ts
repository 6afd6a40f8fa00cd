import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LogWatcher, count502, stopReason } from "./watch";
import { isLiveLog } from "./discover";

const line = (status: number, id: string) =>
  `2026-11-23T19:28:29.685Z [error][127.0.0.1:8000][3][lab][test][orders/items/1][127.0.0.1][lab-client][${id}][microgateway-core][][GET][${status}][socket hang up][ECONNRESET][12]\n`;

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe("stopReason", () => {
  const base = { new502: 0, until502: 3 as number | null, elapsedMs: 0, durationMs: 10_000, interrupted: false };
  it("stops at N new 502s, not before", () => {
    expect(stopReason({ ...base, new502: 2 })).toBeNull();
    expect(stopReason({ ...base, new502: 3 })).toBe("502s");
    expect(stopReason({ ...base, new502: 5 })).toBe("502s");
  });
  it("stops when the duration is over; without --until-502 only then", () => {
    expect(stopReason({ ...base, until502: null, new502: 50, elapsedMs: 9_999 })).toBeNull();
    expect(stopReason({ ...base, until502: null, elapsedMs: 10_000 })).toBe("duration");
  });
  it("Ctrl-C wins over everything", () => {
    expect(stopReason({ ...base, new502: 3, elapsedMs: 20_000, interrupted: true })).toBe("interrupted");
  });
});

describe("LogWatcher", () => {
  it("counts only 502 lines written after start, across rotation, each line once", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "collector-watch-"));
    dirs.push(dir);
    const a = path.join(dir, "edgemicro-gw-u-1-api.log");
    fs.writeFileSync(a, line(502, "old1") + line(502, "old2") + line(200, "ok"));
    fs.writeFileSync(path.join(dir, "edgemicro-gw-u-0-api.log.gz"), "not read");
    const w = new LogWatcher(dir, (n) => n.startsWith("edgemicro-") && isLiveLog(n));
    w.start();
    expect(w.poll()).toBe(0);
    fs.appendFileSync(a, line(502, "n1") + line(504, "t") + line(200, "ok"));
    expect(w.poll()).toBe(1);
    // A line written in two pieces counts once, when it is whole.
    const l = line(502, "n2");
    fs.appendFileSync(a, l.slice(0, 120));
    expect(w.poll()).toBe(1);
    fs.appendFileSync(a, l.slice(120));
    expect(w.poll()).toBe(2);
    // Rotation: a new file is read from its beginning.
    fs.writeFileSync(path.join(dir, "edgemicro-gw-u-2-api.log"), line(502, "n3") + line(502, "n4"));
    expect(w.poll()).toBe(4);
    expect(w.poll()).toBe(4);
  });

  it("count502 matches the status field, not a 502 elsewhere in the line", () => {
    expect(count502(line(502, "x") + line(200, "502") + "2026-11-23T19:28:29.685Z [info] took 502 ms\n")).toBe(1);
  });
});

describe("count502 on real gateway logs", () => {
  it("agrees with the lab fixtures' recorded 502 counts", async () => {
    const { loadLabFixture } = await import("@/lib/analysis/lab-truth");
    for (const name of ["race-1s", "refused", "both"]) {
      const { files, truth } = loadLabFixture(name);
      const text = files
        .filter((f) => f.endsWith("-api.log"))
        .map((f) => fs.readFileSync(f, "latin1"))
        .join("");
      expect(count502(text), name).toBe(truth.log.status502);
    }
  });
});
