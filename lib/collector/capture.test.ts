// The collector's real tcpdump on loopback (needs root and tcpdump, as the collector does; skipped without them).
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tcpdumpArgs } from "./filter";
import { lostPackets, PcapCounter, startTcpdump, tcpdumpStats } from "./capture";
import { findTcpdump } from "./preflight";

const tcpdump = findTcpdump(process.env.PATH);
const canCapture = tcpdump !== null && process.getuid?.() === 0;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "collector-capture-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A port nothing listens on: each connect is a SYN answered by a RST (2 packets). */
async function closedPort(): Promise<number> {
  const s = net.createServer().listen(0, "127.0.0.1");
  await new Promise((r) => s.once("listening", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

const refused = (port: number) =>
  new Promise<void>((resolve) => {
    const c = net.connect(port, "127.0.0.1");
    c.once("error", () => resolve());
    c.once("connect", () => (c.destroy(), resolve()));
  });

describe.skipIf(!canCapture)("startTcpdump → stop", () => {
  it("keeps the packets of the moment it is asked to stop (the 502s that end a capture)", async () => {
    fs.chmodSync(dir, 0o755); // tcpdump may drop to its own user before opening the file
    const file = path.join(dir, "capture.pcap");
    const port = await closedPort();
    const capture = await startTcpdump(tcpdump!, tcpdumpArgs(file, `tcp port ${port}`));
    for (let i = 0; i < 3; i++) await refused(port);
    await capture.stop(); // right after the last packet, as when the third 502 is logged
    // Three refused connects: 3 SYN + 3 RST, all written (a bare SIGINT here wrote none of them).
    expect(new PcapCounter(file).poll()).toBe(6);
    expect(capture.stderr()).toMatch(/6 packets captured/);
    expect(tcpdumpStats(capture.stderr())).toMatchObject({ captured: 6, droppedByKernel: 0 });
    expect(lostPackets(tcpdumpStats(capture.stderr()))).toBeNull();
  }, 20_000);
});

describe("tcpdumpStats / lostPackets", () => {
  // tcpdump 4.99 (Debian 12) on SIGINT, as the collector stops it; the second as it prints a full kernel buffer.
  const clean =
    "tcpdump: listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n0 packets captured\n0 packets received by filter\n0 packets dropped by kernel\n";
  const lossy = clean
    .replace("0 packets captured", "9120 packets captured")
    .replace(
      /0 packets received by filter\n0 packets dropped by kernel/,
      "10432 packets received by filter\n1312 packets dropped by kernel\n1 packet dropped by interface",
    );

  it("reads the counts tcpdump prints as it exits", () => {
    expect(tcpdumpStats(clean)).toEqual({ captured: 0, received: 0, droppedByKernel: 0, droppedByInterface: null });
    expect(tcpdumpStats(lossy)).toEqual({
      captured: 9120,
      received: 10432,
      droppedByKernel: 1312,
      droppedByInterface: 1,
    });
    expect(tcpdumpStats("tcpdump: lo: No such device exists")).toEqual({
      captured: null,
      received: null,
      droppedByKernel: null,
      droppedByInterface: null,
    });
  });

  it("warns only when packets were lost, with how many and what to do", () => {
    expect(lostPackets(tcpdumpStats(clean))).toBeNull();
    expect(lostPackets(tcpdumpStats(lossy))).toMatch(
      /^tcpdump lost 1313 packet\(s\) \(1312 dropped by the kernel, 1 by the interface\): .*less busy/,
    );
  });
});
