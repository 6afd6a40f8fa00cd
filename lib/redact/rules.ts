/**
 * Redaction rules for gateway configs and logs (docs/formats.md §2: secrets appear in real bundles).
 * Pure, no I/O. Every rule works on one line at a time so that line numbers never move.
 */

export const REDACTED = "[REDACTED]";

/** Rule ids used in reports. */
export const REDACTION_RULES = [
  "pem-block",
  "url-credentials",
  "bearer-token",
  "secret-key-value",
  "secret-block-scalar",
] as const;
export type RedactionRule = (typeof REDACTION_RULES)[number];

/**
 * Words that make a key secret when the key is exactly the word or ends with it at a word
 * boundary (`_`, `-`, `.` or a camelCase hump): `edgemicro_key`, `x-api-key`, `clientSecret`.
 * `monkey`, `key_file`, `keep_alive_timeout` and `keySecretMessage` are not secret.
 */
const SECRET_WORDS = [
  "secret",
  "key",
  "password",
  "passwd",
  "passphrase",
  "token",
  "api_key",
  "apikey",
  "client_secret",
  "private_key",
  "edgemicro_key",
  "edgemicro_secret",
  "authorization",
  "credentials",
];

/** Public keys are not secrets (a PEM public key is still blanked by the PEM rule). */
const NOT_SECRET = /(^|[_\-.])public[_\-.]?key$|^.*[a-z0-9]PublicKey$|publickey$/i;

export function isSecretKey(name: string): boolean {
  if (NOT_SECRET.test(name)) return false;
  const lower = name.toLowerCase();
  for (const w of SECRET_WORDS) {
    if (lower === w) return true;
    if (!lower.endsWith(w)) continue;
    const start = name.length - w.length;
    const before = name[start - 1];
    if (before === "_" || before === "-" || before === ".") return true;
    // camelCase hump: `apiKey`, `clientSecret` (lower-case or digit, then upper-case start)
    if (/[a-z0-9]/.test(before) && /[A-Z]/.test(name[start])) return true;
  }
  return false;
}

/**
 * Cheap pre-check: every rule below needs one of these in the line (a secret word inside the key,
 * a PEM marker, the `@` of URL credentials, `Bearer`). A line without any is returned unchanged
 * without running the rules (most log lines).
 */
export const TRIGGER = /key|secret|pass|token|authorization|credentials|BEGIN|Bearer|@/i;

export function mayHoldSecret(line: string): boolean {
  return TRIGGER.test(line);
}

/** Values that cannot be secrets and are left alone. */
const HARMLESS_VALUE = /^(true|false|yes|no|on|off|null|~|""|'')$/i;

/** An opening marker not already redacted by {@link redactInlinePem}. */
const PEM_BEGIN = /-----BEGIN ([A-Z0-9 ]{1,64})-----(?! \[REDACTED\] -----END)/;
const PEM_BODY_LINE = /^\s*([A-Za-z0-9+/=]+|(Proc-Type|DEK-Info|Comment):.*)?\s*$/;

/** Greedy up to the last `@` of the authority, so `u:p@ss@host` leaves nothing of the password. */
const URL_CREDENTIALS = /\b([a-zA-Z][a-zA-Z0-9+.-]{0,20}:\/\/)[^\s/?#"'<>@]*(?:@[^\s/?#"'<>@]*)*@/g;
const BEARER = /\b(Bearer)(\s+)(?!\[REDACTED\])[A-Za-z0-9\-._~+/]+=*/g;

/** A key followed by `:` or `=`; the value extent is decided by hand after the match. */
const KEY_SEP = /(?<![A-Za-z0-9_.\-])(?:"([A-Za-z_][\w.\-]*)"|'([A-Za-z_][\w.\-]*)'|([A-Za-z_][\w.\-]*))[ \t]*([:=])/g;

const SECRET_CONT_KEY = /^(\s*(?:-\s+)?)(["']?)([A-Za-z_][\w.\-]*)\2[ \t]*:[ \t]*([|>][-+0-9]*)?[ \t]*(#.*)?$/;

const AUTH_SCHEME = /^(Bearer|Basic|Digest|Negotiate|Token|ApiKey)\s+[^\s,;\])}]+/i;

export type Hit = (rule: RedactionRule) => void;

/**
 * Replaces PEM blocks that start and end on this line (e.g. JSON with `\n` escapes). Stops at the
 * first block that does not end here: {@link openPem} redacts from there to the end of the line.
 */
export function redactInlinePem(line: string, hit: Hit): string {
  const begin = new RegExp(PEM_BEGIN.source, "g");
  let out = "";
  let copied = 0;
  for (let m = begin.exec(line); m; m = begin.exec(line)) {
    const endMarker = `-----END ${m[1]}-----`;
    const end = line.indexOf(endMarker, m.index + m[0].length);
    if (end < 0) break;
    hit("pem-block");
    out += `${line.slice(copied, m.index)}-----BEGIN ${m[1]}----- ${REDACTED} ${endMarker}`;
    copied = end + endMarker.length;
    begin.lastIndex = copied;
  }
  return copied === 0 ? line : out + line.slice(copied);
}

/** If the line opens a PEM block that does not end on it, returns the redacted line and label. */
export function openPem(line: string): { line: string; label: string } | null {
  const m = PEM_BEGIN.exec(line);
  if (!m) return null;
  const label = m[1];
  return { line: `${line.slice(0, m.index)}-----BEGIN ${label}----- ${REDACTED} -----END ${label}-----`, label };
}

/** Inside an open PEM block: `end` gives what follows the END marker; `body` a blanked line. */
export function pemContinuation(
  line: string,
  label: string,
): { kind: "end"; rest: string } | { kind: "body" } | { kind: "exit" } {
  const endMarker = `-----END ${label}-----`;
  const i = line.indexOf(endMarker);
  if (i >= 0) return { kind: "end", rest: line.slice(i + endMarker.length) };
  if (PEM_BODY_LINE.test(line)) return { kind: "body" };
  return { kind: "exit" };
}

/**
 * A YAML line whose secret value continues on the following, more indented lines:
 * `secret_key: |` (block scalar) or `secret_key:` with nothing after it (value on the next line).
 */
export function secretContinuation(line: string): { kind: "block" | "plain"; indent: number } | null {
  const m = SECRET_CONT_KEY.exec(line);
  if (!m || !isSecretKey(m[3])) return null;
  return { kind: m[4] ? "block" : "plain", indent: m[1].length };
}

/** In "plain" continuation: a nested mapping or sequence line ends it (its keys are checked on their own). */
export function isStructuralLine(line: string): boolean {
  return /^\s*(-(\s|$)|["']?[A-Za-z_][\w.\-]*["']?\s*:(\s|$))/.test(line);
}

/** Index after the closing quote of a quoted value starting at `i`, or -1 when it does not close. */
export function quotedEnd(line: string, i: number): number {
  const q = line[i];
  for (let j = i + 1; j < line.length; j++) {
    if (q === '"' && line[j] === "\\") {
      j++;
      continue;
    }
    if (line[j] === q) {
      if (q === "'" && line[j + 1] === "'") {
        j++;
        continue;
      }
      return j + 1;
    }
  }
  return -1;
}

export function redactUrlCredentials(line: string, hit: Hit): string {
  return line.replace(URL_CREDENTIALS, (_m, scheme: string) => {
    hit("url-credentials");
    return `${scheme}${REDACTED}@`;
  });
}

export function redactBearer(line: string, hit: Hit): string {
  return line.replace(BEARER, (_m, word: string, sp: string) => {
    hit("bearer-token");
    return `${word}${sp}${REDACTED}`;
  });
}

/**
 * Redacts `key: value`, `key=value`, `"key": "value"` where the key is secret. When a YAML line
 * (key first on the line) opens a quoted value that does not close, `onOpenQuote` gets the quote
 * and the key's indentation, so the caller can blank the continuation lines.
 */
export function redactKeyValues(
  line: string,
  hit: Hit,
  onOpenQuote?: (quote: string, indent: number, keepClose: boolean) => void,
  onOpenQuoteAnywhere?: (quote: string) => void,
): string {
  let out = "";
  let copied = 0;
  KEY_SEP.lastIndex = 0;
  for (let m = KEY_SEP.exec(line); m; m = KEY_SEP.exec(line)) {
    const quotedKey = m[1] ?? m[2];
    const key = quotedKey ?? m[3];
    const sep = m[4];
    let vStart = m.index + m[0].length;
    const afterSep = line[vStart];
    // YAML plain keys need a space (or end of line) after `:`, which keeps `http://` out.
    if (sep === ":" && quotedKey === undefined && afterSep !== undefined && afterSep !== " " && afterSep !== "\t")
      continue;
    if (!isSecretKey(key)) continue;
    while (line[vStart] === " " || line[vStart] === "\t") vStart++;
    if (vStart >= line.length) continue;
    const c = line[vStart];
    if (c === "|" || c === ">" || c === "{" || c === "[" || c === "*" || c === "&" || c === "#") continue;
    let vEnd: number;
    let replacement: string;
    const yamlLine = /^\s*(-\s+)?$/.test(line.slice(0, m.index));
    if (c === '"' || c === "'") {
      vEnd = quotedEnd(line, vStart);
      const open = vEnd < 0;
      if (open) vEnd = line.length;
      const inner = line.slice(vStart + 1, line[vEnd - 1] === c && vEnd - 1 > vStart ? vEnd - 1 : vEnd);
      // An opening line left as it is (empty or already redacted) stays open, so its closing quote must survive for the YAML (and a re-run) to read the same.
      if (open && yamlLine) onOpenQuote?.(c, m.index, inner === "" || inner.includes(REDACTED));
      if (open) onOpenQuoteAnywhere?.(c);
      if (inner === "" || inner.includes(REDACTED)) {
        KEY_SEP.lastIndex = vEnd;
        continue;
      }
      replacement = `${c}${REDACTED}${c}`;
    } else {
      const rest = line.slice(vStart);
      const auth = AUTH_SCHEME.exec(rest);
      if (sep === "=") vEnd = vStart + rest.search(/[\s&;,"'<>\])}]|$/);
      else if (quotedKey !== undefined) vEnd = vStart + rest.search(/[\s,}\]]|$/);
      else if (yamlLine) {
        // YAML-like line: the value is the rest of the line minus a trailing comment.
        const comment = rest.search(/\s#/);
        vEnd = vStart + (comment >= 0 ? comment : rest.length);
        while (vEnd > vStart && /\s/.test(line[vEnd - 1])) vEnd--;
      } else vEnd = vStart + rest.search(/[\s,;\])}]|$/);
      if (auth && vStart + auth[0].length > vEnd) vEnd = vStart + auth[0].length;
      const value = line.slice(vStart, vEnd);
      if (value === "" || HARMLESS_VALUE.test(value) || value.includes(REDACTED)) {
        KEY_SEP.lastIndex = Math.max(vEnd, vStart + 1);
        continue;
      }
      replacement = sep === ":" ? `"${REDACTED}"` : REDACTED;
    }
    hit("secret-key-value");
    out += line.slice(copied, vStart) + replacement;
    copied = vEnd;
    KEY_SEP.lastIndex = Math.max(vEnd, vStart + 1);
  }
  return copied === 0 ? line : out + line.slice(copied);
}
