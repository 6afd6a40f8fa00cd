/**
 * Secret redaction for configs and logs, before anything is stored or shown (docs/formats.md §2).
 * Pure, no I/O. Line-wise, so the redacted text has exactly the lines of the original and
 * line numbers cited as evidence stay valid. Reports say which rule fired where, never what.
 */
import {
  mayHoldSecret,
  openPem,
  pemContinuation,
  redactBearer,
  redactInlinePem,
  redactKeyValues,
  isStructuralLine,
  quotedEnd,
  redactUrlCredentials,
  REDACTED,
  secretContinuation,
  type RedactionRule,
} from "./rules";

export { isSecretKey, REDACTED, type RedactionRule } from "./rules";
export { LongLineRedactor } from "./long-line";

export const MAX_REPORT_LINES = 50;

export type RedactionReport = Array<{ rule: RedactionRule; count: number; lines: number[] }>;

/**
 * Streaming redactor: feed lines in order (without their terminator; a trailing `\r` is kept).
 * State carries across lines for multi-line PEM blocks and YAML block scalars under secret keys.
 */
export class LineRedactor {
  private pemLabel: string | null = null;
  /** A secret value continuing on more indented lines: block scalar, plain or quoted. */
  private cont: {
    kind: "block" | "plain" | "quote";
    indent: number;
    quote?: string;
    keepClose?: boolean;
    hit: boolean;
  } | null = null;
  private readonly stats = new Map<RedactionRule, { count: number; lines: number[] }>();

  redactLine(line: string, lineNo: number): string {
    if (this.pemLabel === null && this.cont === null && !mayHoldSecret(line)) return line;
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

    if (this.cont !== null) {
      const out = this.continuation(body, lineNo);
      if (out !== null) return out + cr;
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
    body = redactKeyValues(body, hit, (quote, indent, keepClose) => {
      this.cont = { kind: "quote", indent, quote, keepClose, hit: true };
    });
    if (this.cont === null) {
      const c = secretContinuation(body);
      if (c) this.cont = { ...c, hit: false };
    }
    return body + cr;
  }

  /** The redacted line while inside a continued secret value, or null when the value has ended. */
  private continuation(body: string, lineNo: number): string | null {
    const cont = this.cont!;
    const indent = body.length - body.trimStart().length;
    if (body.trim() === "") return body;
    if (indent <= cont.indent || (cont.kind === "plain" && !cont.hit && isStructuralLine(body))) {
      this.cont = null;
      return null;
    }
    const pad = body.slice(0, indent);
    if (cont.kind === "quote") {
      const end = quotedEnd(`${cont.quote}${body}`, 0);
      if (end < 0) return "";
      this.cont = null;
      const rest = body.slice(cont.keepClose ? end - 2 : end - 1).trimStart();
      return rest ? pad + rest : "";
    }
    if (body.includes(REDACTED)) return body;
    const first = !cont.hit;
    if (first) {
      this.record(cont.kind === "block" ? "secret-block-scalar" : "secret-key-value", lineNo);
      cont.hit = true;
    }
    if (cont.kind === "block") return `${pad}${REDACTED}`;
    if (!first) return "";
    const q = body[indent];
    if ((q === '"' || q === "'") && quotedEnd(body, indent) < 0)
      this.cont = { kind: "quote", indent: cont.indent, quote: q, hit: true };
    return `${pad}"${REDACTED}"`;
  }

  /** Records hits of a rule at `lineNo` (for {@link LongLineRedactor}, which redacts one line in pieces). */
  hitAt(lineNo: number): (rule: RedactionRule) => void {
    return (rule) => this.record(rule, lineNo);
  }

  /** Inside a multi-line secret (PEM body, block scalar): the next line belongs to it, whatever it holds. */
  get inMultiLineSecret(): boolean {
    return this.pemLabel !== null || this.cont !== null;
  }

  /** A PEM block opened on a long line and not closed there: the following lines are its body. */
  continuePem(label: string): void {
    this.pemLabel = label;
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

/**
 * One line on its own, no state and no report: a request path read from a capture (`?apikey=…`), which is
 * shown and stored like a log line but belongs to no redacted file.
 */
export function redactInline(text: string): string {
  return mayHoldSecret(text) ? new LineRedactor().redactLine(text, 0) : text;
}

/** `ab******yz`: first and last two characters kept; ids shorter than 8 are fully masked. */
export function maskClientId(id: string): string {
  if (id.length < 8) return "*".repeat(id.length);
  return `${id.slice(0, 2)}${"*".repeat(id.length - 4)}${id.slice(-2)}`;
}
