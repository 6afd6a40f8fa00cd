import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { glibcTunables, HEAP_MB, MALLOC_TUNABLES, nodeOptionsWithHeap, parserEnv } from "./heap.mjs";

describe("memory settings of the parsing processes", () => {
  it("adds the heap ceiling to the caller's NODE_OPTIONS, and leaves a ceiling the caller chose alone", () => {
    // 256 unless HEAP_MB says otherwise.
    expect(HEAP_MB).toBe(Number(process.env.HEAP_MB ?? 256));
    expect(nodeOptionsWithHeap("--enable-source-maps")).toBe(`--enable-source-maps --max-old-space-size=${HEAP_MB}`);
    expect(nodeOptionsWithHeap("")).toBe(`--max-old-space-size=${HEAP_MB}`);
    expect(nodeOptionsWithHeap("--max-old-space-size=1024")).toBe("--max-old-space-size=1024");
  });

  it("is what a child started with those options gets from V8", () => {
    const r = spawnSync(process.execPath, ["-e", "console.log(require('v8').getHeapStatistics().heap_size_limit)"], {
      env: parserEnv({ ...process.env, NODE_OPTIONS: "" }),
      encoding: "utf8",
    });
    const limitMB = Number(r.stdout.trim()) / 1024 / 1024;
    // V8 adds its young generation to the old-space ceiling (about 3 × 16 MB here).
    expect(limitMB).toBeGreaterThanOrEqual(HEAP_MB);
    expect(limitMB).toBeLessThan(HEAP_MB + 100);
  });

  it("adds the malloc tunables to the caller's, and leaves a setting the caller chose alone", () => {
    expect(glibcTunables("")).toBe(MALLOC_TUNABLES.join(":"));
    expect(glibcTunables("glibc.malloc.arena_max=8")).toBe("glibc.malloc.arena_max=8:glibc.malloc.mmap_threshold=131072");
    expect(glibcTunables("glibc.malloc.check=3")).toBe(`glibc.malloc.check=3:${MALLOC_TUNABLES.join(":")}`);
  });

  // glibc ignores a tunable it does not know without a word: its dynamic loader lists the values it took.
  const loader = "/lib64/ld-linux-x86-64.so.2";
  it.runIf(existsSync(loader))("are tunables glibc takes: two malloc arenas, buffers over 128 KiB mmapped", () => {
    const r = spawnSync(loader, ["--list-tunables"], { env: parserEnv({ ...process.env, GLIBC_TUNABLES: "" }), encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^glibc\.malloc\.arena_max: 0x2 /m);
    expect(r.stdout).toMatch(/^glibc\.malloc\.mmap_threshold: 0x20000 /m);
  });
});
