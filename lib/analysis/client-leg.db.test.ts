/**
 * A capture taken with a loose filter holds the client → gateway leg as well. Its connections are shown, but the
 * gateway's own listener (edgemicro.port 28000 in the sample config) is no target and gets no verdict.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN } from "@/lib/parsers/pcap";
import { synthPcap, type SynthPacket } from "@/lib/parsers/pcap/synth";
import { openTestDb, type TestEnv } from "@/lib/testing/test-db";
import { storeFiles, storeSamples } from "@/lib/testing/samples";
import { parseQueued } from "@/lib/testing/worker";
import { blobStore, createIncident } from "@/lib/ingest/bundle";
import { getIncidentView } from "@/lib/incidents/view";
import { IncidentView } from "@/lib/api/incident-schema";

/** A client's keep-alive connection to the gateway that the gateway closes idle as the client reuses it. */
function clientLegCapture(): string {
  const t0 = Date.parse("2026-11-23T19:33:50Z") * 1000;
  const C = { ip: "127.0.0.1", port: 51000 };
  const G = { ip: "127.0.0.1", port: 28000 };
  let c = 100;
  let g = 900;
  const pk: SynthPacket[] = [];
  const send = (ms: number, fromClient: boolean, flags: number, payload = "") => {
    pk.push({
      tsUs: t0 + ms * 1000,
      src: fromClient ? C.ip : G.ip,
      srcPort: fromClient ? C.port : G.port,
      dst: fromClient ? G.ip : C.ip,
      dstPort: fromClient ? G.port : C.port,
      seq: fromClient ? c : g,
      ack: fromClient ? g : c,
      flags,
      payload,
    });
    const adv = payload.length + (flags & (TCP_SYN | TCP_FIN) ? 1 : 0);
    if (fromClient) c += adv;
    else g += adv;
  };
  send(0, true, TCP_SYN);
  send(0.1, false, TCP_SYN | TCP_ACK);
  send(0.2, true, TCP_ACK);
  send(1, true, TCP_ACK | TCP_PSH, "GET /emg_badtarget/items/1 HTTP/1.1\r\nHost: g\r\n\r\n");
  send(30, false, TCP_ACK | TCP_PSH, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  send(30.1, true, TCP_ACK);
  send(5030, true, TCP_ACK | TCP_PSH, "GET /emg_badtarget/items/2 HTTP/1.1\r\nHost: g\r\n\r\n");
  send(5031, false, TCP_FIN | TCP_ACK);
  send(5032, false, TCP_RST);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "client-leg-")), "client-leg.pcap");
  writeFileSync(file, synthPcap(pk));
  return file;
}

let t: TestEnv;
let id: string;
beforeAll(async () => {
  t = await openTestDb();
  const store = blobStore(t.dataDir);
  const stored = [...(await storeSamples(store)), ...(await storeFiles(store, [clientLegCapture()]))];
  id = (await createIncident(t.handle.prisma, store, stored)).id;
  await parseQueued(t.handle.prisma, t.dataDir);
});
afterAll(async () => t?.cleanup());

describe("a capture that holds the client → gateway leg too", () => {
  it("keeps its connection, but the gateway's own port gets no target row and no verdict", async () => {
    const conns = await t.handle.prisma.tcpConnection.findMany({
      where: { incidentId: id, target: "127.0.0.1:28000" },
    });
    expect(conns).toHaveLength(1);
    const view = IncidentView.parse(await getIncidentView(t.handle.prisma, id));
    expect(view.targets.map((x) => x.target)).toEqual(["127.0.0.1:28081"]);
    expect(view.diagnosis.targets.map((x) => [x.target, x.cause])).toEqual([["127.0.0.1:28081", "keepalive-mismatch"]]);
    expect(view.diagnosis.verdict.cause).toBe("keepalive-mismatch");
  });
});
