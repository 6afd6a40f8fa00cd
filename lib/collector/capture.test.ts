// The collector's real tcpdump on loopback (needs root and tcpdump, as the collector does; skipped without them).
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tcpdumpArgs } from "./filter";
import { PcapCounter, startTcpdump } from "./capture";
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
  }, 20_000);
});
