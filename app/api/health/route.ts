import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { apiError } from "@/lib/api/errors";

export const dynamic = "force-dynamic";

/** 200 `{ ok: true }` while the database answers; 503 with the reason otherwise (load balancers and people read it). */
export async function GET() {
  try {
    await app().db.$queryRaw`SELECT 1`;
    return NextResponse.json({ ok: true });
  } catch (e) {
    console.error("[health] database check failed", e);
    // The cause stays in the server log: this route is public, and a driver's message names hosts and users.
    const res = apiError(503, "database_unavailable", "The database does not answer (the server log has the cause); the app cannot serve requests until it does.");
    res.headers.set("retry-after", "5");
    return res;
  }
}
