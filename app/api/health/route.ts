import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { ApiError } from "@/lib/api/errors";
import { route } from "@/lib/api/route";

/** 200 `{ ok: true }` while the database answers; 503 with the reason otherwise (load balancers and people read it). */
export const GET = route({ access: "public" }, async () => {
  await app().db.$queryRaw`SELECT 1`.catch((e: unknown) => {
    console.error("[health] database check failed", e);
    // The cause stays in the server log: this route is public, and a driver's message names hosts and users.
    const message =
      "The database does not answer (the server log has the cause); the app cannot serve requests until it does.";
    throw new ApiError(503, "database_unavailable", message, { headers: { "retry-after": "5" } });
  });
  return NextResponse.json({ ok: true });
});
