import type { TransactionCause } from "@/lib/explore/cause";

const CAUSE_LABEL: Record<string, string> = {
  "keepalive-mismatch": "Cause: incorrectly configured keep-alive timeout",
  "premature-close": "Cause: target server prematurely closes the connection",
};

/** Which documented cause explains a transaction, from its matched connection. */
export function TransactionCauseBox({ cause }: { cause: TransactionCause }) {
  return (
    <div data-testid="transaction-cause" data-cause={cause.cause ?? "none"}>
      {cause.cause && <p className="bad">{CAUSE_LABEL[cause.cause] ?? cause.cause}</p>}
      <p>
        <strong>{cause.title}</strong>
      </p>
      <p>{cause.explanation}</p>
      {cause.readMore && (
        <p>
          <a href={cause.readMore} target="_blank" rel="noreferrer">
            Read the troubleshooting guide
          </a>
        </p>
      )}
    </div>
  );
}
