/**
 * Said wherever a link is created in open mode (no accounts): the server listens on this machine only
 * (scripts/start.mjs), and without accounts every visitor has full access (lib/auth/access.ts currentViewer),
 * so a link is neither reachable from elsewhere nor read-only.
 */
export function OpenModeNote({ what }: { what: string }) {
  return (
    <p className="note" data-testid="open-mode-note">
      <strong>Open mode (no accounts):</strong> only this machine can open {what}, because the server listens on this
      machine only. And without accounts there is no read-only visitor: whoever opens it here can do everything you can
      (edit, delete, share). To give a colleague or customer a read-only link, create an account first (team mode, see
      docs/security.md).
    </p>
  );
}
