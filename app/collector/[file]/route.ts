import { readFile } from "node:fs/promises";
import path from "node:path";
import { route } from "@/lib/api/route";
import { COLLECTOR_FILE } from "@/lib/collector/steps";

/**
 * The must-gather collector, built from lib/collector by scripts/collector/build.mjs (scripts/start.mjs runs it).
 * Public: it holds no secret, and customers fetch it with curl on the gateway host. Plain-text answers: curl shows them.
 */
export const GET = route({ access: "public" }, async ({ params }) => {
  if (params.file !== COLLECTOR_FILE) return new Response("Not found", { status: 404 });
  const body = await readFile(path.join(process.cwd(), "scripts/collector/dist", COLLECTOR_FILE)).catch(() => null);
  if (!body)
    return new Response("The collector is not built on this server: run `node scripts/collector/build.mjs`.\n", {
      status: 503,
    });
  const headers = {
    "content-type": "text/javascript; charset=utf-8",
    "cache-control": "no-cache",
    "content-disposition": `attachment; filename="${COLLECTOR_FILE}"`,
  };
  return new Response(body, { headers });
});
