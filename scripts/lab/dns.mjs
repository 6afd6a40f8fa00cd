// A DNS stub for the dns-* scenarios: it listens on the resolver address /etc/resolv.conf names (inside the
// recording's network namespace, on loopback) and answers every query NXDOMAIN, as a real resolver does for a
// name that does not exist. Each query is appended to `eventsFile` (cross-check only; the truth reads the wire).
import dgram from "node:dgram";
import fs from "node:fs";

/** The first `nameserver` of /etc/resolv.conf: where glibc's getaddrinfo (and so the gateway) sends its queries. */
export function resolverAddress(file = "/etc/resolv.conf") {
  const m = /^\s*nameserver\s+(\S+)/m.exec(fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "");
  return m ? m[1] : "127.0.0.1";
}

// The question's name, from the packet's question section (labels from offset 12).
function qname(msg) {
  const labels = [];
  for (let o = 12; o < msg.length && msg[o] !== 0; o += msg[o] + 1)
    labels.push(msg.subarray(o + 1, o + 1 + msg[o]).toString("latin1"));
  return labels.join(".");
}

export function startDnsStub(host, eventsFile) {
  const sock = dgram.createSocket(host.includes(":") ? "udp6" : "udp4");
  sock.on("message", (msg, rinfo) => {
    if (msg.length < 12) return;
    const end = msg.indexOf(0, 12) + 5; // question: name, type, class
    const out = Buffer.from(msg.subarray(0, end));
    out[2] = 0x80 | (msg[2] & 0x79); // QR, same opcode and RD
    out[3] = 0x80 | 3; // RA, RCODE 3 (NXDOMAIN)
    out.writeUInt16BE(1, 4); // one question, no answers, no authority, no additional
    out.fill(0, 6, 12);
    sock.send(out, rinfo.port, rinfo.address);
    fs.appendFileSync(
      eventsFile,
      JSON.stringify({ t: Date.now(), ev: "nxdomain", name: qname(msg), type: msg.readUInt16BE(end - 4) }) + "\n",
    );
  });
  return new Promise((resolve, reject) => {
    sock.once("error", reject);
    sock.bind(53, host, () => resolve({ close: () => new Promise((r) => sock.close(() => r())) }));
  });
}
