import { readdirSync, readFileSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { describe, expect, it } from "vitest";

/*
 * Migration 20261202030000_exchanges_on_disk fills "pendingReqMs" of rows stored before it from their exchanges
 * column (correlation reads the column since): a row as the earlier ingest wrote it, migrated.
 */
const dirs = readdirSync("prisma/migrations")
  .filter((d) => /^\d/.test(d))
  .sort();
const sql = (d: string) => readFileSync(`prisma/migrations/${d}/migration.sql`, "utf8");
const THIS = "20261202030000_exchanges_on_disk";

describe(THIS, () => {
  it("gives rows stored before it their first unanswered request's time, and none to rows without one", async () => {
    const db = new PGlite();
    for (const d of dirs.filter((d) => d < THIS)) await db.exec(sql(d));
    await db.exec(`INSERT INTO "Incident"(id, title) VALUES ('i', 'old')`);
    const ex = (complete: boolean, reqTsUs: number | null) => ({ complete, reqTsUs, method: "GET", path: "/a" });
    const rows = [
      [
        ex(true, 1_700_000_000_000_100),
        ex(false, null),
        ex(false, 1_700_000_000_500_250),
        ex(false, 1_700_000_000_900_000),
      ],
      [ex(true, 1_700_000_000_000_100)],
      [],
    ];
    for (const [i, exchanges] of rows.entries())
      await db.query(
        `INSERT INTO "TcpConnection" ("incidentId","fileId","connIndex","gatewayHost","gatewayPort","targetHost","targetPort",
          "target","startTs","endTs","firstFrame","lastFrame","packetsG2T","packetsT2G","bytesG2T","bytesT2G",
          "retransmissions","connState","history","classCode","classReason","exchanges")
         VALUES ('i','f',$1,'10.0.0.1',40000,'10.0.0.2',80,'10.0.0.2:80',now(),now(),1,2,1,1,0,0,0,'SF','S','normal','',$2)`,
        [i, JSON.stringify(exchanges)],
      );
    await db.exec(sql(THIS));
    const got = await db.query<{ p: number | null; at: string | null }>(
      `SELECT "pendingReqMs" p, "exchangesAt" at FROM "TcpConnection" ORDER BY "connIndex"`,
    );
    expect(got.rows).toEqual([
      { p: 1_700_000_000_500.25, at: null },
      { p: null, at: null },
      { p: null, at: null },
    ]);
    await db.close();
  });
});
