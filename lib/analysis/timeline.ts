/** Bucket sizes a person reads easily; the timeline aims at about 60 bars. */
const NICE_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map(
  (s) => s * 1000,
);

export function pickBucketMs(firstTs: number | null, lastTs: number | null, targetBars = 60): number {
  if (firstTs === null || lastTs === null || lastTs <= firstTs) return 1000;
  const ideal = (lastTs - firstTs) / targetBars;
  return NICE_MS.find((b) => b >= ideal) ?? 86_400_000 * Math.ceil(ideal / 86_400_000);
}
