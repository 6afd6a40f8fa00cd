/**
 * Redacts the gathered text files on the host with the server's own code (lib/redact), so what leaves
 * the host is what the server would have stored, and says what it redacted (rule, count, lines; never
 * the secret itself).
 */
import fs from "node:fs";
import zlib from "node:zlib";
import { LineRedactor, type RedactionReport } from "@/lib/redact";
import { redactLines } from "@/lib/redact/stream";

export interface RedactedFile {
  /** Name in the bundle (a gzipped log is sent unzipped: the redactor reads text). */
  name: string;
  data: Buffer;
  report: RedactionReport;
}

export async function redactBuffer(source: AsyncIterable<Buffer>): Promise<{ data: Buffer; report: RedactionReport }> {
  const redactor = new LineRedactor();
  const out: Buffer[] = [];
  for await (const chunk of redactLines(source, redactor)) out.push(chunk);
  return { data: Buffer.concat(out), report: redactor.report() };
}

export async function redactFile(file: string, name: string): Promise<RedactedFile> {
  const raw = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  const gz = file.endsWith(".gz");
  const gunzip = gz ? zlib.createGunzip() : null;
  // pipe() does not pass a read error on: unpassed, the gunzip would wait for more bytes forever.
  if (gunzip) raw.on("error", (e) => gunzip.destroy(e));
  const source = (gunzip ? raw.pipe(gunzip) : raw) as AsyncIterable<Buffer>;
  const { data, report } = await redactBuffer(source);
  return { name: gz ? name.replace(/\.gz$/, "") : name, data, report };
}

/**
 * Each file redacted; one that cannot be read (rotated away while the capture ran, no permission, a corrupt .gz) is
 * left out with its reason, so the rest of the bundle (and the capture) is not lost with it.
 */
export async function redactFiles(
  files: { file: string; name: string }[],
): Promise<{ redacted: RedactedFile[]; skipped: string[] }> {
  const redacted: RedactedFile[] = [];
  const skipped: string[] = [];
  for (const { file, name } of files) {
    try {
      redacted.push(await redactFile(file, name));
    } catch (e) {
      skipped.push(`${name}: left out, ${file} could not be read (${(e as Error).message})`);
    }
  }
  return { redacted, skipped };
}

/** `config/lab-test-config.yaml: secret-key-value ×2 (lines 35, 36)`; one line per file that had any. */
export function describeRedactions(files: RedactedFile[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    for (const r of f.report) {
      const more = r.count > r.lines.length ? ", …" : "";
      out.push(`${f.name}: ${r.rule} ×${r.count} (line${r.lines.length > 1 ? "s" : ""} ${r.lines.join(", ")}${more})`);
    }
  }
  return out;
}
