/**
 * Secret redaction for configs and logs, before anything is stored or shown (FORMATS.md §2).
 * Pure, no I/O. Line-wise, so the redacted text has exactly the lines of the original and
 * line numbers cited as evidence stay valid. Reports say which rule fired where, never what.
 */
import {
  openPem,
  pemContinuation,
  redactBearer,
  redactInlinePem,
  redactKeyValues,
  redactUrlCredentials,
  REDACTED,
  secretBlockScalarIndent,
  type RedactionRule,
} from "./rules";

export { isSecretKey, REDACTED, type RedactionRule } from "./rules";

export const MAX_REPORT_LINES = 50;

export type RedactionReport = Array<{ rule: RedactionRule; count: number; lines: number[] }>;

/**
 * Streaming redactor: feed lines in order (without their terminator; a trailing `\r` is kept).
 * State carries across lines for multi-line PEM blocks and YAML block scalars under secret keys.
 */
export class LineRedactor {
  private pemLabel: string | null = null;
  private blockIndent: number | null = null;
  private blockHit = false;
  private readonly stats = new Map<RedactionRule, { count: number; lines: number[] }>();

  redactLine(line: string, lineNo: number): string {
    const cr = line.endsWith("\r") ? "\r" : "";
    let body = cr ? line.slice(0, -1) : line;
    const hit = (rule: RedactionRule) => this.record(rule, lineNo);

    if (this.pemLabel !== null) {
      const c = pemContinuation(body, this.pemLabel);
      if (c.kind === "body") return cr;
      this.pemLabel = null;
      if (c.kind === "end") body = c.rest;
      // "exit": a truncated block; the line is handled normally below.
    }

    if (this.blockIndent !== null) {
      const indent = body.length - body.trimStart().length;
      if (body.trim() === "") return body + cr;
      if (indent > this.blockIndent) {
        if (body.includes(REDACTED)) return body + cr;
        if (!this.blockHit) { hit("secret-block-scalar"); this.blockHit = true; }
        return `${body.slice(0, indent)}${REDACTED}${cr}`;
      }
      this.blockIndent = null;
    }

    body = redactInlinePem(body, hit);
    const open = openPem(body);
    if (open) {
      hit("pem-block");
      this.pemLabel = open.label;
      body = open.line;
    }
    body = redactUrlCredentials(body, hit);
    body = redactBearer(body, hit);
    body = redactKeyValues(body, hit);
    const blockIndent = secretBlockScalarIndent(body);
    if (blockIndent !== null) {
      this.blockIndent = blockIndent;
      this.blockHit = false;
    }
    return body + cr;
  }

  report(): RedactionReport {
    return [...this.stats].map(([rule, s]) => ({ rule, count: s.count, lines: [...s.lines] }));
  }

  private record(rule: RedactionRule, lineNo: number): void {
    let s = this.stats.get(rule);
    if (!s) {
      s = { count: 0, lines: [] };
      this.stats.set(rule, s);
    }
    s.count++;
    if (s.lines.length < MAX_REPORT_LINES && s.lines[s.lines.length - 1] !== lineNo) s.lines.push(lineNo);
  }
}

/** Redacts a whole text (a config file). Line count and line terminators are preserved. */
export function redactText(text: string): { text: string; report: RedactionReport } {
  const r = new LineRedactor();
  const lines = text.split("\n");
  const out = lines.map((line, i) => r.redactLine(line, i + 1));
  return { text: out.join("\n"), report: r.report() };
}

/** `ab******yz`: first and last two characters kept; ids shorter than 8 are fully masked. */
export function maskClientId(id: string): string {
  if (id.length < 8) return "*".repeat(id.length);
  return `${id.slice(0, 2)}${"*".repeat(id.length - 4)}${id.slice(-2)}`;
}
