// Memory settings of the processes that parse (the app server, `npm run worker`, the bench's ingest).

// The V8 heap ceiling. Parsing a GB-sized file makes short-lived garbage fast; without a ceiling V8 lets the
// heap grow towards gigabytes before collecting it, so the process would be as big as the file instead of flat.
// The live set of a parse is well under 100 MB (issue 5: under 512 MB RSS for 1 GB of logs + 2 GB of capture).
export const HEAP_MB = Number(process.env.HEAP_MB ?? 256);

// A young generation of 2 × 8 MB instead of V8's 2 × 16: the server's peak over a 1 GB + 2 GB ingest was 459-480
// MiB in four runs with it and 485-510 without, for log ingest 17 % slower (still 11 s per million lines; 4 MB
// made it 45 % slower). NODE_OPTIONS=--max-semi-space-size=16 buys the speed back with memory.
export const SEMI_SPACE_MB = 8;

/** NODE_OPTIONS for a child process, keeping the caller's own options (theirs win for any setting they make). */
export function nodeOptionsWithHeap(current = process.env.NODE_OPTIONS ?? "") {
  const add = [];
  if (!/--max-old-space-size/.test(current) && HEAP_MB > 0) add.push(`--max-old-space-size=${HEAP_MB}`);
  if (!/--max-semi-space-size/.test(current)) add.push(`--max-semi-space-size=${SEMI_SPACE_MB}`);
  return [current, ...add].join(" ").trim();
}

// glibc's malloc, left to itself, keeps what a parse frees: each libuv thread gets its own arena, and after the
// first 1 MB read buffer is freed the mmap threshold rises past 1 MB, so later buffers come from arenas whose
// freed pages stay resident. Two arenas and a fixed 128 KiB threshold (buffers are mmapped and unmapped when
// collected) took the server's peak over a 1 GB + 2 GB ingest from 507-543 to 485-510 MiB, no slower (README,
// Benchmark). Other C libraries ignore the variable.
export const MALLOC_TUNABLES = ["glibc.malloc.arena_max=2", "glibc.malloc.mmap_threshold=131072"];

/** GLIBC_TUNABLES for a child process: the caller's own tunables, plus ours for the settings they leave alone. */
export function glibcTunables(current = process.env.GLIBC_TUNABLES ?? "") {
  const theirs = current.split(":").filter(Boolean);
  const set = new Set(theirs.map((t) => t.split("=")[0]));
  return [...theirs, ...MALLOC_TUNABLES.filter((t) => !set.has(t.split("=")[0]))].join(":");
}

/** The environment of a parsing child process: the caller's, with the heap ceiling and the malloc settings. */
export function parserEnv(env = process.env) {
  return {
    ...env,
    NODE_OPTIONS: nodeOptionsWithHeap(env.NODE_OPTIONS ?? ""),
    GLIBC_TUNABLES: glibcTunables(env.GLIBC_TUNABLES ?? ""),
  };
}
