/**
 * Kinds, statuses and roles are plain strings in the database: a row with a value outside their one definition
 * (lib/ingest/file-kinds.ts, lib/auth/roles.ts) is refused where it is read, never passed on as a string.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, SAMPLE_DIR, type TestEnv } from "@/lib/testing/test-db";
import { ingestBundle } from "@/lib/testing/worker";
import { getIncidentProgress, getIncidentView } from "@/lib/incidents/view";
import { createUser, listUsers } from "@/lib/auth/users";
import { FILE_KINDS, FILE_STATUSES } from "./file-kinds";

let t: TestEnv;
let incidentId: string;
beforeAll(async () => {
  t = await openTestDb();
  ({ incidentId } = await ingestBundle(
    t,
    ["acme-prod-config.yaml", "gw01-to-target.pcap"].map((f) => path.join(SAMPLE_DIR, f)),
  ));
});
afterAll(async () => t?.cleanup());

describe("the kind and status of a bundle file", () => {
  it("are values of their one definition once the sample files are parsed", async () => {
    const view = (await getIncidentView(t.handle.prisma, incidentId))!;
    expect(view.files.map((f) => [f.kind, f.status]).sort()).toEqual([
      ["gateway-config", "done"],
      ["pcap", "done"],
    ]);
    for (const f of view.files) {
      expect(FILE_KINDS).toContain(f.kind);
      expect(FILE_STATUSES).toContain(f.status);
    }
  });

  it("are refused at read when a row holds another value", async () => {
    const db = t.handle.prisma;
    const file = await db.bundleFile.findFirstOrThrow({ where: { incidentId, kind: "pcap" } });
    await db.bundleFile.update({ where: { id: file.id }, data: { status: "paused" } });
    await expect(getIncidentView(db, incidentId)).rejects.toThrow(/status/);
    await expect(getIncidentProgress(db, incidentId)).rejects.toThrow(/status/);
    await db.bundleFile.update({ where: { id: file.id }, data: { status: "done", kind: "pcap-ng" } });
    await expect(getIncidentView(db, incidentId)).rejects.toThrow(/kind/);
    await db.bundleFile.update({ where: { id: file.id }, data: { kind: "pcap" } });
    expect((await getIncidentProgress(db, incidentId))?.pending).toBe(false);
  });
});

describe("the role of an account", () => {
  it("is refused at read when a row holds another value", async () => {
    const db = t.handle.prisma;
    const u = await createUser(db, { email: "root@example.com", password: "a long enough password", role: "engineer" });
    expect((await listUsers(db)).map((x) => x.role)).toEqual(["admin"]); // the first account is always an admin
    await db.user.update({ where: { id: u.id }, data: { role: "root" } });
    await expect(listUsers(db)).rejects.toThrow(/role/);
  });
});
