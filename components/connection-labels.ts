/** Connection classes in words, for every page that names one (list, ladder, transaction). */
export const CLASS_LABEL: Record<string, string> = {
  normal: "normal",
  "keepalive-race": "keep-alive race",
  "premature-close": "premature close",
  "target-reset-mid-response": "target closed mid-response",
  "tls-handshake-failed": "TLS handshake failed",
  refused: "connection refused",
  "syn-unanswered": "SYN unanswered",
  "gateway-close": "gateway-side close",
  unknown: "unknown",
};

export const classLabel = (c: string): string => CLASS_LABEL[c] ?? c;
