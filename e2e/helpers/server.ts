// A real server process (`node scripts/start.mjs`) owned by one spec, so the spec can SIGKILL it.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export { SAMPLE_DIR } from "./samples";
import { SAMPLE_DIR } from "./samples";
export const sampleFiles = () => readdirSync(SAMPLE_DIR).filter((n) => n !== "README.md");

export interface ServerSpec {
  port: number;
  dataDir: string;
  /** PostgreSQL database of this server; unset means PGlite in dataDir. */
  databaseUrl?: string;
  env?: Record<string, string>;
}

export class OwnServer {
  private proc: ChildProcess | null = null;
  readonly logFile: string;
  readonly base: string;
  constructor(readonly spec: ServerSpec) {
    this.logFile = path.join(spec.dataDir, "server.log");
    this.base = `http://127.0.0.1:${spec.port}`;
  }

  /** Starts the server (reusing the build in NEXT_DIST_DIR) and waits until /api/health answers. */
  async start(): Promise<void> {
    const log = createWriteStream(this.logFile, { flags: "a" });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(this.spec.port),
      HOST: "127.0.0.1",
      DATA_DIR: this.spec.dataDir,
      NEXT_DIST_DIR: process.env.NEXT_DIST_DIR || ".next",
      FORCE_BUILD: "0",
      ...this.spec.env,
    };
    delete env.DATABASE_URL;
    if (this.spec.databaseUrl) env.DATABASE_URL = this.spec.databaseUrl;
    // Its own process group: a kill reaches start.mjs, `next start` and everything they spawned.
    const proc = spawn(process.execPath, ["scripts/start.mjs"], {
      cwd: ROOT,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    proc.stdout!.pipe(log);
    proc.stderr!.pipe(log);
    this.proc = proc;
    const deadline = Date.now() + 240_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}:\n${this.log().slice(-3000)}`);
      try {
        if ((await fetch(`${this.base}/api/health`)).ok) return;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`server did not answer /api/health:\n${this.log().slice(-3000)}`);
  }

  log(): string {
    try {
      return readFileSync(this.logFile, "utf8");
    } catch {
      return "";
    }
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    try {
      process.kill(-proc.pid!, sig);
    } catch {
      /* already gone */
    }
    await exited;
    // `next start` may outlive start.mjs for a moment: wait until the whole group is gone.
    for (let i = 0; i < 100; i++) {
      try {
        process.kill(-proc.pid!, 0);
      } catch {
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    this.proc = null;
  }

  /** SIGKILL to the whole process group: no shutdown code runs. */
  kill9(): Promise<void> {
    return this.signal("SIGKILL");
  }

  async stop(): Promise<void> {
    await this.signal("SIGTERM");
  }

  async json<T = unknown>(p: string): Promise<T> {
    const res = await fetch(`${this.base}${p}`);
    if (!res.ok) throw new Error(`${p}: HTTP ${res.status}`);
    return res.json() as Promise<T>;
  }

  async upload(files: Array<{ name: string; path: string }>): Promise<string> {
    const { openAsBlob } = await import("node:fs");
    const form = new FormData();
    for (const f of files) form.append("file", await openAsBlob(f.path), f.name);
    const res = await fetch(`${this.base}/api/incidents`, { method: "POST", body: form });
    if (res.status !== 201) throw new Error(`upload: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()).id;
  }
}

export const tempDir = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));

/** A fresh scratch database beside DATABASE_URL's (the e2e webServer owns that one), or undefined on PGlite. */
export async function scratchDatabase(suffix: string): Promise<string | undefined> {
  const url = process.env.DATABASE_URL;
  if (!url) return undefined;
  const u = new URL(url);
  const name = `${u.pathname.slice(1)}_${suffix}`.replace(/[^A-Za-z0-9_]/g, "_");
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  u.pathname = `/${name}`;
  return u.toString();
}

export type Sql = <R = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<R[]>;

/** Direct SQL on the server's database (PGlite only while its server is stopped: one owner at a time). */
export async function withSql<T>(spec: ServerSpec, fn: (sql: Sql) => Promise<T>): Promise<T> {
  if (spec.databaseUrl) {
    const c = new pg.Client({ connectionString: spec.databaseUrl });
    await c.connect();
    try {
      return await fn(async (text, params) => (await c.query(text, params as unknown[])).rows);
    } finally {
      await c.end();
    }
  }
  const db = new PGlite(path.join(spec.dataDir, "pglite"));
  try {
    return await fn(async (text, params) => (await db.query(text, params as unknown[])).rows as never);
  } finally {
    await db.close();
  }
}

export function sha256File(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

export const blobPath = (dataDir: string, sha: string) =>
  path.join(dataDir, "blobs", sha.slice(0, 2), sha.slice(2, 4), sha);
