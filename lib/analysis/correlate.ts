/** Ties each 502/ECONNRESET log transaction to the TCP connection whose close/reset it coincides with. */
import type { Db } from "@/lib/db/client";

export interface Failure { correlationId: string; target: string | null; ts: number }
/** A candidate connection: `ts` is its close/reset time, or the unanswered request's time. */
export interface Candidate { id: string; target: string; ts: number; classCode: string }
export interface Match { correlationId: string; connId: string; deltaMs: number; classCode: string }
export interface Correlation { offsetMs: number; matches: Match[]; explained: Record<string, number>; unmatched: string[] }

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? 0 : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Pure: first the clock offset (log − capture) is estimated as the median difference between each failure and its
 * nearest candidate (same target); then each failure is matched greedily, nearest first, within `toleranceMs`.
 */
export function correlate(failures: Failure[], candidates: Candidate[], toleranceMs = 1000): Correlation {
  const sameTarget = (f: Failure, c: Candidate) => f.target === null || f.target === c.target;
  const nearest = (f: Failure, shift: number) => {
    let best: Candidate | null = null;
    for (const c of candidates) {
      if (!sameTarget(f, c)) continue;
      if (!best || Math.abs(f.ts - shift - c.ts) < Math.abs(f.ts - shift - best.ts)) best = c;
    }
    return best;
  };
  const diffs = failures.map((f) => nearest(f, 0)).flatMap((c, i) => (c ? [failures[i].ts - c.ts] : []));
  // Only a constant offset counts: at least 3 failures, most of them within tolerance of the median difference.
  const med = median(diffs);
  const consistent = diffs.filter((d) => Math.abs(d - med) <= toleranceMs).length;
  const offsetMs = diffs.length >= 3 && consistent * 2 > diffs.length && Math.abs(med) > toleranceMs ? med : 0;
  const pairs: Array<{ f: Failure; c: Candidate; d: number }> = [];
  for (const f of failures) {
    for (const c of candidates) {
      if (!sameTarget(f, c)) continue;
      const d = f.ts - offsetMs - c.ts;
      if (Math.abs(d) <= toleranceMs) pairs.push({ f, c, d });
    }
  }
  // Prefer failure-shaped connections, then the nearest time.
  const rank = (c: Candidate) => (c.classCode === "normal" ? 1 : 0);
  pairs.sort((a, b) => rank(a.c) - rank(b.c) || Math.abs(a.d) - Math.abs(b.d));
  const usedF = new Set<string>();
  const usedC = new Set<string>();
  const matches: Match[] = [];
  for (const p of pairs) {
    if (usedF.has(p.f.correlationId) || usedC.has(p.c.id)) continue;
    usedF.add(p.f.correlationId);
    usedC.add(p.c.id);
    matches.push({ correlationId: p.f.correlationId, connId: p.c.id, deltaMs: p.d, classCode: p.c.classCode });
  }
  const explained: Record<string, number> = {};
  for (const m of matches) explained[m.classCode] = (explained[m.classCode] ?? 0) + 1;
  return { offsetMs, matches, explained, unmatched: failures.filter((f) => !usedF.has(f.correlationId)).map((f) => f.correlationId) };
}

interface ExchangeLite { reqTsUs: number | null; complete: boolean }

/** DB step, run after each log or capture file: recomputes every match of the incident. */
export async function correlateIncident(db: Db, incidentId: string, toleranceMs = 1000): Promise<Correlation> {
  const txs = await db.logTransaction.findMany({
    where: { incidentId, OR: [{ status: 502 }, { errCode: "ECONNRESET" }] },
    select: { correlationId: true, target: true, endTs: true },
  });
  const conns = await db.tcpConnection.findMany({
    where: { incidentId },
    select: { id: true, target: true, closeTs: true, endTs: true, classCode: true, exchanges: true, matchedCorrelationId: true },
  });
  const candidates: Candidate[] = conns.map((c) => {
    const ex = (c.exchanges as unknown as ExchangeLite[]) ?? [];
    const unanswered = ex.find((e) => !e.complete && e.reqTsUs !== null);
    const ts = c.closeTs?.getTime() ?? (unanswered ? (unanswered.reqTsUs as number) / 1000 : c.endTs.getTime());
    return { id: String(c.id), target: c.target, ts, classCode: c.classCode };
  });
  const result = correlate(txs.map((t) => ({ correlationId: t.correlationId, target: t.target, ts: t.endTs.getTime() })), candidates, toleranceMs);
  if (conns.some((c) => c.matchedCorrelationId !== null)) {
    await db.tcpConnection.updateMany({ where: { incidentId }, data: { matchedCorrelationId: null, matchedDeltaMs: null } });
  }
  for (const m of result.matches) {
    await db.tcpConnection.update({ where: { id: BigInt(m.connId) }, data: { matchedCorrelationId: m.correlationId, matchedDeltaMs: m.deltaMs } });
  }
  return result;
}
