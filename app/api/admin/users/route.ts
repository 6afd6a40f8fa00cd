import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { route } from "@/lib/api/route";
import { createUser, listUsers } from "@/lib/auth/users";
import { UserCreate } from "@/lib/api/account-schema";

export const GET = route({ access: "admin" }, async () => NextResponse.json({ users: await listUsers(app().db) }));

/** `{ email, password, role? }` → 201 `{ user }`. The first account of a deployment is always an admin. */
export const POST = route({ access: "admin", body: UserCreate }, async ({ body }) => {
  const user = await createUser(app().db, body);
  return NextResponse.json({ user }, { status: 201 });
});
