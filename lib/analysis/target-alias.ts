/**
 * The log names a target as the gateway's request did (`localhost:9000`, `orders.internal:8080`); the capture
 * by address (`127.0.0.1:9000`). Pure: pairs a capture endpoint the log never names with the one log target on
 * the same port that the capture never names, when that target is a host name (no DNS is asked).
 */
const IP = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])$/i;

function split(target: string): { host: string; port: string } | null {
  const i = target.lastIndexOf(":");
  return i > 0 ? { host: target.slice(0, i), port: target.slice(i + 1) } : null;
}

const isLoopback = (host: string) => host.startsWith("127.") || host === "[::1]";

/** What else speaks for a pair: neither side of it may be a target of its own. */
export interface AliasContext {
  /** host:port the gateway's config names as proxy targets: such an address is that proxy's target, no alias. */
  configured?: ReadonlySet<string>;
  /** Log targets whose every request failed its name lookup (ENOTFOUND): they never had a connection. */
  unresolved?: ReadonlySet<string>;
}

/** capture target → log target */
export function aliasCaptureTargets(
  logTargets: string[],
  captureTargets: string[],
  { configured, unresolved }: AliasContext = {},
): Map<string, string> {
  const logSet = new Set(logTargets);
  const capSet = new Set(captureTargets);
  const out = new Map<string, string>();
  for (const l of logTargets) {
    const lp = split(l);
    if (!lp || IP.test(lp.host) || capSet.has(l) || unresolved?.has(l)) continue;
    const caps = captureTargets.filter((c) => {
      const cp = split(c);
      return (
        cp !== null &&
        cp.port === lp.port &&
        !logSet.has(c) &&
        !configured?.has(c) &&
        (lp.host !== "localhost" || isLoopback(cp.host))
      );
    });
    const names = logTargets.filter(
      (o) => split(o)?.port === lp.port && !IP.test(split(o)!.host) && !capSet.has(o) && !unresolved?.has(o),
    );
    // One name and one address on the port (localhost: one loopback address): nothing else could be meant. A name with
    // an IPv6 and an IPv4 address is tried on both (Node.js, and recorded: a refused SYN to ::1, then 127.0.0.2).
    const families = new Set(caps.map((c) => c.startsWith("[")));
    const oneName = names.length === 1 || lp.host === "localhost";
    if (oneName && families.size === caps.length && caps.every((c) => !out.has(c))) for (const c of caps) out.set(c, l);
  }
  return out;
}

/** host:port of every proxy target the configs name (AliasContext.configured). */
export function configuredTargets(
  configs: Array<{ proxies: Array<{ target: { host: string; port: number } | null }> }>,
) {
  return new Set(
    configs.flatMap((c) => c.proxies.flatMap((p) => (p.target ? [`${p.target.host}:${p.target.port}`] : []))),
  );
}

/** Log targets whose requests all failed with ENOTFOUND (AliasContext.unresolved); rows of one target add up. */
export function unresolvedTargets(
  rows: Array<{ target: string; requests: number; errorCodes: Record<string, number> }>,
) {
  const by = new Map<string, { requests: number; notFound: number; other: number }>();
  for (const r of rows) {
    const t = by.get(r.target) ?? { requests: 0, notFound: 0, other: 0 };
    t.requests += r.requests;
    for (const [code, n] of Object.entries(r.errorCodes))
      if (code === "ENOTFOUND") t.notFound += n;
      else t.other += n;
    by.set(r.target, t);
  }
  return new Set(
    [...by].filter(([, t]) => t.notFound > 0 && t.other === 0 && t.notFound >= t.requests).map(([k]) => k),
  );
}
