/** A target's TLS failures: the log's TLS codes, or without a log the handshakes the capture shows unfinished. Pure. */
import type { EvidenceRef, TargetEvidence } from "./types";
import type { Candidate } from "./candidate";

export const isTls = (code: string) =>
  /^(ERR_TLS_|ERR_SSL_|CERT_|EPROTO$|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/.test(code);

/**
 * Handshakes the capture shows abandoned (tls-handshake-failed) back the log's TLS codes up. Beside a log without such
 * codes they name no cause: the gateway logs every handshake it rejects with its TLS code, and a handshake also ends
 * unfinished when the client gives up or the gateway stops. Without a log they are the only word: a gateway that
 * rejects the target's certificate or name abandons every one; a client giving up or a restart, one, or a few among
 * good ones.
 */
export function tlsCandidate(
  t: TargetEvidence,
  logged: boolean,
  logRef: (label: string) => EvidenceRef,
  capRef: (cls: string, label: string) => EvidenceRef,
): Candidate | null {
  const codes = t.errorCodes;
  const named = Object.keys(codes).filter(isTls);
  const failed = t.capture?.byClass["tls-handshake-failed"] ?? 0;
  if (named.length) {
    const list = named.map((k) => `${k} × ${codes[k]}`).join(", ");
    return {
      cause: "tls-error",
      confidence: "high",
      explains: named.reduce((n, k) => n + codes[k], 0),
      summary: `TLS with ${t.target} failed (${list}).`,
      evidence: [
        logRef(list),
        ...(failed
          ? [
              capRef(
                "tls-handshake-failed",
                `${failed} TLS handshake(s) the gateway did not complete: after the target's hello and certificate it sent no Finished and no request, and closed`,
              ),
            ]
          : []),
      ],
    };
  }
  if (logged || failed === 0) return null;
  const every = failed >= Math.max(2, t.capture?.profile?.encrypted ?? 0);
  return {
    cause: "tls-error",
    confidence: every ? "medium" : "low",
    explains: failed,
    summary: `${failed} TLS handshake(s) with ${t.target} ended unfinished${every ? ", every one the capture shows" : ""}: the gateway rejects the target's certificate, its host name or the protocol (or the target rejects the gateway's hello). The gateway's log names the TLS error of each.`,
    evidence: [capRef("tls-handshake-failed", `${failed} TLS handshake(s) not completed`)],
  };
}
