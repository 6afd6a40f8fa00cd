import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/*
 * `npm start` on another address than localhost: refused while no account exists (open mode), allowed
 * once the first admin exists. Runs the real start script on a scratch PGlite data directory, with a
 * stand-in build directory so no `next build` happens (the server itself then fails to boot: only the
 * host check is under test here).
 */
const root = path.resolve(import.meta.dirname, "..");
const tmp = mkdtempSync(path.join(os.tmpdir(), "emg-start-"));
const dist = path.join(tmp, "dist");
const env = {
  ...process.env,
  DATABASE_URL: "",
  DATA_DIR: path.join(tmp, "data"),
  NEXT_DIST_DIR: path.relative(root, dist),
  PORT: "3299",
  FORCE_BUILD: "0",
};
const start = (extra: Record<string, string>) =>
  spawnSync(process.execPath, ["scripts/start.mjs"], {
    cwd: root,
    env: { ...env, ...extra },
    encoding: "utf8",
    timeout: 120_000,
  });

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("start host check", () => {
  it("refuses HOST=0.0.0.0 without accounts, with a message saying how to create the first admin", () => {
    rmSync(dist, { recursive: true, force: true });
    mkdirSync(dist, { recursive: true });
    writeFileSync(path.join(dist, "BUILD_ID"), "stand-in");
    const r = start({ HOST: "0.0.0.0", ADMIN_EMAIL: "", ADMIN_PASSWORD: "" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("Refusing to listen on HOST=0.0.0.0");
    expect(r.stderr).toContain("npm run admin -- create-admin");
  }, 180_000);

  it("lets HOST=0.0.0.0 through once ADMIN_EMAIL / ADMIN_PASSWORD created the first admin", () => {
    const r = start({ HOST: "0.0.0.0", ADMIN_EMAIL: "lead@example.com", ADMIN_PASSWORD: "first admin password" });
    expect(r.stderr).toContain("created the first admin lead@example.com");
    expect(r.stdout).toContain("[start] team mode: 1 account(s), sign-in required");
    expect(r.stderr).not.toContain("Refusing");
  }, 180_000);
});
