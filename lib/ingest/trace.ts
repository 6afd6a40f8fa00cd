/**
 * INGEST_TRACE=1: each file job prints its steps' times (ms since the job started) to the server's log, to see
 * where an ingest's time goes (docs/benchmark.md). Off by default; costs nothing then.
 */
export function ingestTrace(name: string): (step: string) => void {
  if (process.env.INGEST_TRACE !== "1") return () => undefined;
  const t0 = performance.now();
  return (step) => console.log(`[ingest] ${name} +${Math.round(performance.now() - t0)} ms ${step}`);
}
