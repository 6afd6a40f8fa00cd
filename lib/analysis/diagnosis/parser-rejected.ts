/** A target whose answers the gateway's HTTP parser rejected: the log's HPE_* codes, or such answers on the wire. Pure. */
import type { EvidenceRef, TargetEvidence } from "./types";
import type { Candidate } from "./candidate";
import { isParseError, onlyHeaderOverflow, sum } from "./codes";

/** What the capture's reader refuses of an answer's head, as Node does (tcp/http-faults.ts). */
const WIRE_FAULTS =
  "a status line like `HTTP/1.1 abc OK`, a header line Node refuses, Content-Length twice or beside Transfer-Encoding, or a head over 16 KiB";

/**
 * The capture's answers Node's parser would reject. Each rejection has its error line at any level: with no parser
 * code in the log, such answers in the log's time were not rejected (a gateway started with a larger header limit,
 * say); those outside it still count.
 */
export function rejectedOnWire(t: TargetEvidence, logged: boolean): number {
  const wire = t.capture?.profile?.invalidResponses ?? 0;
  const parseErrors = sum(t.errorCodes, isParseError);
  return logged && parseErrors === 0 ? Math.min(wire, t.capture?.outsideLog?.["target-invalid"] ?? 0) : wire;
}

/**
 * Answers Node's HTTP parser rejected (HPE_INVALID_STATUS, HPE_INVALID_CONSTANT, …: the gateway logs the parser's code
 * and answers 502): the target, or whatever answers at its address, sent bytes that are not valid HTTP/1.x, or a head
 * over Node's size limit (HPE_HEADER_OVERFLOW, lab header-overflow), or header lines and framing Node refuses though
 * most tools take them (lab invalid-headers). The capture shows such an answer as an answer, not a failing close.
 */
export function parserRejected(
  t: TargetEvidence,
  logged: boolean,
  codes: Record<string, number>,
  logRef: (label: string) => EvidenceRef,
  capRef: (cls: string, label: string) => EvidenceRef,
): Candidate | null {
  const parseCodes = Object.keys(codes).filter(isParseError);
  const parseErrors = sum(codes, isParseError);
  const invalidOnWire = rejectedOnWire(t, logged);
  if (parseErrors + invalidOnWire === 0) return null;
  const named = parseCodes.map((k) => `${k} × ${codes[k]}`);
  const overflowOnly = onlyHeaderOverflow(codes);
  const what = overflowOnly ? "a response head larger than Node's 16 KiB limit" : "bytes that are not valid HTTP";
  const onWire = invalidOnWire
    ? ` The capture shows ${invalidOnWire} such response(s)${overflowOnly ? "" : ` (${WIRE_FAULTS}: each connection names its own)`}.`
    : "";
  const mend = overflowOnly
    ? "the target must send smaller headers, or the gateway must accept larger ones"
    : "the target (or whatever answers at its address) must send valid HTTP/1.1";
  return {
    cause: "target-error",
    // The parser's code is the gateway's own account of what it read; a capture alone shows the bytes, and Node's
    // parser may be stricter or laxer than this reading of them.
    confidence: parseErrors > 0 ? "high" : "medium",
    explains: parseErrors > 0 ? parseErrors : invalidOnWire,
    summary: `${t.target} answered ${parseErrors || invalidOnWire} request(s) with ${what}${named.length ? ` (${named.join(", ")}: Node's HTTP parser rejected them)` : ""}, and the gateway answered 502.${onWire} Its TCP connections are not the cause: ${mend}.`,
    evidence: [
      ...(named.length
        ? [logRef(`${named.join(", ")}: the gateway's HTTP parser rejected the target's response`)]
        : []),
      ...(invalidOnWire
        ? [
            capRef(
              "normal",
              `${invalidOnWire} response(s) Node's HTTP parser rejects: ${WIRE_FAULTS} (answered, then closed by the gateway)`,
            ),
          ]
        : []),
    ],
  };
}
