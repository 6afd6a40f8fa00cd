/** Which cause of the guided flow (lib/analysis/diagnosis) a transaction's matched TCP connection shows. Pure. */
import { DOC_502, type Cause } from "@/lib/analysis/diagnosis";

export interface TransactionCause {
  /** The guided flow's cause, or null when the connection's class is not one of the guide's causes. */
  cause: Cause | null;
  title: string;
  explanation: string;
  readMore: string | null;
}

/** The connection classes that are evidence of one of the guide's causes: the cause, its title and the guide's section. */
const GUIDE_CAUSES: Partial<Record<string, { cause: Cause; title: string; anchor: string }>> = {
  "keepalive-race": {
    cause: "keepalive-mismatch",
    title: "Keep-alive timeout mismatch (target closed an idle connection as the gateway reused it)",
    anchor: "cause-incorrectly-configured-keep-alive-timeout",
  },
  "premature-close": {
    cause: "premature-close",
    title: "Target closed the connection before answering",
    anchor: "cause-target-server-prematurely-closes-connection",
  },
};

/** A connection class (lib/analysis/tcp/classify.ts) → the documented cause it is evidence of. */
export function causeOfConnection(classCode: string, classReason: string): TransactionCause {
  const g = GUIDE_CAUSES[classCode];
  if (!g)
    return {
      cause: null,
      title: `Connection class “${classCode}”: not one of the guide's two causes`,
      explanation: classReason,
      readMore: null,
    };
  return { cause: g.cause, title: g.title, explanation: classReason, readMore: `${DOC_502}#${g.anchor}` };
}

/** Without a matched connection: what the log alone says. */
export function causeWithoutCapture(status: number | null, errCode: string | null): TransactionCause {
  if (status === 502 && errCode === "ECONNRESET")
    return {
      cause: null,
      title: "No captured connection matches this 502",
      explanation:
        "socket hang up / ECONNRESET fits both documented causes; a capture of the gateway↔target leg taken at the same time tells them apart.",
      readMore: `${DOC_502}#common-diagnosis-steps`,
    };
  return {
    cause: null,
    title: "No captured connection matches this transaction",
    explanation:
      status !== null && status < 500 ? "The request succeeded." : "No capture evidence for this transaction.",
    readMore: null,
  };
}
