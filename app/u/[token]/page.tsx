import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { app } from "@/lib/server/app";
import { findUploadLink } from "@/lib/auth/upload-links";
import { unusableUploadLink } from "@/lib/auth/upload-link-state";
import { clientIp, limiter } from "@/lib/auth/rate-limit";
import { UPLOAD_MASKING_NOTICE } from "@/lib/auth/upload-notice";
import { thisOrigin } from "@/lib/auth/hosts";
import { CustomerUpload } from "./customer-upload";
import { CollectorSteps } from "./collector-steps";
import { COLLECTOR_PATH, GATHER_STEPS, collectorCommand, uploadUrlOf } from "@/lib/collector/steps";

/** The page a customer opens from an upload link: no account, one form. A known link that cannot be used says why; unknown tokens get the plain 404. */
export default async function CustomerUploadPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const h = await headers();
  const { db } = app();
  // As lib/auth/link-responses.ts: a valid link always opens; a miss counts against this client's budget.
  const link = await findUploadLink(db, token);
  if (!link) {
    const known = await unusableUploadLink(db, token);
    if (known) return <UnusableLink {...known} />;
    await limiter(db, "token").fail(clientIp(h));
    notFound();
  }
  // PUBLIC_ORIGIN, else the (allowed) host the customer used: the command downloads from and uploads to this server.
  const origin = thisOrigin(h);
  return (
    <section className="panel" aria-labelledby="cu-h" style={{ maxWidth: "44rem", margin: "1rem auto" }}>
      <h1 id="cu-h" style={{ fontSize: "1.3rem", marginTop: 0 }}>
        Upload a diagnostic bundle
      </h1>
      <p>
        For <strong data-testid="upload-label">{link.label}</strong>. Add the Edge Microgateway logs, the gateway config
        YAML and a tcpdump capture of the gateway↔target leg (or one .zip / .tar.gz with all of them).
      </p>
      <p data-testid="masking-notice">{UPLOAD_MASKING_NOTICE}</p>
      <p className="muted">
        This link expires {link.expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC and can be used{" "}
        {link.usesLeft} more time(s).
      </p>
      <CollectorSteps
        command={collectorCommand({ origin, uploadUrl: uploadUrlOf(origin, token) })}
        collectorHref={COLLECTOR_PATH}
        steps={GATHER_STEPS}
      />
      <h2 style={{ fontSize: "1.1rem" }}>Upload files</h2>
      <CustomerUpload token={token} />
    </section>
  );
}

const WHY = {
  used: "This upload link has been used: every upload it allowed has been made.",
  expired: "This upload link has expired.",
  revoked: "This upload link has been revoked.",
} as const;

function UnusableLink({ reason, label, uses }: { reason: keyof typeof WHY; label: string; uses: number }) {
  return (
    <section
      className="panel"
      aria-labelledby="cu-h"
      style={{ maxWidth: "44rem", margin: "1rem auto" }}
      data-testid="upload-link-unusable"
      data-reason={reason}
    >
      <h1 id="cu-h" style={{ fontSize: "1.3rem", marginTop: 0 }}>
        {WHY[reason]}
      </h1>
      <p>
        For <strong>{label}</strong>
        {reason === "used" ? ` (${uses} upload${uses === 1 ? "" : "s"} received)` : ""}.
        {reason === "used" &&
          " If you uploaded with it, your bundle was received: use the read-only link shown after the upload to see the result."}{" "}
        To send more files, ask your support engineer for a new upload link.
      </p>
    </section>
  );
}
