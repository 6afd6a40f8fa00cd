import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";

export const dynamic = "force-dynamic";

export async function GET() {
  await app().db.$queryRaw`SELECT 1`;
  return NextResponse.json({ ok: true });
}
