/**
 * What the customer upload page says about masking, kept beside the rules it describes (lib/redact, and the
 * share-view masking in lib/auth/masked-download.ts) so it can be tested against them: secrets are replaced
 * when a log or config is stored; the client id (the caller's API key) is stored as logged and masked only in
 * shared views; captures are stored as captured.
 */
export const UPLOAD_MASKING_NOTICE =
  "Before a log or config is stored, the secrets in it (passwords, keys and secrets, bearer tokens, private keys, " +
  "credentials in URLs) are replaced with [REDACTED]. The client id of each request (the caller's API key) stays in the " +
  "stored logs and is masked in the read-only link you get back. Packet captures are stored as captured: leave out " +
  "traffic you must not share.";
