import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, SAMPLE_DIR, type TestEnv } from "@/lib/testing/test-db";
import { blobStore } from "@/lib/ingest/bundle";
import { hashToken } from "./tokens";
import { createShareLink, findShareLink, listShareLinks, revokeShareLink, visitShareLink } from "./share-links";
import { consumeUploadLink, createUploadLink, findUploadLink } from "./upload-links";
import { customerUpload } from "./customer-upload";
import { createSession, endSession, sessionUser } from "./sessions";
import { createUser, removeUser, teamMode, forgetTeamMode, AccountError } from "./users";
import { checkCredentials } from "./signin";

let t: TestEnv;
beforeAll(async () => {
  t = await openTestDb();
});
// No account may outlive this file: on PostgreSQL the e2e open-mode server starts on this same database next.
afterAll(async () => {
  await t?.handle.prisma.user.deleteMany();
  await t?.cleanup();
});

const incident = async (id: string) => t.handle.prisma.incident.create({ data: { id, title: id } });
const uploadLinkForAnHour = (label: string, maxUses: number) =>
  createUploadLink(t.handle.prisma, { label, expiresAt: new Date(Date.now() + 3600_000), maxUses });

describe("share links", () => {
  it("store only the token's hash, count views, and stop at revocation", async () => {
    const db = t.handle.prisma;
    await incident("inc_share1");
    const { token, link } = await createShareLink(db, "inc_share1", { label: "ticket 12345" });
    const row = await db.shareLink.findUniqueOrThrow({ where: { id: link.id } });
    expect(row.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token);

    expect((await visitShareLink(db, token))?.incidentId).toBe("inc_share1");
    await visitShareLink(db, token);
    const [listed] = await listShareLinks(db, "inc_share1");
    expect(listed).toMatchObject({ label: "ticket 12345", viewCount: 2 });
    expect(listed.lastViewedAt).not.toBeNull();

    expect(await revokeShareLink(db, "inc_other", link.id)).toBe(false); // only from its own incident
    expect(await revokeShareLink(db, "inc_share1", link.id)).toBe(true);
    expect(await findShareLink(db, token)).toBeNull();
    expect(await visitShareLink(db, token)).toBeNull();
    expect(await listShareLinks(db, "inc_share1")).toEqual([]);
    expect((await db.shareLink.findUniqueOrThrow({ where: { id: link.id } })).viewCount).toBe(2); // a refused visit is not counted
  });

  it("expire", async () => {
    const db = t.handle.prisma;
    await incident("inc_share2");
    const live = await createShareLink(db, "inc_share2", { expiresAt: new Date(Date.now() + 60_000) });
    const expired = await createShareLink(db, "inc_share2", { expiresAt: new Date(Date.now() - 1) });
    expect(await findShareLink(db, live.token)).not.toBeNull();
    expect(await findShareLink(db, expired.token)).toBeNull();
    expect((await listShareLinks(db, "inc_share2")).map((l) => l.id)).toEqual([live.link.id]);
  });

  it("unknown and malformed tokens find nothing", async () => {
    const db = t.handle.prisma;
    expect(await findShareLink(db, "A".repeat(43))).toBeNull();
    expect(await findShareLink(db, "' OR 1=1 --")).toBeNull();
    expect(await findShareLink(db, undefined)).toBeNull();
  });
});

describe("upload links", () => {
  it("are used at most maxUses times, even by concurrent uploads", async () => {
    const db = t.handle.prisma;
    const { token, link } = await uploadLinkForAnHour("ticket 777", 3);
    const results = await Promise.all(Array.from({ length: 8 }, () => consumeUploadLink(db, token)));
    expect(results.filter(Boolean)).toHaveLength(3);
    expect((await db.uploadLink.findUniqueOrThrow({ where: { id: link.id } })).uses).toBe(3);
    expect(await findUploadLink(db, token)).toBeNull();
  });

  it("refuse expired and revoked links", async () => {
    const db = t.handle.prisma;
    const expired = await createUploadLink(db, { label: "old", expiresAt: new Date(Date.now() - 1), maxUses: 5 });
    expect(await consumeUploadLink(db, expired.token)).toBeNull();
    const revoked = await uploadLinkForAnHour("rev", 5);
    await db.uploadLink.update({ where: { id: revoked.link.id }, data: { revokedAt: new Date() } });
    expect(await consumeUploadLink(db, revoked.token)).toBeNull();
  });

  it("turn a customer's multipart upload into a new incident of the link with a read-only share link", async () => {
    const db = t.handle.prisma;
    const store = blobStore(t.dataDir);
    const { token, link } = await uploadLinkForAnHour("ticket 4242", 1);
    const form = new FormData();
    for (const name of readdirSync(SAMPLE_DIR).filter((f) => f !== "README.md"))
      form.append("file", new Blob([readFileSync(path.join(SAMPLE_DIR, name))]), name);
    const done = await customerUpload(
      db,
      store,
      token,
      new Request("http://x/u/t/upload", { method: "POST", body: form }),
      1e9,
    );
    expect(done?.files).toBe(3);
    const inc = await db.incident.findUniqueOrThrow({ where: { id: done!.incidentId }, include: { files: true } });
    expect(inc.uploadLinkId).toBe(link.id);
    expect(inc.files).toHaveLength(3);
    expect((await findShareLink(db, done!.shareToken))?.incidentId).toBe(inc.id);
    // used up: a second upload is refused before its body is read
    expect(
      await customerUpload(db, store, token, new Request("http://x", { method: "POST", body: form }), 1e9),
    ).toBeNull();
  });

  it("give the use back when the upload itself fails", async () => {
    const db = t.handle.prisma;
    const { token, link } = await uploadLinkForAnHour("bad", 1);
    await expect(
      customerUpload(
        db,
        blobStore(t.dataDir),
        token,
        new Request("http://x", { method: "POST", body: "not multipart" }),
        1e9,
      ),
    ).rejects.toThrow(/multipart/);
    expect((await db.uploadLink.findUniqueOrThrow({ where: { id: link.id } })).uses).toBe(0);
  });
});

describe("accounts and sessions", () => {
  it("first account is an admin; team mode follows the accounts; sessions expire and end", async () => {
    const db = t.handle.prisma;
    forgetTeamMode();
    expect(await teamMode(db)).toBe(false);
    const first = await createUser(db, { email: " Lead@Example.com ", password: "first password!", role: "engineer" });
    expect(first).toMatchObject({ email: "lead@example.com", role: "admin" });
    expect(await teamMode(db)).toBe(true);
    await expect(
      createUser(db, { email: "lead@example.com", password: "another one 123", role: "engineer" }),
    ).rejects.toBeInstanceOf(AccountError);
    const eng = await createUser(db, { email: "eng@example.com", password: "engineer pass 1", role: "engineer" });
    expect(eng.role).toBe("engineer");

    expect(await checkCredentials(db, "ENG@example.com", "engineer pass 1")).toMatchObject({ id: eng.id });
    expect(await checkCredentials(db, "eng@example.com", "engineer pass 2")).toBeNull();
    expect(await checkCredentials(db, "nobody@example.com", "engineer pass 1")).toBeNull();

    const s = await createSession(db, eng.id);
    expect((await db.session.findUniqueOrThrow({ where: { id: hashToken(s.token) } })).userId).toBe(eng.id);
    expect((await sessionUser(db, s.token))?.email).toBe("eng@example.com");
    await db.session.update({ where: { id: hashToken(s.token) }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect(await sessionUser(db, s.token)).toBeNull();
    const s2 = await createSession(db, eng.id);
    expect(await db.session.count({ where: { id: hashToken(s.token) } })).toBe(0); // expired ones are swept
    await endSession(db, s2.token);
    expect(await sessionUser(db, s2.token)).toBeNull();

    const s3 = await createSession(db, eng.id);
    await removeUser(db, eng.id);
    expect(await sessionUser(db, s3.token)).toBeNull(); // removing an engineer signs them out
    await expect(removeUser(db, first.id)).rejects.toThrow(/last admin/);
  });
});
