// The target leg of a recording (relay ↔ backend, 127.0.1.x) as a capture taken on the target's host behind a load
// balancer would show it: `node scripts/lab/target-leg.mjs .scratch/NAME/full.pcap OUT.pcap`. Keeps the packets to
// or from 127.0.1.0/24 and names each backend as the gateway's proxy url does (127.0.1.x → 127.0.0.x, same port).
// The relay ACKs and resets on the target's behalf, so a request the gateway sent into a reset never reaches this leg.
import fs from "node:fs";

const [src, dst] = process.argv.slice(2);
const d = fs.readFileSync(src);
if (d.readUInt32LE(0) !== 0xa1b2c3d4 && d.readUInt32LE(0) !== 0xa1b23c4d) throw new Error(`${src}: not a pcap`);
const ipAt = { 276: 20, 113: 16, 1: 14 }[d.readUInt32LE(20)]; // LINUX_SLL2, LINUX_SLL, Ethernet
if (ipAt === undefined) throw new Error(`${src}: link type ${d.readUInt32LE(20)} not handled`);
const out = [d.subarray(0, 24)];
const backend = (p, at) => p[at] === 127 && p[at + 1] === 0 && p[at + 2] === 1;
for (let i = 24; i + 16 <= d.length;) {
  const cap = d.readUInt32LE(i + 8);
  const rec = Buffer.from(d.subarray(i, i + 16 + cap));
  i += 16 + cap;
  const ip = 16 + ipAt;
  if (rec.length < ip + 20 || rec[ip] >> 4 !== 4) continue;
  if (!backend(rec, ip + 12) && !backend(rec, ip + 16)) continue;
  for (const at of [ip + 12, ip + 16]) if (backend(rec, at)) rec[at + 2] = 0;
  out.push(rec);
}
fs.writeFileSync(dst, Buffer.concat(out));
console.log(`${out.length - 1} packets → ${dst}`);
