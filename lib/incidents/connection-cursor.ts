/** Keyset paging of the connections list: the page tokens (cursors) and the index-range walks behind them. */
import "server-only";
import { ApiError } from "@/lib/api/errors";
import { ConnectionCursor, type ConnectionSort } from "@/lib/api/connection-schema";
import { Prisma } from "@/lib/generated/prisma/client";

/** A cursor the list cannot use: malformed, tampered with, or of the other sort order. The API answers 400. */
export class BadCursor extends ApiError {
  constructor(message: string) {
    super(400, "bad_cursor", message);
  }
}

export type Key = NonNullable<ConnectionCursor["k"]>;

/** Canonical token: the same position always gives the same string, and decoding accepts only that string. */
export function encodeCursor(c: ConnectionCursor): string {
  const k = c.k && { t: c.k.t, i: c.k.i, ...(c.k.g !== undefined ? { g: c.k.g } : {}) };
  return Buffer.from(JSON.stringify({ v: c.v, s: c.s, d: c.d, ...(k ? { k } : {}) })).toString("base64url");
}

export function decodeCursor(token: string, sort: ConnectionSort): ConnectionCursor {
  let json: unknown = undefined;
  if (/^[A-Za-z0-9_-]{1,400}$/.test(token)) {
    try {
      json = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    } catch {
      // reported below
    }
  }
  const parsed = ConnectionCursor.safeParse(json);
  if (!parsed.success || encodeCursor(parsed.data) !== token)
    throw new BadCursor("The cursor is not a page position of this list; start again from the first page.");
  if (parsed.data.s !== sort)
    throw new BadCursor(`The cursor belongs to the "${parsed.data.s}" sort order, not "${sort}".`);
  return parsed.data;
}

export const keyOf = (sort: ConnectionSort, c: { startTs: Date; id: bigint; idleGapMs: number | null }): Key => ({
  t: c.startTs.getTime(),
  i: String(c.id),
  ...(sort === "gap" ? { g: c.idleGapMs } : {}),
});

/*
 * Keyset paging. Each sort order is cut into segments that are each one range of one index, in order:
 *   time: ("startTs", id)                                   → index (incidentId, startTs, id, <filter columns>)
 *   gap:  "idleGapMs" DESC NULLS LAST, "startTs", id         → index (incidentId, idleGapMs DESC, startTs, id, <…>):
 *         the rows of the cursor's gap after it, then the smaller gaps, then the rows without a gap. Every
 *         segment is ordered by the whole index order (the gap is constant in some), so that with sorting off
 *         only this index can answer it.
 * "prev" walks the same segments backwards in the reversed order; the page is reversed afterwards.
 * Row comparisons `("startTs", id) > (…)` and equality on the gap keep every segment an index range scan, so a
 * page costs the same wherever it is (no OFFSET).
 */
type Segment = { where: Prisma.Sql; order: Prisma.Sql };
const TIME_ASC = Prisma.sql`"startTs", id`;
const TIME_DESC = Prisma.sql`"startTs" DESC, id DESC`;
const GAP_DESC = Prisma.sql`"idleGapMs" DESC, "startTs", id`;
const GAP_ASC = Prisma.sql`"idleGapMs", "startTs" DESC, id DESC`;
const TRUE = Prisma.sql`TRUE`;

export function segments(sort: ConnectionSort, dir: "next" | "prev", k: Key | null): Segment[] {
  const after = k && Prisma.sql`("startTs", id) > (${new Date(k.t)}, ${BigInt(k.i)})`;
  const before = k && Prisma.sql`("startTs", id) < (${new Date(k.t)}, ${BigInt(k.i)})`;
  if (sort === "time")
    return dir === "next" ? [{ where: after ?? TRUE, order: TIME_ASC }] : [{ where: before ?? TRUE, order: TIME_DESC }];
  const nullGap = Prisma.sql`"idleGapMs" IS NULL`;
  const anyGap = Prisma.sql`"idleGapMs" IS NOT NULL`;
  const g = k?.g;
  if (dir === "next") {
    if (!k)
      return [
        { where: anyGap, order: GAP_DESC },
        { where: nullGap, order: GAP_DESC },
      ];
    if (g === null || g === undefined) return [{ where: Prisma.sql`${nullGap} AND ${after}`, order: GAP_DESC }];
    return [
      { where: Prisma.sql`"idleGapMs" = ${g}::float8 AND ${after}`, order: GAP_DESC },
      { where: Prisma.sql`"idleGapMs" < ${g}::float8`, order: GAP_DESC },
      { where: nullGap, order: GAP_DESC },
    ];
  }
  if (!k)
    return [
      { where: nullGap, order: GAP_ASC },
      { where: anyGap, order: GAP_ASC },
    ];
  if (g === null || g === undefined)
    return [
      { where: Prisma.sql`${nullGap} AND ${before}`, order: GAP_ASC },
      { where: anyGap, order: GAP_ASC },
    ];
  return [
    { where: Prisma.sql`"idleGapMs" = ${g}::float8 AND ${before}`, order: GAP_ASC },
    { where: Prisma.sql`"idleGapMs" > ${g}::float8`, order: GAP_ASC },
  ];
}

/** Ids of up to `limit` rows along the segments, in walking order. */
export async function walk(
  db: Prisma.TransactionClient,
  filter: Prisma.Sql,
  segs: Segment[],
  limit: number,
): Promise<bigint[]> {
  const out: bigint[] = [];
  for (const s of segs) {
    if (out.length >= limit) break;
    const rows = await db.$queryRaw<Array<{ id: bigint }>>`
      SELECT id FROM "TcpConnection" WHERE ${filter} AND ${s.where} ORDER BY ${s.order} LIMIT ${limit - out.length}`;
    for (const r of rows) out.push(r.id);
  }
  return out;
}
