import { NextResponse } from "next/server";
import { route } from "@/lib/api/route";
import { analysisJsonSchema } from "@/lib/export/schema";

/** `GET /api/schema/analysis.json`: JSON Schema of the analysis export (public: it describes a format, holds no data). */
export const GET = route({ access: "public" }, ({ req }) =>
  NextResponse.json(analysisJsonSchema(new URL("/api/schema/analysis.json", req.url).href), {
    headers: { "Cache-Control": "public, max-age=300" },
  }),
);
