/**
 * The capture's addresses under the names the log gives them (localhost:9000 for 127.0.0.1:9000, a dual-stack name
 * for its IPv6 and IPv4 address; lib/analysis/target-alias.ts): one reading for the incident's view, the matching
 * of 502s to connections, and the connection list filtered by a target's name.
 */
import "server-only";
import type { Db } from "@/lib/db/client";
import { aliasCaptureTargets, configuredTargets, unresolvedTargets } from "@/lib/analysis/target-alias";
import { readFileCounts, readTally } from "@/lib/api/file-counts";
import type { GatewayConfig } from "@/lib/parsers/config";

type LogTargetRow = { target: string; requests: number; errorCodes: Record<string, number> };

/** Each capture address the log knows by a name → that name. `known`: the log's targets and configs, if already read. */
export async function captureTargetNames(
  db: Db,
  incidentId: string,
  captureTargets: string[],
  known?: { logRows: LogTargetRow[]; configs: GatewayConfig[] },
): Promise<Map<string, string>> {
  const rows =
    known?.logRows ??
    (
      await db.logTargetStat.findMany({
        where: { incidentId },
        select: { target: true, requests: true, errorCodes: true },
      })
    ).map((r) => ({ ...r, errorCodes: readTally(r.errorCodes) }));
  const configs =
    known?.configs ??
    (
      await db.bundleFile.findMany({
        where: { incidentId, kind: "gateway-config", status: "done" },
        select: { counts: true },
      })
    ).flatMap((f) => readFileCounts(f.counts).config ?? []);
  return aliasCaptureTargets([...new Set(rows.map((r) => r.target))], [...new Set(captureTargets)], {
    configured: configuredTargets(configs),
    unresolved: unresolvedTargets(rows),
  });
}

/** The capture addresses a target stands for: its own, and those the log names so. */
export async function addressesOfTarget(
  db: Db,
  incidentId: string,
  target: string,
  captureTargets: string[],
): Promise<string[]> {
  const names = await captureTargetNames(db, incidentId, captureTargets);
  return [target, ...[...names].filter(([address, name]) => name === target && address !== target).map(([a]) => a)];
}
