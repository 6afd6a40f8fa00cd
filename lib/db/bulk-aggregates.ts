import "server-only";
import type { Db } from "./client";
import type { BucketRow, TargetStatRow } from "@/lib/analysis/log-aggregates";

/**
 * Stores one log file's aggregates (lib/analysis/log-aggregates.ts), replacing any of an earlier attempt,
 * in one transaction so a reader never sees half of them.
 */
export async function replaceLogAggregates(
  db: Db,
  incidentId: string,
  fileId: string,
  buckets: BucketRow[],
  targets: TargetStatRow[],
): Promise<void> {
  const col = <T>(f: (b: BucketRow) => T) => buckets.map(f);
  await db.$transaction([
    db.logBucket.deleteMany({ where: { fileId } }),
    db.logTargetStat.deleteMany({ where: { fileId } }),
    db.$executeRaw`
      INSERT INTO "LogBucket" ("incidentId","fileId","resMs","t","code","n","s502","s504")
      SELECT ${incidentId}, ${fileId}, * FROM unnest(${col((b) => b.resMs)}::int[], ${col((b) => b.t)}::bigint[], ${col((b) => b.code)}::text[],
        ${col((b) => b.n)}::int[], ${col((b) => b.s502)}::int[], ${col((b) => b.s504)}::int[])`,
    db.logTargetStat.createMany({ data: targets.map((t) => ({ incidentId, fileId, ...t })) }),
  ]);
}
