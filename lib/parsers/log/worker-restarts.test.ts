import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LogLineParser } from "./parse";
import { MAX_WORKER_RESTARTS, WorkerRestartTracker } from "./worker-restarts";

const LAB = path.resolve(import.meta.dirname, "../../analysis/__fixtures__/lab");

function track(text: string | Buffer): WorkerRestartTracker {
  const p = new LogLineParser();
  const t = new WorkerRestartTracker();
  for (const it of [...p.push(Buffer.from(text)), ...p.end()]) t.add(it);
  return t;
}

const labLog = (name: string) => {
  const dir = path.join(LAB, name);
  return readFileSync(
    path.join(
      dir,
      readdirSync(dir).find((f) => f.endsWith(".log"))!,
    ),
  );
};

describe("WorkerRestartTracker", () => {
  // `grep -n "is online\|handleWorkerExit"` on each recording's log: worker-crash-mid-request has lines 1 and 2 (the
  // first set, before any event or stats line: the first is line 7), line 216 (`17:10:04.979Z warn … handleWorkerExit
  // 1 :: 21185`, the worker killed 15 s in) and line 219 (`17:10:05.071Z … worker 3 is online`, its successor);
  // cluster-two-workers has lines 1 and 2 only.
  it("names the worker that died and its successor, not the set started with the gateway", () => {
    const t = track(labLog("worker-crash-mid-request"));
    expect(t.count).toBe(2);
    expect(t.restarts).toEqual([
      { ts: Date.parse("2026-12-04T17:10:04.979Z"), event: "exit", worker: "1", lineNo: 216 },
      { ts: Date.parse("2026-12-04T17:10:05.071Z"), event: "start", worker: "3", lineNo: 219 },
    ]);
    expect(track(labLog("cluster-two-workers")).count).toBe(0);
  });

  // `grep -n -m1 "edge micro listening"`: healthy's line 1 (one process), cluster-two-workers' line 3 (its first
  // worker's); race-1s-error-level has none (the line is written at info).
  it("keeps the first `edge micro listening` line: when the file's gateway process started", () => {
    expect(track(labLog("healthy")).listening).toEqual({ ts: Date.parse("2026-12-01T10:54:45.213Z"), lineNo: 1 });
    expect(track(labLog("cluster-two-workers")).listening).toEqual({
      ts: Date.parse("2026-12-03T01:26:12.873Z"),
      lineNo: 3,
    });
    expect(track(labLog("race-1s-error-level")).listening).toBeNull();
  });

  it("counts every start once serving began, and keeps the first ones", () => {
    const online = (i: number) =>
      `2026-12-04T10:00:${String(i % 60).padStart(2, "0")}.000Z info 900 worker ${i} is online ... `;
    const stats =
      "2026-12-04T10:00:00.500Z stats 1 treqErrors=0, tresErrors=0, statusCodes={1=0, 2=1, 3=0, 4=0, 5=0}, requests=1, responses=1, connections=1";
    const lines = [online(1), stats, ...Array.from({ length: MAX_WORKER_RESTARTS + 5 }, (_, i) => online(i + 2))];
    const t = track(lines.join("\n"));
    expect(t.count).toBe(MAX_WORKER_RESTARTS + 5);
    expect(t.restarts).toHaveLength(MAX_WORKER_RESTARTS);
    expect(t.restarts[0]).toMatchObject({ event: "start", worker: "2", lineNo: 3 });
  });
});
