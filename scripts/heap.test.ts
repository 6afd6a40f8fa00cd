import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { HEAP_MB, nodeOptionsWithHeap } from "./heap.mjs";

describe("heap ceiling of the parsing processes", () => {
  it("adds the ceiling to the caller's NODE_OPTIONS, and leaves a ceiling the caller chose alone", () => {
    // 256 unless HEAP_MB says otherwise.
    expect(HEAP_MB).toBe(Number(process.env.HEAP_MB ?? 256));
    expect(nodeOptionsWithHeap("--enable-source-maps")).toBe(`--enable-source-maps --max-old-space-size=${HEAP_MB}`);
    expect(nodeOptionsWithHeap("")).toBe(`--max-old-space-size=${HEAP_MB}`);
    expect(nodeOptionsWithHeap("--max-old-space-size=1024")).toBe("--max-old-space-size=1024");
  });

  it("is what a child started with those options gets from V8", () => {
    const r = spawnSync(process.execPath, ["-e", "console.log(require('v8').getHeapStatistics().heap_size_limit)"], {
      env: { ...process.env, NODE_OPTIONS: nodeOptionsWithHeap("") },
      encoding: "utf8",
    });
    const limitMB = Number(r.stdout.trim()) / 1024 / 1024;
    // V8 adds its young generation to the old-space ceiling (about 2 × 16 MB here).
    expect(limitMB).toBeGreaterThanOrEqual(HEAP_MB);
    expect(limitMB).toBeLessThan(HEAP_MB + 100);
  });
});
