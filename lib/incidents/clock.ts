/** Read and set how log and capture clocks are aligned (Incident.clockOffsetMs / detectedClockOffsetMs). */
import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Db } from "@/lib/db/client";
import type { ClockAlignment } from "@/lib/api/clock-schema";
import { effectiveOffset, FALLBACK_WINDOW_MS } from "@/lib/analysis/correlate";
import { correlateIncident, GATEWAY_FAILURE } from "./correlate";
import { storeVerdict } from "@/lib/incidents/verdict";

export async function getClockAlignment(db: Db, incidentId: string): Promise<ClockAlignment | null> {
  const inc = await db.incident.findUnique({
    where: { id: incidentId },
    select: {
      clockOffsetMs: true,
      detectedClockOffsetMs: true,
      detectedClockPairs: true,
      clockWindowMs: true,
      clockFailures: true,
    },
  });
  if (!inc) return null;
  // The failures the last correlation matched against, as it read them; counted here only for an incident correlated
  // before that was stored.
  const failures =
    inc.clockFailures === null
      ? Prisma.sql`(SELECT count(*) FROM "LogTransaction" WHERE "incidentId" = ${incidentId} AND ${GATEWAY_FAILURE})`
      : Prisma.sql`${inc.clockFailures}::int`;
  const [counts] = await db.$queryRaw<
    Array<{ failures: bigint | number; matched: bigint; connections: bigint; pending: bigint }>
  >`
    SELECT ${failures} failures,
           (SELECT count("matchedCorrelationId") FROM "TcpConnection" WHERE "incidentId" = ${incidentId}) matched,
           (SELECT count(*) FROM "TcpConnection" WHERE "incidentId" = ${incidentId}) connections,
           (SELECT count(*) FROM "BundleFile" WHERE "incidentId" = ${incidentId} AND status IN ('queued', 'parsing')) pending`;
  const detected =
    inc.detectedClockOffsetMs === null
      ? null
      : { offsetMs: inc.detectedClockOffsetMs, pairs: inc.detectedClockPairs ?? 0 };
  const windowMs = inc.clockWindowMs ?? FALLBACK_WINDOW_MS;
  const applied = effectiveOffset(inc.clockOffsetMs, detected, windowMs);
  return {
    detectedOffsetMs: detected?.offsetMs ?? null,
    detectedPairs: detected?.pairs ?? 0,
    overrideMs: inc.clockOffsetMs,
    appliedOffsetMs: applied.offsetMs,
    source: applied.source,
    toleranceMs: windowMs,
    failures: Number(counts.failures),
    matched: Number(counts.matched),
    connections: Number(counts.connections),
    pending: Number(counts.pending) > 0,
  };
}

/**
 * Saves a person's offset (null: back to the detected one) and re-matches 502s to connections with it; the
 * verdict stored for the incident search follows the new matches.
 */
export async function setClockOffset(
  db: Db,
  incidentId: string,
  offsetMs: number | null,
): Promise<ClockAlignment | null> {
  const found = await db.incident.updateMany({ where: { id: incidentId }, data: { clockOffsetMs: offsetMs } });
  if (found.count === 0) return null;
  await correlateIncident(db, incidentId);
  await storeVerdict(db, incidentId);
  return getClockAlignment(db, incidentId);
}
