/** What a target's failures' log codes name, and of those outside the capture, which name nothing. Pure. */
import type { TargetEvidence } from "./types";
import { isTls } from "./tls";
import { CONNECT_TIMEOUT } from "@/lib/analysis/log-aggregates";

/** A host name that does not resolve, or a resolver that did not answer: no connection, so no capture shows one. */
export const LOOKUP_FAILURES = ["ENOTFOUND", "EAI_AGAIN"];
export const UNREACHABLE = [
  "ECONNREFUSED",
  ...LOOKUP_FAILURES,
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
  "EADDRNOTAVAIL",
  CONNECT_TIMEOUT,
];
export const TIMEOUT = ["ETIMEDOUT", "ESOCKETTIMEDOUT", "ECONNABORTED"];
/** A response head over Node's size limit (16 KiB by default): valid HTTP, but the gateway's parser refuses it. */
export const HEADER_OVERFLOW = "HPE_HEADER_OVERFLOW";
/** Node's HTTP parser's codes in the log: the gateway rejected the target's answer. */
export const isParseError = (code: string) => code.startsWith("HPE_");
/** The only answers the parser rejected were heads too large for it. */
export const onlyHeaderOverflow = (codes: Record<string, number>) => {
  const parse = Object.keys(codes).filter(isParseError);
  return parse.length === 1 && parse[0] === HEADER_OVERFLOW;
};
export const sum = (r: Record<string, number>, keys: (k: string) => boolean) =>
  Object.entries(r).reduce((n, [k, v]) => (keys(k) ? n + v : n), 0);

export const ONE_KIND_OF_CLOSE: string[] = ["keepalive-mismatch", "premature-close"];
export const CLOSE_CAUSES = [...ONE_KIND_OF_CLOSE, "both"];

/**
 * Of a target's failures outside the capture, those no log line names: not a code that names its cause (refused,
 * TLS), nor one of the target's own answers (no code; all of them may lie outside). Without the codes (evidence
 * built before they were counted), every named failure is taken as outside.
 */
export function unnamedOutside(t: TargetEvidence, outside: number, ownAnswers: number, namedCodes: number) {
  const codes = t.outsideCaptureCodes;
  if (!codes) return Math.max(0, outside - namedCodes - ownAnswers);
  const unnamed =
    sum(codes, (k) => k !== "none" && !UNREACHABLE.includes(k) && !isTls(k)) +
    Math.max(0, (codes.none ?? 0) - ownAnswers);
  return Math.min(outside, unnamed);
}

/** What the capture cannot tell: failures outside its time, and resets (there or not) no close on it accounts for. */
export function unrecordedLabels(outside: number, failures: number, openResets: number): string[] {
  return [
    ...(outside
      ? [
          `${outside} of its ${failures} failure(s) lie outside the capture's time, or at its edge: the capture cannot tell what caused them`,
        ]
      : []),
    // Named once: the ones outside its time are already said.
    ...(openResets > outside
      ? [
          `${openResets} socket hang up / ECONNRESET no close on the wire accounts for (outside the capture's time, on a connection begun before it, or packets it lost): their cause is not known`,
        ]
      : []),
  ];
}
