import { readFile } from "node:fs/promises";
import path from "node:path";
import { COLLECTOR_FILE } from "@/lib/collector/steps";

export const dynamic = "force-dynamic";

/**
 * The must-gather collector, built from lib/collector by scripts/collector/build.mjs (scripts/start.mjs runs it).
 * Public: it holds no secret, and customers fetch it with curl on the gateway host.
 */
export async function GET(_req: Request, { params }: { params: Promise<{ file: string }> }) {
  const { file } = await params;
  if (file !== COLLECTOR_FILE) return new Response("Not found", { status: 404 });
  try {
    const body = await readFile(path.join(process.cwd(), "scripts/collector/dist", COLLECTOR_FILE));
    return new Response(body, { headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache", "content-disposition": `attachment; filename="${COLLECTOR_FILE}"` } });
  } catch {
    return new Response("The collector is not built on this server: run `node scripts/collector/build.mjs`.\n", { status: 503 });
  }
}
