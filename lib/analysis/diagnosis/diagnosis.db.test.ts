import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestEnv } from "@/lib/testing/test-db";
import { openIngested } from "@/lib/testing/worker";
import { getIncidentView } from "@/lib/incidents/view";
import { IncidentView } from "@/lib/api/incident-schema";

/** Secrets written in the sample config (acme-prod-config.yaml): none may be stored or shown. */
const SECRETS = [
  "MIICpDCCAYwCCQDk2Y1vWq0ZlTANBgkqhkiG9w0BAQsFADAUMRIwEAYDVQQDDAls",
  "9f1c2b7e4d5a6c3b8e0f1a2d3c4b5a69e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3",
  "4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b",
  "Sup3rS3cret!",
];

let t: TestEnv;
let incidentId: string;
beforeAll(async () => {
  ({ t, incidentId } = await openIngested());
});
afterAll(async () => t?.cleanup());

const view = async () => IncidentView.parse(await getIncidentView(t.handle.prisma, incidentId));
const step = (v: IncidentView, id: string) => v.diagnosis.steps.find((s) => s.id === id)!;

describe("diagnosis of the sample bundle", () => {
  it("answers the common steps from the logs and the config", async () => {
    const v = await view();
    const d = v.diagnosis;
    expect(step(v, "find-502s")).toMatchObject({ outcome: "fail" });
    expect(step(v, "find-502s").why).toMatch(/3 × 502 .* 3 with socket hang up/);
    expect(step(v, "which-target").why).toContain(
      "127.0.0.1:28081 (edgemicro_orders /emg_badtarget): keepalive-mismatch",
    );
    expect(d.hops[1]).toEqual({ name: "gateway", keepAliveMs: 65000, source: "config" });
    expect(
      step(v, "keepalive-order").evidence.some(
        (e) => e.kind === "config" && /acme-prod-config\.yaml line \d+/.test(e.label),
      ),
    ).toBe(true);
    // The capture is in the bundle, so it is never asked for.
    expect(d.mustGather.map((m) => m.item).join("\n")).not.toMatch(/packet capture/i);
    // The capture's races at the target's ≈2 s idle timeout explain the 502s: the gateway's pooled
    // target sockets outlive the target's idle timeout.
    expect(d.verdict).toMatchObject({ cause: "keepalive-mismatch", confidence: "high", explains502: 3 });
    expect(d.hops[2].source).toBe("capture");
    expect(d.hops[2].keepAliveMs).toBeGreaterThan(1900);
    expect(d.hops[2].keepAliveMs).toBeLessThan(2100);
    expect(d.violations).toHaveLength(1);
    expect(d.violations[0]).toMatchObject({ upstream: "target", downstream: "gateway" });
    expect(d.targets).toEqual([
      expect.objectContaining({
        target: "127.0.0.1:28081",
        proxy: "edgemicro_orders /emg_badtarget",
        cause: "keepalive-mismatch",
        confidence: "high",
        explains502: 3,
      }),
    ]);
    expect(d.targets[0].idleTimeoutMs).toBe(d.hops[2].keepAliveMs);
    // The fix is at the target, and names the config file that runs.
    expect(d.fix).toEqual(d.targets[0].fix);
    expect(d.fix!.notes.join(" ")).toMatch(
      /client → gateway\) only[\s\S]*keep_alive_timeout \(65 s in acme-prod-config\.yaml\)/,
    );
    expect(step(v, "keepalive-order").outcome).toBe("fail");
    expect(step(v, "premature-close").outcome).toBe("pass");
    expect(d.mustGather).toEqual([]);
  });

  it("a saved target keep-alive the capture contradicts is shown as an answer and does not change the verdict", async () => {
    await t.handle.prisma.incident.update({
      where: { id: incidentId },
      data: { answers: { targetKeepAliveMs: 60000 } },
    });
    const v = await view();
    const d = v.diagnosis;
    expect(d.verdict).toMatchObject({ cause: "keepalive-mismatch", confidence: "high" });
    expect(d.hops[2].source).toBe("capture");
    expect(
      step(v, "keepalive-order")
        .evidence.filter((e) => e.kind === "answer")
        .map((e) => e.label)
        .join("\n"),
    ).toMatch(/target keep-alive 60000 ms\) disagrees with the capture/);
    expect(d.answers).toEqual({ targetKeepAliveMs: 60000 });
  });

  it("stores no secret of the sample config anywhere in the database, the view JSON or the blob store", async () => {
    const tables = await t.handle.prisma.$queryRawUnsafe<Array<{ name: string }>>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.map((r) => r.name)).toEqual(expect.arrayContaining(["Incident", "BundleFile", "LogTransaction"]));
    let dump = "";
    for (const { name } of tables) {
      const rows = await t.handle.prisma.$queryRawUnsafe<Array<{ row: string }>>(
        `SELECT t::text AS row FROM "${name}" t`,
      );
      dump += rows.map((r) => r.row).join("\n");
    }
    expect(dump).toContain("edgemicro_orders");
    const json = JSON.stringify(await view());
    const blobs: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = path.join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else blobs.push(readFileSync(p).toString("latin1"));
      }
    };
    walk(t.dataDir);
    for (const secret of SECRETS) {
      expect(dump.includes(secret), `database holds ${secret.slice(0, 8)}…`).toBe(false);
      expect(json.includes(secret), `view JSON holds ${secret.slice(0, 8)}…`).toBe(false);
      expect(
        blobs.some((b) => b.includes(secret)),
        `blob store holds ${secret.slice(0, 8)}…`,
      ).toBe(false);
    }
    // The redaction report names what was removed, never the secret itself.
    const cfg = (await view()).files.find((f) => f.kind === "gateway-config")!;
    expect(cfg.counts.redactions).toBeDefined();
    expect(blobs.length).toBeGreaterThan(0);
  });
});
