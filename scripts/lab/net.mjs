// Network set-up a scenario asks for with `net`, inside the network namespace the recording runs in (so the
// machine's own network is never touched): `blackhole` routes an address range out of a veth whose far end sits
// in a namespace of its own with no address, so SYNs to it leave and are never answered, as behind a firewall
// that drops; `synRetries` sets net.ipv4.tcp_syn_retries (per namespace), how long the kernel retries a connect;
// `dns: "nxdomain"` puts the resolver address of /etc/resolv.conf on the namespace's loopback, where world.mjs runs
// a stub answering NXDOMAIN (dns.mjs); `dns: "unreachable"` sets nothing up: the namespace has no route to it.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { resolverAddress } from "./dns.mjs";

const ip = (...args) => execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });

/** Sets the scenario's network up; returns the function that takes it down. */
export function setupNet(net) {
  if (!net) return () => {};
  if (
    !execFileSync("ip", ["netns", "identify", String(process.pid)])
      .toString()
      .trim()
  )
    throw new Error(
      "this scenario changes the network: run it in a namespace of its own, e.g.\n" +
        "  ip netns add lab && ip netns exec lab ip link set lo up && ip netns exec lab npm run lab -- NAME",
    );
  if (net.dns) {
    if (net.dns !== "nxdomain") return () => {};
    const resolver = resolverAddress();
    ip("addr", "add", `${resolver}/32`, "dev", "lo");
    return () => {
      try {
        ip("addr", "del", `${resolver}/32`, "dev", "lo");
      } catch {}
    };
  }
  const voidNs = `emglab-void-${process.pid}`;
  const [base, bits] = net.blackhole.split("/");
  const local = base.replace(/\.\d+$/, ".1");
  ip("netns", "add", voidNs);
  ip("link", "add", "emgbh0", "type", "veth", "peer", "name", "emgbh1", "netns", voidNs);
  ip("addr", "add", `${local}/${bits}`, "dev", "emgbh0");
  ip("link", "set", "emgbh0", "up");
  ip("-n", voidNs, "link", "set", "emgbh1", "up");
  // No ARP (its failure would end the connect with EHOSTUNREACH): every address of the range maps to a MAC nobody has.
  for (let h = 2; h <= 9; h++)
    ip(
      "neigh",
      "add",
      base.replace(/\.\d+$/, `.${h}`),
      "lladdr",
      "02:00:00:00:00:0" + h,
      "dev",
      "emgbh0",
      "nud",
      "permanent",
    );
  const retries = "/proc/sys/net/ipv4/tcp_syn_retries";
  const before = fs.readFileSync(retries, "utf8");
  if (net.synRetries != null) fs.writeFileSync(retries, String(net.synRetries));
  return () => {
    fs.writeFileSync(retries, before);
    try {
      ip("link", "del", "emgbh0");
    } catch {}
    try {
      ip("netns", "del", voidNs);
    } catch {}
  };
}
