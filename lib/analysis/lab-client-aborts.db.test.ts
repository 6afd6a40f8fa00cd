/**
 * Lab recordings of the gateway's clients giving up (client-abort-*, and blind random-47), uploaded as users send
 * them (whole, without the capture, without the log, the log cut to level error) and diagnosed as the app does.
 */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, type TestEnv } from "@/lib/testing/test-db";
import { parseQueued, queueBundle } from "@/lib/testing/worker";
import { errorsOnly, PARTIAL } from "@/lib/testing/lab-variants";
import { getIncidentView } from "@/lib/incidents/view";
import { IncidentView } from "@/lib/api/incident-schema";
import { loadLabFixture } from "./lab-truth";

/** The bundles the tests read: `NAME`, `NAME/capture` or `NAME/log` (a part missing), `NAME/errors`. */
const BUNDLES = [
  "client-abort-upload",
  "client-abort-upload/errors",
  "client-abort-upload/capture",
  "client-abort-upload-error-level",
  "client-abort-upload-error-level/log",
  "client-abort-upload-timeout/capture",
  "client-abort-mixed",
  "random-47/capture",
];

let t: TestEnv;
const ids = new Map<string, string>();
beforeAll(async () => {
  t = await openTestDb();
  const cutDir = mkdtempSync(path.join(os.tmpdir(), "lab-aborts-"));
  for (const id of BUNDLES) {
    const [name, variant] = id.split("/");
    const all = loadLabFixture(name).files;
    const files =
      variant === "errors"
        ? errorsOnly(name, all, cutDir)
        : variant
          ? all.filter(PARTIAL[variant as keyof typeof PARTIAL])
          : all;
    ids.set(id, await queueBundle(t, files));
  }
  await parseQueued(t.handle.prisma, t.dataDir);
}, 300_000);
afterAll(async () => t?.cleanup());

// The gateway's client giving up (scripts/lab/README.md "The gateway's client giving up"). client-abort-upload: the
// client leaves mid-upload, the gateway aborts the target request, logs `source request aborted` (info, 499) and a 502
// socket hang up, and closes the connection with the request pending (gateway-close): no failure of the target.
describe("lab recordings client-abort-*: 502s logged for clients that had gone", () => {
  const viewOf = async (id: string) => IncidentView.parse(await getIncidentView(t.handle.prisma, ids.get(id)!));
  const aborted = (name: string) => loadLabFixture(name).truth.log.status502ClientAborts ?? 0;

  it("at level info: the log's abort lines take them off the target, which is healthy (high)", async () => {
    const n = aborted("client-abort-upload");
    expect(n).toBeGreaterThan(0);
    const d = (await viewOf("client-abort-upload")).diagnosis;
    expect(d.targets[0]).toMatchObject({ target: "127.0.0.2:9000", cause: "healthy", confidence: "high" });
    expect(d.targets[0].summary).toContain(`${n} × 502 logged for it came after the gateway's client had gone`);
    expect(d.verdict).toMatchObject({ cause: "no-502", confidence: "high" });
    expect(d.verdict.summary).toContain(`${n} × 502 in these logs came after the gateway's client had gone`);
  });

  it("at level error: told from the capture (the gateway closed first, no 504), healthy at medium", async () => {
    for (const id of ["client-abort-upload-error-level", "client-abort-upload/errors"]) {
      const n = aborted(id.split("/")[0]);
      const d = (await viewOf(id)).diagnosis;
      expect(d.targets[0], id).toMatchObject({ cause: "healthy", confidence: "medium" });
      expect(d.targets[0].summary, id).toContain(`${n} × 502 match connections the gateway closed itself`);
      expect(d.verdict, id).toMatchObject({ cause: "no-502", confidence: "medium" });
      expect(d.mustGather.map((m) => m.item)).toContain("Logs at level info or lower (edgemicro.logging.level: info)");
    }
  });

  it("at level error without a capture: unexplained resets, never a cause at high confidence", async () => {
    const d = (await viewOf("client-abort-upload-error-level/log")).diagnosis;
    expect(d.targets[0]).toMatchObject({ cause: "insufficient-data", confidence: "low" });
  });

  it("without the log, and no timeout configured: the gateway's closes are no gateway-timeout", async () => {
    const { truth } = loadLabFixture("client-abort-upload");
    expect(truth.gateway.requestTimeoutS).toBeNull();
    const closes = truth.connections.filter((c) => c.gatewayCloseCause === "client-abort").length;
    const d = (await viewOf("client-abort-upload/capture")).diagnosis;
    expect(d.targets[0]).toMatchObject({ cause: "healthy", confidence: "medium" });
    expect(d.targets[0].summary).toContain(`The gateway closed ${closes} connection(s) with a request pending`);
  });

  it("without the log, a timeout configured: closes sooner than it are clients gone, the rest timeouts", async () => {
    // client-abort-upload-timeout: request_timeout 5 s, every close 1.5 s after the last byte (the client's timeout).
    const only = (await viewOf("client-abort-upload-timeout/capture")).diagnosis;
    expect(only.targets[0]).toMatchObject({ cause: "healthy", confidence: "medium" });
    expect(only.targets[0].summary).toContain("sooner after the connection's last byte than its shortest timeout");
    // random-47 (blind): on 127.0.0.8:8080, request_timeout 2 s, 20 uploads given up on at 1.3 s, 5 slow answers.
    const { truth } = loadLabFixture("random-47");
    const closes = truth.connections.filter((c) => c.target === "127.0.0.8:8080" && c.class === "gateway-close");
    const timedOut = closes.filter((c) => c.gatewayCloseCause === "request-timeout").length;
    expect([closes.length, timedOut]).toEqual([25, 5]);
    const mixed = (await viewOf("random-47/capture")).diagnosis.targets.find((v) => v.target === "127.0.0.8:8080");
    expect(mixed).toMatchObject({ cause: "gateway-timeout", confidence: "medium", explains502: timedOut });
    expect(mixed!.evidence.map((x) => x.label).join(" ")).toContain(
      `The gateway closed ${closes.length - timedOut} connection(s) with a request pending, each sooner`,
    );
  });

  it("beside a real keep-alive mismatch: the races keep their cause, the aborts are named", async () => {
    const { truth } = loadLabFixture("client-abort-mixed");
    const d = (await viewOf("client-abort-mixed")).diagnosis;
    const abortTarget = truth.targets.find((x) => (x.clientAborts?.gatewayClosed ?? 0) > 0)!;
    const raceTarget = truth.targets.find((x) => x.expectedCause === "keepalive-mismatch")!;
    expect(d.targets.find((v) => v.target === raceTarget.target)).toMatchObject({
      cause: "keepalive-mismatch",
      confidence: "high",
      explains502: raceTarget.counts["keepalive-race"],
    });
    expect(d.targets.find((v) => v.target === abortTarget.target)).toMatchObject({ cause: "healthy" });
    expect(d.verdict).toMatchObject({ cause: "keepalive-mismatch", confidence: "high" });
    expect(d.verdict.summary).toContain(`${abortTarget.clientAborts!.gatewayClosed} × 502 in these logs came after`);
  });
});
