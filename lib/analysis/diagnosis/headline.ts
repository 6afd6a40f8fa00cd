/** The incident's cause from its targets' verdicts, and the targets' ties that would change it. Pure. */
import type { Cause, TargetCause, TargetVerdict } from "./types";

/** `both` when the targets split among close causes, else the cause explaining most failures. */
export function headline(pool: TargetVerdict[]) {
  if (!pool.length) return null;
  const causes = new Set(pool.map((t) => t.cause));
  const byWeight = [...causes]
    .map((c) => ({ c, n: pool.filter((t) => t.cause === c).reduce((a, t) => a + t.explains502, 0) }))
    .sort((a, b) => b.n - a.n);
  const closeCauses = [...causes].every((c) => c === "keepalive-mismatch" || c === "premature-close" || c === "both");
  const cause: Cause = causes.size > 1 && closeCauses ? "both" : (byWeight[0].c as Cause);
  return { cause, byWeight, closeCauses, causes };
}

/**
 * A target that could as well have another cause (a runner-up as strong; unrecorded resets, races or hang-ups) which
 * would change the headline, in words, else "": the incident's tie too (blind world random-869: 3 races and 3 × 504 on
 * one target, hang-ups on another, `both` or `premature-close` as the tie falls).
 */
export function tieSwing(pool: TargetVerdict[], cause: Cause, ties: Map<string, TargetCause[]>): string {
  for (const t of pool)
    for (const other of ties.get(t.target) ?? []) {
      if (other === t.cause) continue;
      const alt = headline(pool.map((x) => (x === t ? { ...x, cause: other } : x)))?.cause;
      if (alt && alt !== cause)
        return ` ${t.target} could be ${other} as well as ${t.cause}: the incident would then read ${alt}.`;
    }
  return "";
}
