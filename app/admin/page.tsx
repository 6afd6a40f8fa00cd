import { notFound } from "next/navigation";
import { app } from "@/lib/server/app";
import { isAdmin, pageEngineer } from "@/lib/auth/access";
import { listUsers } from "@/lib/auth/users";
import { AdminUsers } from "@/components/admin-users";

export default async function AdminPage() {
  const viewer = await pageEngineer("/admin");
  if (!isAdmin(viewer)) notFound();
  const users = (await listUsers(app().db)).map((u) => ({ ...u, createdAt: u.createdAt.toISOString() }));
  return (
    <section className="panel" aria-labelledby="admin-h">
      <h1 id="admin-h" style={{ fontSize: "1.3rem", marginTop: 0 }}>
        Accounts
      </h1>
      {viewer.kind === "open" && (
        <p className="note">
          Open mode: there are no accounts, so nobody signs in and the server only listens on this machine. Creating the
          first account (always an admin) turns on team mode: from then on everyone signs in, and the server may listen
          on other addresses (<code>HOST=0.0.0.0 npm start</code>).
        </p>
      )}
      <AdminUsers initial={users} selfId={viewer.kind === "user" ? viewer.userId : null} />
    </section>
  );
}
