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
  const source = (gz ? raw.pipe(zlib.createGunzip()) : raw) as AsyncIterable<Buffer>;
  const { data, report } = await redactBuffer(source);
  return { name: gz ? name.replace(/\.gz$/, "") : name, data, report };
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
