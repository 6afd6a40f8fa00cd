/**
 * On PGlite a page's queries go before the ingest's bulk statements (foreground.ts, #18): a page issuing its
 * queries one after another is not made to wait for a bulk insert between each, and a page that never stops asking
 * still lets the writer through. `pg_sleep` stands in for a query and an insert of some length. PostgreSQL runs
 * statements side by side on its own connections, so there is nothing to order: skipped there.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PGlite } from "@electric-sql/pglite";
import { openDb, type DbHandle } from "./client";
import { bulkQuery } from "./bulk-raw";
import { gatedPglite } from "./foreground";

const onPglite = !process.env.DATABASE_URL;
let pglite: PGlite | undefined;
let h: DbHandle | undefined;
beforeAll(async () => {
  if (!onPglite) return;
  pglite = new PGlite();
  h = openDb({});
  // Both started (seconds on a busy machine) and connected before the tests order anything: a start inside a test
  // outlasted the writer's longest wait and let it through early.
  await pglite.query("SELECT 1");
  await h.prisma.$queryRaw`SELECT 1`;
});
afterAll(async () => {
  await h?.close();
  await pglite?.close();
});

describe.skipIf(!onPglite)("page queries before bulk inserts (PGlite)", () => {
  it("a page's second query does not wait for an insert queued while its first ran", async () => {
    const { forAdapter, bulk } = gatedPglite(pglite!);
    const done: string[] = [];
    const page = (async () => {
      await forAdapter.query("SELECT pg_sleep(0.02)");
      done.push("page query 1");
      await forAdapter.query("SELECT pg_sleep(0.02)");
      done.push("page query 2");
    })();
    // The writer's next slice, queued while the page's first query runs (PGlite would run it next, in order).
    const insert = bulk("SELECT pg_sleep(0.02)", []).then(() => done.push("bulk insert"));
    await Promise.all([page, insert]);
    expect(done).toEqual(["page query 1", "page query 2", "bulk insert"]);
  });

  it("a chain of statements lets a waiting request in between them", async () => {
    // PGlite answers through promises alone, so statements issued back to back (the end of an ingest: correlation,
    // the incident's summary, the verdict) would keep the event loop from a page's request until the last one.
    const { forAdapter } = gatedPglite(pglite!);
    let statements = 0;
    let statementsWhenTimerRan = -1;
    const chain = (async () => {
      for (let i = 0; i < 20; i++) {
        await forAdapter.query("SELECT pg_sleep(0.005)");
        statements++;
      }
    })();
    setTimeout(() => (statementsWhenTimerRan = statements), 0);
    await chain;
    expect(statementsWhenTimerRan).toBeGreaterThanOrEqual(0);
    expect(statementsWhenTimerRan).toBeLessThan(20);
  });

  it("a page that never pauses still lets the writer through (the app's client)", async () => {
    const db = h!.prisma;
    let pageQueries = 0;
    let polling = true;
    const page = (async () => {
      while (polling) {
        await db.$queryRaw`SELECT pg_sleep(0.02)::text`;
        pageQueries++;
        // The next request arrives from the network: a turn of the event loop, as between a server's requests.
        await new Promise((r) => setImmediate(r));
      }
    })();
    await new Promise((r) => setTimeout(r, 10));
    await bulkQuery(db)("SELECT 1", []);
    const queriesBeforeInsert = pageQueries;
    polling = false;
    await page;
    // Held back while the page asked, then let through between two of its queries, not after all of them.
    expect(queriesBeforeInsert).toBeGreaterThan(1);
  });
});
