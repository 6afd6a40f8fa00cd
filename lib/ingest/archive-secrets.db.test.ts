/**
 * Issue #14 item 1, end to end: every sample and test file with a config, uploaded zipped, tarred+gzipped and
 * gzipped one by one, parsed, then every stored file downloaded through the files route as a share visitor whose
 * link allows downloads and as an engineer. What comes back is unpacked (were it an archive) and searched for the
 * configs' secrets, read from the raw config files; so is everything left on disk.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { hit, openRouteTestDb, type RouteTestEnv } from "@/lib/testing/routes";
import { makeTar, makeZip } from "@/lib/testing/archives";
import { SAMPLE_DIR, sampleFileNames } from "@/lib/testing/samples";
import { parseQueued } from "@/lib/testing/worker";
import { createSession } from "@/lib/auth/sessions";
import { createShareLink } from "@/lib/auth/share-links";
import { blobStore, createIncident, type StoredUpload } from "./bundle";
import { expandArchive, resolveLimits, type ArchiveKind } from "./unpack";
import { sniff } from "./sniff";
import { sweepStaleTemporaries } from "./sweep-temp";

const jar = vi.hoisted(() => new Map<string, string>());
vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => (jar.has(name) ? { name, value: jar.get(name) } : undefined),
    has: (name: string) => jar.has(name),
    getAll: () => [...jar].map(([name, value]) => ({ name, value })),
  }),
  headers: async () => new Headers({ "x-forwarded-for": "192.0.2.9" }),
}));

const ROOT = path.resolve(import.meta.dirname, "../..");
/** The sample bundle and the project's test fixtures: configs, logs, captures. */
const INPUTS: Array<{ name: string; file: string }> = [
  ...sampleFileNames().map((f) => ({ name: f, file: path.join(SAMPLE_DIR, f) })),
  ...["lib/testing/fixtures", "lib/parsers/log/fixtures", "lib/parsers/pcap/__fixtures__"].flatMap((dir) =>
    readdirSync(path.join(ROOT, dir))
      .filter((f) => !f.endsWith(".js"))
      .map((f) => ({ name: f, file: path.join(ROOT, dir, f) })),
  ),
];
const CONFIGS = INPUTS.filter((i) => /\.ya?ml$/.test(i.name));

/**
 * The secret values of a raw config, read independently of the redactor: values of keys named like secrets
 * (public keys and messages aside), PEM bodies, credentials in URLs.
 */
function secretsOf(yaml: string): string[] {
  const out: string[] = [];
  for (const m of yaml.matchAll(/^\s*(?:-\s+)?([\w.-]+):[ \t]+["']?([^"'\n#]+?)["']?[ \t]*$/gm)) {
    if (
      /(^|[_.-])(key|secret|password|passphrase|token)$/i.test(m[1]) &&
      !/public/i.test(m[1]) &&
      !/^(https?:|[|>])/.test(m[2])
    )
      out.push(m[2]);
  }
  for (const m of yaml.matchAll(/-----BEGIN [A-Z ]+-----([\s\S]*?)-----END/g))
    out.push(...m[1].split(/\s+/).filter((l) => l.length >= 16));
  for (const m of yaml.matchAll(/\/\/([^\s/@:]+):([^\s/@]+)@/g)) out.push(m[1], m[2]);
  return out;
}
const SECRETS = CONFIGS.flatMap((c) => secretsOf(readFileSync(c.file, "utf8")));

let t: RouteTestEnv;
let tmp: string;
const who = { session: "", share: new Map<string, string>() };

beforeAll(async () => {
  t = await openRouteTestDb({ users: [{ email: "eng@example.com", password: "engineer password", role: "engineer" }] });
  who.session = (await createSession(t.handle.prisma, t.users[0].id)).token;
  tmp = await mkdtemp(path.join(os.tmpdir(), "emg-archive-secrets-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
  await t?.cleanup();
});

/** The inputs as one upload in each container form. */
async function uploads(form: "zip" | "tar.gz" | "gz"): Promise<Array<{ name: string; data: Buffer }>> {
  const entries = INPUTS.map((i) => ({ name: `bundle/${i.name}`, data: readFileSync(i.file) }));
  if (form === "zip") return [{ name: "bundle.zip", data: makeZip(entries.map((e) => ({ ...e, deflate: true }))) }];
  if (form === "gz") return INPUTS.map((i) => ({ name: `${i.name}.gz`, data: gzipSync(readFileSync(i.file)) }));
  const file = path.join(tmp, "bundle.tar.gz");
  await makeTar(
    file,
    entries.map((e) => ({ header: { name: e.name, size: e.data.length }, data: e.data })),
    true,
  );
  return [{ name: "bundle.tar.gz", data: readFileSync(file) }];
}

async function upload(files: Array<{ name: string; data: Buffer }>) {
  const store = blobStore(t.dataDir);
  const stored: StoredUpload[] = [];
  for (const f of files) {
    const put = await store.put(Readable.from([f.data]), { hold: true });
    stored.push({ name: f.name, sha256: put.sha256, size: put.size, held: put.held });
  }
  return createIncident(t.handle.prisma, store, stored);
}

/** Every member of whatever was downloaded, archives unpacked (with the app's own unpacker), nested ones too. */
async function unpacked(name: string, data: Buffer): Promise<Buffer[]> {
  const kind = sniff(data.subarray(0, 64 * 1024));
  if (kind !== "zip" && kind !== "tar" && kind !== "gzip") return [data];
  const file = path.join(tmp, `dl-${Math.random().toString(36).slice(2)}`);
  await writeFile(file, data);
  const members: Buffer[] = [];
  await expandArchive(
    file,
    kind as ArchiveKind,
    resolveLimits(),
    async (e) => {
      const parts: Buffer[] = [];
      for await (const c of e.stream) parts.push(c as Buffer);
      members.push(...(await unpacked(e.name, Buffer.concat(parts))));
    },
    name,
  );
  return members;
}

const leaks = (bytes: Buffer) => SECRETS.filter((s) => bytes.includes(s));

async function download(incidentId: string, fileId: string, as: "share" | "engineer") {
  jar.clear();
  if (as === "engineer") jar.set("emg_session", who.session);
  else jar.set("emg_share", who.share.get(incidentId)!);
  const res = await hit("api/incidents/[id]/files/[fileId]", "GET", {
    ip: "192.0.2.9",
    params: { id: incidentId, fileId },
  });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

/** Every regular file under the data directory (blobs, line indexes), archives unpacked. */
function storedFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((p) => path.join(dir, p))
    .filter((p) => statSync(p).isFile());
}

describe("no config secret comes back from an uploaded archive", () => {
  it("finds the secrets in the raw configs (so the search below can fail)", () => {
    expect(CONFIGS.map((c) => c.name).sort()).toEqual(["acme-prod-config.yaml", "secrets-config.yaml"]);
    for (const s of [
      "9f1c2b7e4d5a6c3b8e0f1a2d3c4b5a69e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3",
      "Sup3rS3cret!",
      "Tr0ub4dor&3-correct-horse",
      "8e2d4f6a1c3b5d7f9e0a2c4e6b8d0f1a3c5e7b9d1f3a5c7e9b0d2f4a6c8e0b1d",
      "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
    ]) {
      expect(SECRETS).toContain(s);
    }
    for (const c of CONFIGS) expect(leaks(readFileSync(c.file)).length).toBeGreaterThan(3);
  });

  it("zip, tar.gz and gzip (the zip twice at once): downloads as share visitor and engineer, and the disk, hold none", async () => {
    const db = t.handle.prisma;
    const incidents = [];
    for (const form of ["zip", "zip", "tar.gz", "gz"] as const)
      incidents.push({ form, incident: await upload(await uploads(form)) });
    await parseQueued(db, t.dataDir);
    for (const { incident } of incidents)
      who.share.set(incident.id, (await createShareLink(db, incident.id, { allowDownload: true })).token);

    for (const { form, incident } of incidents) {
      const files = await db.bundleFile.findMany({ where: { incidentId: incident.id }, orderBy: { name: "asc" } });
      // Every input came out of its container and was parsed (the two identical zips did not lose each other's bytes).
      const members = files.filter((f) => f.parentId);
      expect(members.map((f) => f.name.split("/").pop()).sort(), form).toEqual(INPUTS.map((i) => i.name).sort());
      expect(
        members.filter((f) => f.status !== "done" && f.status !== "skipped"),
        form,
      ).toEqual([]);
      for (const f of files) {
        for (const as of ["share", "engineer"] as const) {
          const { status, body } = await download(incident.id, f.id, as);
          const why = `${form} ${f.name} (${f.kind}) as ${as}: ${status}`;
          if (["zip", "tar", "gzip"].includes(f.kind)) {
            expect(status, why).toBe(410);
            expect(body.toString(), why).toMatch(/is an archive: it was unpacked into the files listed under it/);
          } else if (as === "share" && !["gateway-log", "gateway-config"].includes(f.kind)) {
            expect(status, why).toBe(403);
          } else expect(status, why).toBe(200);
          for (const member of await unpacked(f.name, body)) expect(leaks(member), why).toEqual([]);
        }
      }
      const configs = files.filter((f) => f.kind === "gateway-config");
      expect(configs, form).toHaveLength(CONFIGS.length);
    }

    // A copy of an archive a killed process left aside is not put back by the start-up sweep: its row needs no bytes.
    const zipRow = await db.bundleFile.findFirstOrThrow({
      where: { incidentId: incidents[0].incident.id, kind: "zip" },
    });
    const store = blobStore(t.dataDir);
    await mkdir(store.tempDir, { recursive: true });
    await writeFile(path.join(store.tempDir, `${zipRow.sha256}-${Date.now()}-0a.gone`), (await uploads("zip"))[0].data);
    expect(await sweepStaleTemporaries(db, t.dataDir, { maxAgeMs: 0, now: Date.now() + 1000 })).toMatchObject({
      restored: 0,
    });
    expect(await store.has(zipRow.sha256)).toBe(false);

    // What is stored: no archive kept, no secret in any blob, line index or temporary.
    for (const file of storedFiles(t.dataDir)) {
      const bytes = readFileSync(file);
      expect(["zip", "tar", "gzip"], file).not.toContain(sniff(bytes.subarray(0, 64 * 1024)));
      expect(leaks(bytes), file).toEqual([]);
    }
  }, 120_000);
});
