import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { apiError, handleApiError } from "@/lib/api/errors";
import { requireIncidentRead } from "@/lib/auth/access";
import { listTransactions } from "@/lib/explore/transactions";
import { queryInput, TransactionQuery } from "@/lib/explore/schema";

export const dynamic = "force-dynamic";

/** `GET /api/incidents/{id}/transactions?from=&to=&status=&minStatus=&errCode=&target=&proxy=&page=&pageSize=` */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await params;
    await requireIncidentRead(id);
    const q = TransactionQuery.parse(queryInput(new URL(req.url).searchParams));
    const { db } = app();
    if (!(await db.incident.findUnique({ where: { id }, select: { id: true } }))) return apiError(404, "not_found", "No such incident.");
    return NextResponse.json(await listTransactions(db, id, q));
  } catch (e) {
    return handleApiError(e);
  }
}
