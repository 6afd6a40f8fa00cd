/** The incident's cause from its targets' verdicts, and the targets' ties that would change it. Pure. */
import type { Cause, TargetCause, TargetVerdict } from "./types";

/** `both` when the targets split among close causes, else the cause explaining most failures. */
export function headline(pool: TargetVerdict[], weight = (t: TargetVerdict) => t.explains502) {
  if (!pool.length) return null;
  const causes = new Set(pool.map((t) => t.cause));
  const byWeight = [...causes]
    .map((c) => ({ c, n: pool.filter((t) => t.cause === c).reduce((a, t) => a + weight(t), 0) }))
    .sort((a, b) => b.n - a.n);
  const closeCauses = [...causes].every((c) => c === "keepalive-mismatch" || c === "premature-close" || c === "both");
  const cause: Cause = causes.size > 1 && closeCauses ? "both" : (byWeight[0].c as Cause);
  return { cause, byWeight, closeCauses, causes };
}

/** A count that comes within a tenth of another, or beyond it: one failure counted the other way may swap them. */
export const withinATenth = (n: number, of: number) => n * 10 >= of * 9;

/**
 * The strongest other cause, each weighed with the failures of its targets that their evidence does not account for:
 * a capture cut short leaves a target fewer failures explained, never fewer failures (mixed-causes and random-16 with
 * their captures cut at the middle failure were high where the whole bundles are medium). Own answers nothing shows
 * weigh for target-error, whether or not a target already has that cause (random-773 with its capture cut: half of a
 * target's own 502s outside it, at level warn, made the incident high where the whole bundle is medium). A target that
 * could as well have another cause (`ties`) weighs for it with all its failures (random-941 with its capture cut: a
 * target's 11 hang-ups and invalid answers read `target-error` low, which made premature-close, level with the
 * refusals in the whole bundle, seem a third of them).
 */
export function secondCause(
  pool: TargetVerdict[],
  {
    cause,
    byWeight,
    closeCauses,
  }: Pick<NonNullable<ReturnType<typeof headline>>, "cause" | "byWeight" | "closeCauses">,
  unaccounted: (t: TargetVerdict) => number,
  ties: Map<string, TargetCause[]>,
  unseenOwn: number,
) {
  const couldBe = (t: TargetVerdict, c: string) =>
    t.cause === c
      ? unaccounted(t)
      : t.cause !== cause && ties.get(t.target)?.includes(c as TargetCause)
        ? t.explains502 + unaccounted(t)
        : 0;
  const weights = byWeight.some((w) => w.c === "target-error") ? byWeight : [...byWeight, { c: "target-error", n: 0 }];
  return weights
    .filter((w) => w.c !== cause && !(cause === "both" && closeCauses))
    .map((w) => ({ ...w, unseen: w.c === "target-error" ? unseenOwn : 0 }))
    .map((w) => ({ ...w, atMost: pool.reduce((n, t) => n + couldBe(t, w.c), w.n + w.unseen) }))
    .sort((a, b) => b.atMost - a.atMost || b.n - a.n)[0];
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

/**
 * The headline, were each target's responses cut short with no 502 (`cutShort`) counted with its failures, in words
 * when it would change or come within a tenth, else "". The 502s weigh the causes; the clients whose responses never
 * ended failed too (blind random-1102 from its log alone: 24 refusals against 15 resets, beside which 20 responses
 * were cut by FIN).
 */
export function cutSwing(pool: TargetVerdict[], cause: Cause, cutShort: (t: TargetVerdict) => number): string {
  const cuts = pool.reduce((n, t) => n + cutShort(t), 0);
  if (!cuts) return "";
  const alt = headline(pool, (t) => t.explains502 + cutShort(t))!;
  const [first, second] = alt.byWeight;
  const close = alt.cause === cause && (alt.closeCauses || !second || !withinATenth(second.n, first.n));
  if (close) return "";
  const weights = alt.byWeight.map((w) => `${w.c} ${w.n}`).join(", ");
  return ` But ${cuts} response(s) were cut short with no 502 (the gateway had passed the status on; its client's response never ended): counted as failures, the causes weigh ${weights}${alt.cause === cause ? "" : `, and the incident reads ${alt.cause}`}.`;
}

/**
 * The headline, were each target's failures that the capture shows outside the log's time counted too (those its cause
 * stands for: outside-log.ts), in words when it would change or come within a tenth, else "". The log's time weighs
 * the causes; a capture running on past it shows a part of the incident the log does not (blind random-1285 with its
 * log from the middle failure on: the 504s after it against refusals on both sides of it, 21 to 20 in the whole log).
 */
export function outsideSwing(
  pool: TargetVerdict[],
  cause: Cause,
  outsideOf: (t: TargetVerdict) => number,
  estimated = 0,
): string {
  const outside = pool.reduce((n, t) => n + outsideOf(t), 0);
  if (!outside) return "";
  const alt = headline(pool, (t) => t.explains502 + outsideOf(t))!;
  const [first, second] = alt.byWeight;
  if (alt.cause === cause && (alt.closeCauses || !second || !withinATenth(second.n, first.n))) return "";
  const weights = alt.byWeight.map((w) => `${w.c} ${w.n}`).join(", ");
  const shown = outside - estimated;
  const lookups = estimated
    ? `${shown ? ", and" : ","} at the log's rate about ${estimated} failed lookup(s) of a host name fall there too (no capture of the target leg shows a lookup)`
    : "";
  return ` But ${shown ? `the capture shows ${shown} more failure(s) of these causes outside the log's time` : "the capture runs on outside the log's time"}${lookups}: counted with them, the causes weigh ${weights}${alt.cause === cause ? "" : `, and the incident reads ${alt.cause}`}.`;
}
