/**
 * Redaction of a line too long to hold (a log line over 1 MiB): it is redacted in pieces of about WINDOW
 * characters, never all at once. A piece ends only where no secret can straddle the cut:
 * - "quiet": no trigger word (key, token, Bearer, BEGIN, @ …) within CONTEXT characters either side, or
 * - "stable": at a delimiter where redacting the CONTEXT on both sides apart gives what redacting them together gives.
 * A secret value still open at the end of a piece (an unclosed quote, a PEM block, a value running to the
 * end) is blanked on into the next pieces until it ends. Where no safe cut is found within CAP characters,
 * the rest of the line is replaced by one [REDACTED] (fail closed). Memory: at most CAP characters.
 */
import type { LineRedactor } from "./index";
import {
  openPem,
  quotedEnd,
  redactBearer,
  redactInlinePem,
  redactKeyValues,
  redactUrlCredentials,
  REDACTED,
  TRIGGER,
  type Hit,
} from "./rules";

const WINDOW = 1 << 20;
const CONTEXT = 64 * 1024;
const CAP = WINDOW * 5;
/** Characters no unquoted secret value, token or URL credential runs across (see the rules). */
const DELIMITER = /[\s,;&"'<>\])}]/;
const MAX_STABLE_TRIES = 64;

type Open = { kind: "quote"; quote: string } | { kind: "pem"; label: string } | { kind: "value" } | null;

/** One pass of the single-line rules over a piece; reports what is left open at its end. */
function redactPiece(text: string, hit: Hit): { text: string; open: Open } {
  let open: Open = null;
  let out = redactInlinePem(text, hit);
  const pem = openPem(out);
  if (pem) {
    hit("pem-block");
    out = pem.line;
    open = { kind: "pem", label: pem.label };
  }
  out = redactUrlCredentials(out, hit);
  out = redactBearer(out, hit);
  out = redactKeyValues(out, hit, undefined, (quote) => (open ??= { kind: "quote", quote }));
  // A value redacted up to the very end of the piece may go on in the next one.
  if (!open && /\[REDACTED\]["']?$/.test(out) && !DELIMITER.test(text[text.length - 1] ?? " "))
    open = { kind: "value" };
  return { text: out, open };
}

const noHit: Hit = () => undefined;

export class LongLineRedactor {
  private pending = "";
  private open: Open = null;
  private cut = false;
  private blank: boolean;
  /** The one [REDACTED] standing for a blanked line is written. */
  private blankShown = false;
  private readonly hit: Hit;

  constructor(
    private readonly lines: LineRedactor,
    private readonly lineNo: number,
  ) {
    this.hit = lines.hitAt(lineNo);
    // Inside a PEM body or a block scalar under a secret key, the whole line is part of the secret.
    this.blank = lines.inMultiLineSecret;
  }

  /** Feeds more of the line (latin1 text); returns the redacted text that is settled. */
  push(text: string): string {
    if (this.blank) return this.shownBlank();
    this.pending += text;
    let out = "";
    while (this.pending.length >= WINDOW + CONTEXT) {
      const at = this.findCut();
      if (at < 0) {
        if (this.pending.length < CAP) break;
        // No safe place to cut in CAP characters dense with possible secrets: nothing more of this line is kept.
        this.hit("secret-key-value");
        this.blank = true;
        this.pending = "";
        return out + this.shownBlank();
      }
      out += this.piece(this.pending.slice(0, at));
      this.pending = this.pending.slice(at);
      this.cut = true;
    }
    return out;
  }

  /** The rest of the line (the part before its LF). */
  end(text = ""): string {
    const out = this.push(text);
    return this.blank ? out + this.shownBlank() : out + this.pendingRest();
  }

  private shownBlank(): string {
    if (this.blankShown) return "";
    this.blankShown = true;
    return REDACTED;
  }

  private pendingRest(): string {
    const text = this.pending;
    this.pending = "";
    // Never cut: the line is redacted like any other, with the state it shares with the lines around it.
    if (!this.cut) return this.lines.redactLine(text, this.lineNo);
    const out = this.piece(text);
    if (this.open?.kind === "pem") this.lines.continuePem(this.open.label);
    return out;
  }

  /** Redacts one piece, first blanking what an open secret of the previous piece still holds. */
  private piece(text: string): string {
    if (this.open?.kind === "quote") {
      const end = quotedEnd(`${this.open.quote}${text}`, 0);
      if (end < 0) return "";
      text = text.slice(end - 1);
      this.open = null;
    } else if (this.open?.kind === "pem") {
      const marker = `-----END ${this.open.label}-----`;
      const i = text.indexOf(marker);
      if (i < 0) return "";
      text = text.slice(i + marker.length);
      this.open = null;
    } else if (this.open?.kind === "value") {
      const i = text.search(DELIMITER);
      if (i < 0) return "";
      text = text.slice(i);
      this.open = null;
    }
    const r = redactPiece(text, this.hit);
    this.open = r.open;
    return r.text;
  }

  /** Where to end the next piece (an index into pending), or -1 when no safe cut is found yet. */
  private findCut(): number {
    const p = this.pending;
    if (!TRIGGER.test(p.slice(WINDOW - CONTEXT, WINDOW + CONTEXT))) return WINDOW;
    let tries = 0;
    for (let i = WINDOW; i > WINDOW / 2 && tries < MAX_STABLE_TRIES; i--) {
      if (!DELIMITER.test(p[i])) continue;
      tries++;
      const left = p.slice(i - CONTEXT, i);
      const right = p.slice(i, i + CONTEXT);
      const apart = redactPiece(left, noHit);
      if (apart.open) continue;
      if (apart.text + redactPiece(right, noHit).text === redactPiece(left + right, noHit).text) return i;
    }
    return -1;
  }
}
