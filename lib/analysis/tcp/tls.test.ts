/**
 * A capture of an https target: three connections from curl to `openssl s_server -www` on 127.0.0.1:9443
 * (__fixtures__/https-openssl.pcap, recorded with tcpdump -i any). tshark -z conv,tcp → 3 conversations;
 * tshark -Y 'tls.handshake.type==1' → 3 ClientHellos. Nothing in them is readable HTTP, so no close may be judged.
 */
import path from "node:path";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CaptureReader } from "@/lib/parsers/pcap";
import { classifyAll, trackAll } from "./index";

const FILE = path.join(import.meta.dirname, "__fixtures__", "https-openssl.pcap");

describe("a TLS capture", () => {
  const r = new CaptureReader();
  const conns = trackAll([...r.push(new Uint8Array(readFileSync(FILE))), ...r.end()], {
    targets: [{ host: "127.0.0.1", port: 9443 }],
  });
  it("marks every connection TLS, with no exchange read", () => {
    expect(conns).toHaveLength(3);
    expect(conns.map((c) => [c.tls, c.exchanges.length])).toEqual(Array(3).fill([true, 0]));
  });
  it("counts them in the target's profile and classifies no failure shape", () => {
    const { classes, profiles } = classifyAll(conns);
    expect(profiles.get("127.0.0.1:9443")!.encrypted).toBe(3);
    expect(classes.map((c) => c.code).filter((c) => c === "keepalive-race" || c === "premature-close")).toEqual([]);
  });
});
