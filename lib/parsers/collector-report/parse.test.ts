import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseCollectorReport } from "./parse";

const fixture = (name: string) => readFileSync(path.join(__dirname, "__fixtures__", name), "utf8");

describe("parseCollectorReport", () => {
  it("reads what the real collector wrote after a capture", () => {
    expect(parseCollectorReport(fixture("capture-report.txt"))).toEqual({
      host: "vm",
      at: "2026-12-04T04:37:43.134Z",
      config: "lab-test-config.yaml (given with --config)",
      logs: "logs (given with --log-dir)",
      captureFilter: "tcp and (host 127.0.0.2 and port 9000)",
      captureStopped: "duration, 0 new 502s",
      tcpdump: { captured: 0, received: 0, droppedByKernel: 0 },
      warnings: [],
      redactedOnHost: ["config/lab-test-config.yaml: secret-key-value ×2 (lines 35, 36)"],
    });
  });

  it("reads a report of logs and config only: no capture, so no tcpdump counts", () => {
    expect(parseCollectorReport(fixture("no-capture-report.txt"))).toMatchObject({
      captureFilter: null,
      captureStopped: null,
      tcpdump: null,
      redactedOnHost: ["config/lab-test-config.yaml: secret-key-value ×2 (lines 35, 36)"],
    });
  });

  it("reads lost packets and the collector's warning, and counts tcpdump did not print as unknown", () => {
    // The capture fixture with tcpdump's line as a loaded host gives it (lib/collector/capture.test.ts) and the
    // warning lib/collector/capture.ts lostPackets writes then.
    const lossy = fixture("capture-report.txt").replace(
      /^tcpdump: .*$/m,
      "tcpdump: 9120 packets captured, 10432 received by filter, 1312 dropped by kernel\nwarning: tcpdump lost 1312 packet(s)",
    );
    expect(parseCollectorReport(lossy)).toMatchObject({
      tcpdump: { captured: 9120, received: 10432, droppedByKernel: 1312 },
      warnings: ["tcpdump lost 1312 packet(s)"],
    });
    const unknown = fixture("capture-report.txt").replace(
      /^tcpdump: .*$/m,
      "tcpdump: ? packets captured, ? received by filter, ? dropped by kernel",
    );
    expect(parseCollectorReport(unknown)?.tcpdump).toEqual({ captured: null, received: null, droppedByKernel: null });
  });

  it("is null for any other text", () => {
    expect(parseCollectorReport("emg-collect report\nconfig: x")).toBeNull();
    expect(parseCollectorReport("")).toBeNull();
  });
});
