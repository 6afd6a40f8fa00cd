import type { Metadata } from "next";
import Link from "next/link";
import { currentViewer, isAdmin, type Viewer } from "@/lib/auth/access";
import "./globals.css";

export const metadata: Metadata = {
  title: "Microgateway 502 diagnosis",
  description:
    "Upload an Edge Microgateway diagnostic bundle and find why it answers 502 / socket hang up / ECONNRESET.",
};

function Who({ v }: { v: Viewer }) {
  if (v.kind === "open")
    return (
      <span className="mode" data-testid="mode">
        Open mode · only this machine can reach it
      </span>
    );
  if (v.kind === "share")
    return (
      <span className="mode" data-testid="mode">
        Shared incident · read only
      </span>
    );
  if (v.kind === "setup")
    return (
      <span className="mode" data-testid="mode">
        No account · create an admin on the server
      </span>
    );
  if (v.kind === "anonymous")
    return (
      <span className="mode" data-testid="mode">
        <Link href="/signin">Sign in</Link>
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
