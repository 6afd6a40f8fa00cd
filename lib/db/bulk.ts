import type { Db } from "./client";

/** Bulk inserts: one `INSERT ... SELECT FROM unnest(arrays)` per batch (Prisma createMany is ~13x slower). */

export interface TransactionRow {
  correlationId: string;
  startTs: number;
  endTs: number;
  method: string;
  url: string;
  proxy: string | null;
  target: string | null;
  status: number | null;
  errMessage: string | null;
  errCode: string | null;
  durationMs: number | null;
  lineNo: number;
  byteOffset: number;
  lineCount: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function insertTransactions(db: Db, incidentId: string, fileId: string, rows: TransactionRow[]): Promise<void> {
  if (rows.length === 0) return;
  const col = <K extends keyof TransactionRow>(k: K) => rows.map((r) => r[k]);
  await db.$executeRaw`
    INSERT INTO "LogTransaction" ("incidentId","fileId","correlationId","startTs","endTs","method","url","proxy","target",
      "status","errMessage","errCode","durationMs","lineNo","byteOffset","lineCount")
    SELECT ${incidentId}, ${fileId}, * FROM unnest(
      ${col("correlationId")}::text[], ${rows.map((r) => iso(r.startTs))}::timestamptz[], ${rows.map((r) => iso(r.endTs))}::timestamptz[],
      ${col("method")}::text[], ${col("url")}::text[], ${col("proxy")}::text[], ${col("target")}::text[],
      ${col("status")}::int[], ${col("errMessage")}::text[], ${col("errCode")}::text[], ${col("durationMs")}::int[],
      ${col("lineNo")}::int[], ${col("byteOffset")}::bigint[], ${col("lineCount")}::int[])`;
}

export interface StatsRow {
  ts: number;
  pid: string;
  requests: number;
  responses: number;
  s5xx: number;
  treqErrors: number;
  tresErrors: number;
}

export async function insertStats(db: Db, incidentId: string, fileId: string, rows: StatsRow[]): Promise<void> {
  if (rows.length === 0) return;
  const col = <K extends keyof StatsRow>(k: K) => rows.map((r) => r[k]);
  await db.$executeRaw`
    INSERT INTO "StatsDelta" ("incidentId","fileId","ts","pid","requests","responses","s5xx","treqErrors","tresErrors")
    SELECT ${incidentId}, ${fileId}, * FROM unnest(
      ${rows.map((r) => iso(r.ts))}::timestamptz[], ${col("pid")}::text[], ${col("requests")}::int[], ${col("responses")}::int[],
      ${col("s5xx")}::int[], ${col("treqErrors")}::int[], ${col("tresErrors")}::int[])`;
}

export interface IssueRow {
  lineNo: number | null;
  byteOffset: number | null;
  reason: string;
  excerpt: string;
}

export async function insertIssues(db: Db, incidentId: string, fileId: string, rows: IssueRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.parseIssue.createMany({
    data: rows.map((r) => ({ incidentId, fileId, lineNo: r.lineNo, byteOffset: r.byteOffset === null ? null : BigInt(r.byteOffset), reason: r.reason, excerpt: r.excerpt.slice(0, 200) })),
  });
}

/** A re-run of a file's job (after a crash) starts from nothing, so rows are never duplicated. */
export async function deleteFileRows(db: Db, fileId: string): Promise<void> {
  await db.logTransaction.deleteMany({ where: { fileId } });
  await db.statsDelta.deleteMany({ where: { fileId } });
  await db.parseIssue.deleteMany({ where: { fileId } });
  await db.logBucket.deleteMany({ where: { fileId } });
  await db.logTargetStat.deleteMany({ where: { fileId } });
}
