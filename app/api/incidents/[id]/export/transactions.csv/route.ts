import { app } from "@/lib/server/app";
import { route } from "@/lib/api/route";
import { transactionsCsvStream } from "@/lib/export/transactions";
import { download } from "@/lib/export/http";

/** `GET /api/incidents/{id}/export/transactions.csv`: every transaction, streamed a page at a time. */
export const GET = route({ access: "read", incident: true }, ({ incident }) =>
  download(transactionsCsvStream(app().db, incident.id), "csv", incident, "transactions.csv"),
);
