import { redirect } from "next/navigation";
import { currentViewer } from "@/lib/auth/access";
import { setupRequiredMessage } from "@/lib/auth/listener";
import { safeNext } from "@/lib/auth/safe-next";
import { SignInForm } from "./signin-form";

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const next = safeNext((await searchParams).next);
  const v = await currentViewer();
  if (v.kind === "open" || v.kind === "user") redirect(next);
  return (
    <section className="panel" style={{ maxWidth: "26rem", margin: "2rem auto" }} aria-labelledby="signin-h">
      <h1 id="signin-h" style={{ fontSize: "1.3rem", marginTop: 0 }}>
        Sign in
      </h1>
      {v.kind === "share" && (
        <p className="muted">You are viewing a shared incident. Engineers sign in to see everything.</p>
      )}
      {v.kind === "setup" && (
        <p role="alert" data-testid="setup-required">
          {setupRequiredMessage()}
        </p>
      )}
      <SignInForm next={next} />
    </section>
  );
}
