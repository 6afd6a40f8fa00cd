/** Parse progress of one file as the incident page shows it (pure; used in the browser). */

export interface ProgressSample {
  /** Wall-clock ms when the sample was seen. */
  t: number;
  bytes: number;
}

/** Whole percent of bytes read, 0–100 (a redacted copy can come out a little longer than the upload). */
export function percentDone(bytesDone: number, size: number): number {
  if (size <= 0) return 0;
  return Math.max(0, Math.min(100, Math.floor((bytesDone / size) * 100)));
}

/**
 * Seconds left at the rate seen between two samples of the same parse, or null while there is not
 * enough to go on (under a quarter second apart, or no bytes read in between). On PGlite the page may get
 * only a few samples while a big file is written, so two are enough.
 */
export function etaSeconds(first: ProgressSample | undefined, now: ProgressSample, size: number): number | null {
  if (!first) return null;
  const dt = now.t - first.t;
  const db = now.bytes - first.bytes;
  if (dt < 250 || db <= 0) return null;
  return Math.max(0, (size - now.bytes) / (db / dt) / 1000);
}

export function fmtEta(s: number | null): string {
  if (s === null) return "estimating…";
  if (s < 1) return "almost done";
  if (s < 90) return `about ${Math.ceil(s)} s left`;
  return `about ${Math.ceil(s / 60)} min left`;
}
