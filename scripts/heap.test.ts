import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { glibcTunables, HEAP_MB, MALLOC_TUNABLES, nodeOptionsWithHeap, parserEnv, SEMI_SPACE_MB } from "./heap.mjs";

describe("memory settings of the parsing processes", () => {
  it("adds the heap ceiling and young generation to the caller's NODE_OPTIONS, and leaves a setting the caller chose alone", () => {
    // 256 unless HEAP_MB says otherwise.
    expect(HEAP_MB).toBe(Number(process.env.HEAP_MB ?? 256));
    const ours = `--max-old-space-size=${HEAP_MB} --max-semi-space-size=${SEMI_SPACE_MB}`;
    expect(nodeOptionsWithHeap("--enable-source-maps")).toBe(`--enable-source-maps ${ours}`);
    expect(nodeOptionsWithHeap("")).toBe(ours);
    expect(nodeOptionsWithHeap("--max-old-space-size=1024")).toBe(
      `--max-old-space-size=1024 --max-semi-space-size=${SEMI_SPACE_MB}`,
    );
    expect(nodeOptionsWithHeap("--max-semi-space-size=32")).toBe(
      `--max-semi-space-size=32 --max-old-space-size=${HEAP_MB}`,
    );
  });

  it("is what a child started with those options gets from V8", () => {
    const script = "console.log(require('v8').getHeapStatistics().heap_size_limit)";
    const limitMB = (nodeOptions: string) =>
      Number(
        spawnSync(process.execPath, ["-e", script], {
          env: parserEnv({ ...process.env, NODE_OPTIONS: nodeOptions }),
          encoding: "utf8",
        }).stdout.trim(),
      ) /
      2 ** 20;
    // The limit is the old-space ceiling plus three semi-spaces: 256 + 3 × 8 here, 256 + 3 × 16 with V8's default.
    const ours = limitMB("");
    expect(ours).toBeGreaterThanOrEqual(HEAP_MB);
    expect(ours).toBeLessThan(HEAP_MB + 3 * SEMI_SPACE_MB + 1);
    // With the caller's ceiling of 1 GB and V8's default young generation, the limit is all V8's own.
    expect(limitMB("--max-old-space-size=1024 --max-semi-space-size=16")).toBeGreaterThan(1024 + 3 * SEMI_SPACE_MB);
  });

  it("adds the malloc tunables to the caller's, and leaves a setting the caller chose alone", () => {
    expect(glibcTunables("")).toBe(MALLOC_TUNABLES.join(":"));
    expect(glibcTunables("glibc.malloc.arena_max=8")).toBe(
      "glibc.malloc.arena_max=8:glibc.malloc.mmap_threshold=131072",
    );
    expect(glibcTunables("glibc.malloc.check=3")).toBe(`glibc.malloc.check=3:${MALLOC_TUNABLES.join(":")}`);
  });

  // glibc ignores a tunable it does not know without a word: its dynamic loader lists the values it took.
  const loader = "/lib64/ld-linux-x86-64.so.2";
  it.runIf(existsSync(loader))("are tunables glibc takes: two malloc arenas, buffers over 128 KiB mmapped", () => {
    const r = spawnSync(loader, ["--list-tunables"], {
      env: parserEnv({ ...process.env, GLIBC_TUNABLES: "" }),
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^glibc\.malloc\.arena_max: 0x2 /m);
    expect(r.stdout).toMatch(/^glibc\.malloc\.mmap_threshold: 0x20000 /m);
  });
});
