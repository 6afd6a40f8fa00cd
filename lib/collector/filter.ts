/**
 * The tcpdump filter for exactly the gateway↔target connections of a config's proxies (FORMATS.md §3:
 * the guide's `tcpdump -i any -s 0 host TARGET`). Hostnames are resolved by the collector beforehand
 * and given as addresses, so the filter matches what the gateway connects to even when tcpdump's own
 * resolver would pick another address (or only the IPv4 ones).
 */
import net from "node:net";
import type { GatewayConfig } from "@/lib/parsers/config";

export interface CaptureTarget {
  /** As written in the proxy url. */
  host: string;
  port: number;
  /** Addresses to match: the host itself when it is an address, else what it resolved to (empty: unresolved). */
  addresses: string[];
}

/** Distinct host:port targets of the config's proxies (IPv6 brackets already removed by the parser). */
export function targetsOf(config: GatewayConfig): Array<{ host: string; port: number }> {
  const seen = new Map<string, { host: string; port: number }>();
  for (const p of config.proxies) {
    if (!p.target) continue;
    const host = p.target.host.toLowerCase();
    seen.set(`${host}|${p.target.port}`, { host, port: p.target.port });
  }
  return [...seen.values()];
}

/** `host A` for one address; IPv6 literals are accepted by tcpdump's `host` as they are. */
function hostExpr(addresses: string[]): string {
  const hosts = [...new Set(addresses)].map((a) => `host ${a}`);
  return hosts.length === 1 ? hosts[0] : `(${hosts.join(" or ")})`;
}

/**
 * `tcp and ((host A and port P) or …)`. A target whose host did not resolve is matched by port only
 * (wider, but the capture still holds its connections); the caller says so to the customer.
 */
export function buildFilter(targets: CaptureTarget[]): string {
  if (targets.length === 0) throw new Error("no target to capture");
  const parts = new Set<string>();
  for (const t of targets) {
    const addrs = t.addresses.filter((a) => net.isIP(a));
    parts.add(addrs.length ? `(${hostExpr(addrs)} and port ${t.port})` : `(port ${t.port})`);
  }
  const list = [...parts];
  return `tcp and ${list.length === 1 ? list[0] : `(${list.join(" or ")})`}`;
}

/** Resolves each target's host to all its addresses (IPv4 and IPv6); literals stay as they are. */
export async function resolveTargets(
  targets: Array<{ host: string; port: number }>,
  lookup: (host: string) => Promise<string[]>,
): Promise<CaptureTarget[]> {
  return Promise.all(
    targets.map(async (t) => {
      if (net.isIP(t.host)) return { ...t, addresses: [t.host] };
      const addresses = await lookup(t.host).catch(() => []);
      return { ...t, addresses };
    }),
  );
}

/** tcpdump's kernel buffer (`-B`), KiB. */
export const BUFFER_KIB = 16384;

/**
 * The tcpdump argument list. `-U` writes each packet as it comes, so an interrupted capture is whole; `-B` asks for a
 * 16 MiB kernel buffer instead of 2 MiB, so a burst of traffic while the host is busy is not dropped (the lab's
 * recorder captures so).
 */
export function tcpdumpArgs(file: string, filter: string): string[] {
  return ["-i", "any", "-s", "0", "-U", "-n", "-B", String(BUFFER_KIB), "-w", file, filter];
}
