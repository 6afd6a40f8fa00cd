// The V8 heap ceiling of the processes that parse (the app server, `npm run worker`, the bench's ingest).
// Parsing a GB-sized file makes short-lived garbage fast; without a ceiling V8 lets the heap grow towards
// gigabytes before collecting it, so the process would be as big as the file instead of flat.
// The live set of a parse is well under 100 MB (issue 5: under 512 MB RSS for 1 GB of logs + 2 GB of capture).
export const HEAP_MB = Number(process.env.HEAP_MB ?? 256);

/** NODE_OPTIONS for a child process, keeping the caller's own options (theirs win when they set the heap). */
export function nodeOptionsWithHeap(current = process.env.NODE_OPTIONS ?? "") {
  if (/--max-old-space-size/.test(current) || !(HEAP_MB > 0)) return current;
  return `${current} --max-old-space-size=${HEAP_MB}`.trim();
}
