import type { Metadata } from "next";
import Link from "next/link";
import "./globals.css";

export const metadata: Metadata = {
  title: "Microgateway 502 diagnosis",
  description: "Upload an Edge Microgateway diagnostic bundle and find why it answers 502 / socket hang up / ECONNRESET.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="top">
          <Link href="/">EMG 502 diagnosis</Link>
          <span className="mode">Open mode · listening on localhost only</span>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
