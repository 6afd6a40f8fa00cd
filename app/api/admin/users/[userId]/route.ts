import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { ApiError } from "@/lib/api/errors";
import { route } from "@/lib/api/route";
import { removeUser } from "@/lib/auth/users";

/** Removes an engineer (and signs them out everywhere: their sessions go with the account). */
export const DELETE = route({ access: "admin" }, async ({ viewer, params }) => {
  if (viewer.kind === "user" && viewer.userId === params.userId)
    throw new ApiError(409, "self", "You cannot remove your own account.");
  const removed = await removeUser(app().db, params.userId);
  return NextResponse.json({ removed: removed.email });
});
