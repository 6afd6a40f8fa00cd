/** A target's TLS failures: the log's TLS codes, or without a log the handshakes the capture shows unfinished. Pure. */
import type { EvidenceRef, TargetEvidence } from "./types";
import type { Candidate } from "./candidate";

/** How each kind of unfinished handshake (classify.ts TlsFailure) ended, as the capture shows it. */
const TLS_FAILURE_HOW: Record<string, string> = {
  "gateway-rejected":
    "after the target's hello and certificate the gateway sent no Finished and no request, and closed",
  "hello-refused":
    "the target refused the gateway's ClientHello with a TLS alert (no protocol version or cipher suite in common, or the server name)",
  "hello-closed": "the target closed on the gateway's ClientHello without answering it",
  "finished-rejected": "the target answered the gateway's Finished with an alert (a client certificate it requires)",
  "not-tls": "the target answered the ClientHello with bytes that are not TLS (a plain HTTP server)",
};

/** The capture's unfinished handshakes, said by how they ended where the capture tells (parsed before: only how many). */
export function tlsFailureLabel(failed: number, kinds: Record<string, number> = {}): string {
  const known = Object.entries(kinds).filter(([k, n]) => n > 0 && TLS_FAILURE_HOW[k]);
  if (!known.length) return `${failed} TLS handshake(s) not completed`;
  if (known.length === 1 && known[0][1] === failed)
    return `${failed} TLS handshake(s) not completed: ${TLS_FAILURE_HOW[known[0][0]]}`;
  return `${failed} TLS handshake(s) not completed: ${known.map(([k, n]) => `${n} where ${TLS_FAILURE_HOW[k]}`).join("; ")}`;
}

export const isTls = (code: string) =>
  /^(ERR_TLS_|ERR_SSL_|CERT_|EPROTO( \(|$)|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/.test(code);

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
        ...(failed ? [capRef("tls-handshake-failed", tlsFailureLabel(failed, t.capture?.tlsFailures))] : []),
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
    evidence: [capRef("tls-handshake-failed", tlsFailureLabel(failed, t.capture?.tlsFailures))],
  };
}
