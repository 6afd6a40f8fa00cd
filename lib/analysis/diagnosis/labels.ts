/** Words for every cause code, shared by the page, the list and the exports. */
import type { Cause, TargetCause } from "./types";

export const CAUSE_LABEL: Record<Cause | TargetCause, string> = {
  healthy: "Healthy",
  "no-502": "No 502 in these logs",
  "keepalive-mismatch": "Keep-alive race: target closes idle pooled sockets",
  "premature-close": "Target closes connections before answering",
  both: "Keep-alive races and premature closes",
  "target-unreachable": "Target unreachable (refused / DNS / no route)",
  "gateway-timeout": "Gateway timed out waiting for the target",
  "tls-error": "TLS to the target fails",
  "target-error": "The target answers 502 / 504 itself",
  "insufficient-data": "Not enough evidence yet",
};
