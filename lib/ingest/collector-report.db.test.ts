/**
 * The collector's report in a bundle (lib/parsers/collector-report): read, not listed as a file nobody recognised;
 * tcpdump's lost packets said where the incident page lists what the diagnosis could not fully use.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { testDbForFile } from "@/lib/testing/test-db";
import { ingestBundle } from "@/lib/testing/worker";
import { getIncidentView } from "@/lib/incidents/view";
import { inputProblems } from "@/lib/analysis/input-problems";

const t = testDbForFile();
const FIXTURES = path.join(__dirname, "../parsers/collector-report/__fixtures__");

describe("a bundle the collector made", () => {
  it("reads its report beside the files it gathered, and finds nothing wrong with it", async () => {
    const { incidentId } = await ingestBundle(t, [path.join(FIXTURES, "emg-bundle.tar.gz")]);
    const view = (await getIncidentView(t.handle.prisma, incidentId))!;
    const report = view.files.find((f) => f.name.endsWith("emg-collect-report.txt"))!;
    expect([report.kind, report.status]).toEqual(["collector-report", "done"]);
    expect(report.counts.collectorReport).toMatchObject({
      host: "vm",
      captureFilter: "tcp and (host 127.0.0.2 and port 9000)",
      tcpdump: { captured: 0, droppedByKernel: 0 },
      redactedOnHost: ["config/lab-test-config.yaml: secret-key-value ×2 (lines 35, 36)"],
    });
    expect(view.files.map((f) => f.kind).sort()).toEqual(
      ["collector-report", "gateway-config", "gateway-log", "gzip", "pcap"].sort(),
    );
    expect(inputProblems(view.files).filter((p) => p.fileId === report.id)).toEqual([]);
  });

  it("says when tcpdump lost packets while capturing", async () => {
    const lossy = path.join(t.scratch, "emg-collect-report.txt");
    writeFileSync(
      lossy,
      readFileSync(path.join(FIXTURES, "capture-report.txt"), "utf8").replace(
        /^tcpdump: .*$/m,
        "tcpdump: 9120 packets captured, 10432 received by filter, 1312 dropped by kernel",
      ),
    );
    const { incidentId } = await ingestBundle(t, [lossy]);
    const view = (await getIncidentView(t.handle.prisma, incidentId))!;
    expect(inputProblems(view.files).map((p) => p.reason)).toEqual([
      expect.stringMatching(/^tcpdump lost 1312 packets while capturing .*marked unknown/),
    ]);
  });
});
