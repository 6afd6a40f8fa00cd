import type { Metadata } from "next";
import Link from "next/link";
import { currentViewer, isAdmin, type Viewer } from "@/lib/auth/access";
import "./globals.css";

export const metadata: Metadata = {
  title: "Microgateway 502 diagnosis",
  description:
    "Upload an Edge Microgateway diagnostic bundle and find why it answers 502 / socket hang up / ECONNRESET.",
};

/** What the header says of every viewer but a signed-in user. */
const MODE: Record<Exclude<Viewer["kind"], "user">, React.ReactNode> = {
  open: "Open mode · only this machine can reach it",
  share: "Shared incident · read only",
  setup: "No account · create an admin on the server",
  anonymous: <Link href="/signin">Sign in</Link>,
};

function Who({ v }: { v: Viewer }) {
  if (v.kind !== "user")
    return (
      <span className="mode" data-testid="mode">
        {MODE[v.kind]}
      </span>
    );
  return (
    <span className="mode" data-testid="mode" style={{ display: "flex", gap: ".8rem", alignItems: "center" }}>
      {v.role === "admin" && <Link href="/admin">Accounts</Link>}
      <span data-testid="signed-in-as">{v.email}</span>
      <form method="post" action="/api/auth/signout" style={{ display: "inline" }}>
        <button className="btn secondary" type="submit">
          Sign out
        </button>
      </form>
    </span>
  );
}

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Reads the cookies: every page below is rendered per request (none needs `dynamic = "force-dynamic"`).
  const viewer = await currentViewer();
  return (
    <html lang="en">
      <body>
        <header className="top">
          {viewer.kind === "share" ? (
            <span style={{ fontWeight: 600 }}>EMG 502 diagnosis</span>
          ) : (
            <Link href="/">EMG 502 diagnosis</Link>
          )}
          {viewer.kind === "open" && isAdmin(viewer) && (
            <Link href="/admin" style={{ fontWeight: 400, fontSize: ".85rem" }}>
              Accounts
            </Link>
          )}
          <Who v={viewer} />
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
