import { copyText, type CopyIn } from "./copy";
import type { TransactionRow } from "./bulk";
import type { ClassifiedConnection } from "./bulk-connections";
import { endpointLabel } from "@/lib/analysis/tcp";

/**
 * The rows of insertTransactions (bulk.ts) and insertConnections (bulk-connections.ts) through `COPY … FROM`
 * instead of `INSERT … SELECT FROM unnest(…)`: same columns, same values. Measured against the unnest path by
 * scripts/bench/copy.ts (figures in docs/benchmark.md).
 */

const iso = (ms: number) => new Date(ms).toISOString();
const isoUs = (us: number) => iso(Math.round(us / 1000));

export async function copyTransactions(copy: CopyIn, incidentId: string, fileId: string, rows: TransactionRow[]): Promise<void> {
  if (rows.length === 0) return;
  await copy(
    `"LogTransaction" ("incidentId","fileId","correlationId","startTs","endTs","method","url","proxy","target",
      "status","errMessage","errCode","durationMs","lineNo","byteOffset","lineCount")`,
    copyText(
      rows.map((r) => [
        incidentId, fileId, r.correlationId, iso(r.startTs), iso(r.endTs), r.method, r.url, r.proxy, r.target,
        r.status, r.errMessage, r.errCode, r.durationMs, r.lineNo, r.byteOffset, r.lineCount,
      ]),
    ),
  );
}

export async function copyConnections(copy: CopyIn, incidentId: string, fileId: string, conns: ClassifiedConnection[]): Promise<void> {
  if (conns.length === 0) return;
  await copy(
    `"TcpConnection" ("incidentId","fileId","connIndex","gatewayHost","gatewayPort","targetHost","targetPort","target",
      "startTs","endTs","closeTs","firstFrame","lastFrame","closeFrame","packetsG2T","packetsT2G","bytesG2T","bytesT2G",
      "closer","closeKind","retransmissions","connState","history","idleGapMs","classCode","classReason","exchanges","ladder","ladderOmitted")`,
    copyText(
      conns.map((c) => [
        incidentId, fileId, c.id, c.gateway.host, c.gateway.port, c.target.host, c.target.port, endpointLabel(c.target.host, c.target.port),
        isoUs(c.startUs), isoUs(c.endUs), c.closeUs === null ? null : isoUs(c.closeUs), c.firstFrame, c.lastFrame, c.closeFrame,
        c.packetsG2T, c.packetsT2G, c.bytesG2T, c.bytesT2G, c.closer, c.closeKind, c.retransmissions, c.connState, c.history,
        c.idleGapMs, c.cls.code, c.cls.reason, c.exchanges, c.ladder, c.ladderOmitted,
      ]),
    ),
  );
}
