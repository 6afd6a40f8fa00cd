/**
 * The app's client on either database: a database error keeps its kind (a unique violation is Prisma's P2002), an
 * interactive transaction that throws leaves nothing, and a failed statement leaves the client serving. Held on both
 * adapters (pglite-prisma-adapter, @prisma/adapter-pg), whichever this run targets.
 */
import { describe, expect, it } from "vitest";
import { Prisma } from "@/lib/generated/prisma/client";
import { testDbForFile } from "@/lib/testing/test-db";

const t = testDbForFile();

const user = (id: string, email: string) => ({ id, email, passwordHash: "x", role: "engineer" });

describe("the database client", () => {
  it("reports a unique violation as P2002, naming the field", async () => {
    const db = t.handle.prisma;
    await db.user.create({ data: user("u1", "a@example.com") });
    const err = await db.user.create({ data: user("u2", "a@example.com") }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((err as Prisma.PrismaClientKnownRequestError).code).toBe("P2002");
    expect(JSON.stringify((err as Prisma.PrismaClientKnownRequestError).meta)).toContain("email");
  });

  it("rolls back an interactive transaction that throws, and serves the next query", async () => {
    const db = t.handle.prisma;
    const failed = await db
      .$transaction(async (tx) => {
        await tx.user.create({ data: user("u3", "b@example.com") });
        throw new Error("stop");
      })
      .catch((e: Error) => e.message);
    expect(failed).toBe("stop");
    expect(await db.user.count({ where: { id: "u3" } })).toBe(0);
    await db.$transaction(async (tx) => {
      await tx.user.create({ data: user("u4", "c@example.com") });
    });
    expect(await db.user.count({ where: { id: "u4" } })).toBe(1);
  });

  it("answers after a statement fails, with the database's message", async () => {
    const db = t.handle.prisma;
    await expect(db.$queryRawUnsafe("SELECT * FROM no_such_table")).rejects.toThrow(/no_such_table/);
    expect(await db.$queryRaw<{ n: number }[]>`SELECT 2::int AS n`).toEqual([{ n: 2 }]);
  });
});
