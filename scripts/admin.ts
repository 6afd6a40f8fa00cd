// `npm run admin -- <command>`: manage the accounts of a team deployment from a terminal.
//   create-admin EMAIL      first admin (or another one); password from ADMIN_PASSWORD or a prompt
//   add-engineer EMAIL      an engineer; password from ADMIN_PASSWORD or a prompt
//   remove EMAIL            deletes the account and its sessions (the last admin stays)
//   list                    accounts and roles
//   bootstrap               (used by `npm start`) creates ADMIN_EMAIL / ADMIN_PASSWORD as admin when no account
//                           exists, then prints `accounts=N`
// With the embedded PGlite database the server must be stopped first (one process owns the data directory).
import { createInterface } from "node:readline";
import { openAppDb } from "../lib/db/client";
import { applyMigrations } from "../lib/db/migrate";
import { AccountError, createUser, listUsers, normalizeEmail, removeUser } from "../lib/auth/users";
import type { Role } from "../lib/auth/roles";

async function askPassword(prompt: string): Promise<string> {
  if (process.env.ADMIN_PASSWORD) return process.env.ADMIN_PASSWORD;
  if (!process.stdin.isTTY) throw new Error("Set ADMIN_PASSWORD (no terminal to prompt on).");
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  // Echo nothing while the password is typed.
  const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
  let muted = false;
  out._writeToOutput = (s: string) => {
    if (!muted || s.includes("\n")) out.output.write(muted ? "\n" : s);
  };
  const ask = (q: string) =>
    new Promise<string>((resolve) => {
      rl.question(q, resolve);
      muted = true;
    });
  const first = await ask(prompt);
  muted = false;
  const again = await ask("Repeat it: ");
  rl.close();
  if (first !== again) throw new Error("The two passwords differ.");
  return first;
}

async function main() {
  const [cmd, arg] = process.argv.slice(2);
  const handle = openAppDb();
  try {
    await applyMigrations(handle.factory);
    const db = handle.prisma;
    switch (cmd) {
      case "create-admin":
      case "add-engineer": {
        if (!arg) throw new Error(`usage: npm run admin -- ${cmd} EMAIL`);
        const role: Role = cmd === "create-admin" ? "admin" : "engineer";
        const user = await createUser(db, {
          email: arg,
          password: await askPassword(`Password for ${normalizeEmail(arg)}: `),
          role,
        });
        console.log(`created ${user.role} ${user.email}`);
        break;
      }
      case "remove": {
        if (!arg) throw new Error("usage: npm run admin -- remove EMAIL");
        const user = await db.user.findUnique({ where: { email: normalizeEmail(arg) }, select: { id: true } });
        if (!user) throw new Error(`no account ${arg}`);
        await removeUser(db, user.id);
        console.log(`removed ${normalizeEmail(arg)}`);
        break;
      }
      case "list":
        for (const u of await listUsers(db))
          console.log(`${u.role.padEnd(8)} ${u.email}  (since ${u.createdAt.toISOString().slice(0, 10)})`);
        break;
      case "bootstrap": {
        const email = process.env.ADMIN_EMAIL;
        const password = process.env.ADMIN_PASSWORD;
        if (email && password && (await db.user.count()) === 0) {
          await createUser(db, { email, password, role: "admin" });
          console.error(`[start] created the first admin ${normalizeEmail(email)} from ADMIN_EMAIL / ADMIN_PASSWORD`);
        }
        console.log(`accounts=${await db.user.count()}`);
        break;
      }
      default:
        throw new Error("usage: npm run admin -- create-admin EMAIL | add-engineer EMAIL | remove EMAIL | list");
    }
  } finally {
    await handle.close();
  }
}

main().catch((e) => {
  console.error(e instanceof AccountError || e instanceof Error ? e.message : e);
  process.exit(1);
});
