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

interface ExchangeShape {
  method: string | null;
  path: string | null;
  status: number | null;
  complete: boolean;
  responseBytes: number;
}

/** A request in words: its method and path, or that neither could be read (TLS, or heads a snap length cut). */
export const requestLabel = (e: ExchangeShape) =>
  unreadable(e) ? "request (unreadable)" : `${e.method ?? "?"} ${e.path ?? "?"}`;

/** Neither method nor path was read: an encrypted (TLS) exchange, or one whose head the capture cut. */
export const unreadable = (e: Pick<ExchangeShape, "method" | "path">) => e.method === null && e.path === null;

/** What came back: the status, else whether any answer came (an encrypted or cut one has no readable status). */
export const answerLabel = (e: ExchangeShape) =>
  e.status !== null ? String(e.status) : e.complete || e.responseBytes > 0 ? "answered" : "no response";
