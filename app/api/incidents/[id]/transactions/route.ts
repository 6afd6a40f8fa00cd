import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { route } from "@/lib/api/route";
import { listTransactions } from "@/lib/explore/transactions";
import { TransactionQuery } from "@/lib/explore/schema";

/** `GET /api/incidents/{id}/transactions?from=&to=&status=&minStatus=&errCode=&target=&proxy=&page=&pageSize=` */
export const GET = route({ access: "read", incident: true, query: TransactionQuery }, async ({ incident, query }) =>
  NextResponse.json(await listTransactions(app().db, incident.id, query)),
);
