import { describe, expect, it } from "vitest";
import type { IncidentView } from "@/lib/api/incident-schema";
import { gatewayProcessRestarts } from "./worker-restarts";

const UID_A = "fa9a54dc-ae3d-4d47-a38b-12c75cf38759";
const UID_B = "28f1b1d6-33a0-4181-b259-2f663bc8158e";
const UID_C = "0fbcb70e-ea8e-45ab-bca1-55e5a39bf7e7";
const t = (s: number) => Date.parse("2026-12-04T10:00:00.000Z") + s * 1000;

let n = 0;
function log(name: string, firstS: number, lastS: number, listening?: { s: number; lineNo: number }) {
  return {
    id: `f${++n}`,
    name,
    kind: "gateway-log",
    size: 1,
    status: "done",
    bytesDone: 1,
    error: null,
    parentId: null,
    counts: {
      firstTs: t(firstS),
      lastTs: t(lastS),
      ...(listening ? { gatewayStart: { ts: t(listening.s), lineNo: listening.lineNo } } : {}),
    },
  } satisfies IncidentView["files"][number];
}

describe("gatewayProcessRestarts", () => {
  it("names a new process's log that starts after another process of the same host stopped", () => {
    const before = log(`bundle/edgemicro-vm-${UID_A}-1-api.log`, 0, 15);
    const after = log(`bundle/edgemicro-vm-${UID_B}-1-api.log`, 16, 30, { s: 16, lineNo: 1 });
    expect(gatewayProcessRestarts([after, before])).toEqual([
      {
        host: "vm",
        lastTs: t(15),
        lastFileName: before.name,
        ts: t(16),
        fileId: after.id,
        fileName: after.name,
        lineNo: 1,
      },
    ]);
  });

  it("takes one process's rotations as one, and a log at a level without its start line from its first line", () => {
    const rotations = [
      log(`edgemicro-gw-01-${UID_A}-1-api.log`, 0, 100),
      log(`edgemicro-gw-01-${UID_A}-2-api.log.gz`, 100, 200),
    ];
    const next = log(`edgemicro-gw-01-${UID_B}-1-api.log`, 230, 300);
    expect(gatewayProcessRestarts([...rotations, next])).toMatchObject([
      { host: "gw-01", lastTs: t(200), lastFileName: rotations[1].name, ts: t(230), lineNo: null },
    ]);
  });

  it("pairs nothing across hosts, across processes that overlap in time, or in logs named otherwise", () => {
    expect(
      gatewayProcessRestarts([
        log(`edgemicro-a-${UID_A}-1-api.log`, 0, 10),
        log(`edgemicro-b-${UID_B}-1-api.log`, 20, 30), // another host
        log(`edgemicro-a-${UID_C}-1-api.log`, 5, 40), // runs beside a's first process
        log("gateway.log", 50, 60),
        log(`edgemicro-a-1-api.log`, 70, 80),
      ]),
    ).toEqual([]);
  });
});
