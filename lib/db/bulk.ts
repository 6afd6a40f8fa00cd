import "server-only";
import type { Db } from "./client";
import { bulkQuery } from "./bulk-raw";

/** Bulk inserts: one `INSERT ... SELECT FROM unnest(arrays)` per batch (Prisma createMany is ~13x slower), sent to the driver directly (bulk-raw.ts). */

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

export async function insertTransactions(
  db: Db,
  incidentId: string,
  fileId: string,
  rows: TransactionRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const col = <K extends keyof TransactionRow>(k: K) => rows.map((r) => r[k]);
  await bulkQuery(db)(
    `INSERT INTO "LogTransaction" ("incidentId","fileId","correlationId","startTs","endTs","method","url","proxy","target",
      "status","errMessage","errCode","durationMs","lineNo","byteOffset","lineCount")
    SELECT $1, $2, c, to_timestamp(s / 1000.0), to_timestamp(e / 1000.0), m, u, p, t, st, em, ec, d, ln, bo, lc
    FROM unnest($3::text[], $4::float8[], $5::float8[], $6::text[], $7::text[], $8::text[], $9::text[],
      $10::int[], $11::text[], $12::text[], $13::int[], $14::int[], $15::bigint[], $16::int[])
      AS x(c, s, e, m, u, p, t, st, em, ec, d, ln, bo, lc)`,
    // Times as epoch ms: cheaper for the database than parsing ISO text (scripts/bench/insert-shapes.ts).
    [
      incidentId,
      fileId,
      col("correlationId"),
      col("startTs"),
      col("endTs"),
      col("method"),
      col("url"),
      col("proxy"),
      col("target"),
      col("status"),
      col("errMessage"),
      col("errCode"),
      col("durationMs"),
      col("lineNo"),
      col("byteOffset"),
      col("lineCount"),
    ],
  );
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
  await bulkQuery(db)(
    `INSERT INTO "StatsDelta" ("incidentId","fileId","ts","pid","requests","responses","s5xx","treqErrors","tresErrors")
    SELECT $1, $2, * FROM unnest($3::timestamptz[], $4::text[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[])`,
    [
      incidentId,
      fileId,
      rows.map((r) => iso(r.ts)),
      col("pid"),
      col("requests"),
      col("responses"),
      col("s5xx"),
      col("treqErrors"),
      col("tresErrors"),
    ],
  );
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
    data: rows.map((r) => ({
      incidentId,
      fileId,
      lineNo: r.lineNo,
      byteOffset: r.byteOffset === null ? null : BigInt(r.byteOffset),
      reason: r.reason,
      excerpt: r.excerpt.slice(0, 200),
    })),
  });
}
