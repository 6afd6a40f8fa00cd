/**
 * Parsing of one decoded log line (without its terminator) into a typed item.
 * Hand-written scanning, no regular expressions: this runs once per line.
 */
import type { ConsoleLine, LogItem, MalformedLine, MalformedReason, RecordLine, StatsLine } from "./types";

export const TS_LEN = 24; // 2026-11-23T19:33:55.775Z
const EVENT_FIELDS = 16;
const LEFT_FIELDS = 5; // level host pid org env, then URL, then 10 more
const RIGHT_FIELDS = 10;
const EXCERPT_CHARS = 120;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** True when the line starts like a date (`dddd-dd-dd`): it is meant to carry a time stamp. */
export function hasDatePrefix(l: string): boolean {
  if (l.length < 10) return false;
  return (
    isDigit(l.charCodeAt(0)) &&
    isDigit(l.charCodeAt(1)) &&
    isDigit(l.charCodeAt(2)) &&
    isDigit(l.charCodeAt(3)) &&
    l.charCodeAt(4) === 45 &&
    isDigit(l.charCodeAt(5)) &&
    isDigit(l.charCodeAt(6)) &&
    l.charCodeAt(7) === 45 &&
    isDigit(l.charCodeAt(8)) &&
    isDigit(l.charCodeAt(9))
  );
}

function num2(l: string, i: number): number {
  const a = l.charCodeAt(i) - 48;
  const b = l.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

let cachedDayKey = -1;
let cachedDayMs = 0;

/** Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Epoch ms of the ISO-8601 `YYYY-MM-DDTHH:MM:SS.mmmZ` prefix followed by a space, or NaN. */
export function parseTimestamp(l: string): number {
  if (l.length < TS_LEN + 1 || l.charCodeAt(TS_LEN) !== 32) return NaN;
  if (l.charCodeAt(10) !== 84 || l.charCodeAt(13) !== 58 || l.charCodeAt(16) !== 58) return NaN;
  if (l.charCodeAt(19) !== 46 || l.charCodeAt(23) !== 90) return NaN;
  const y = num2(l, 0) * 100 + num2(l, 2);
  const mo = num2(l, 5);
  const d = num2(l, 8);
  const h = num2(l, 11);
  const mi = num2(l, 14);
  const s = num2(l, 17);
  const ms1 = l.charCodeAt(20) - 48;
  const ms = num2(l, 21);
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59) return NaN;
  if (s < 0 || s > 59 || ms1 < 0 || ms1 > 9 || ms < 0) return NaN;
  if (d > MONTH_DAYS[mo - 1]) return NaN;
  if (mo === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return NaN;
  const key = y * 10000 + mo * 100 + d;
  if (key !== cachedDayKey) {
    cachedDayKey = key;
    cachedDayMs = daysFromCivil(y, mo, d) * 86_400_000;
  }
  return cachedDayMs + ((h * 60 + mi) * 60 + s) * 1000 + ms1 * 100 + ms;
}

/**
 * True when a line without a time stamp can continue the line above it, as the gateway writes them
 * (docs/formats.md §1a, microgateway-core logging.js): with `stack_trace: true` or level `trace` it appends
 * `err.stack` after an event line, and a plain record's `stack=` value spans lines the same way. A stack is
 * a header (`Error: socket hang up`, `TypeError [ERR_X]: ...`, or a bare `Error`), indented frames
 * (`    at ...`), and when Node inspects an error with properties, indented `  code: 'ECONNRESET'` lines and
 * a closing `}`. Anything else is not the gateway's and counts as malformed, so it can be found.
 */
export function isContinuation(l: string): boolean {
  const c = l.charCodeAt(0);
  if (c === 32 || c === 9) return true; // indented: frames, inspected properties, [cause]
  if (/^[}\])]+[,;]?$/.test(l)) return true; // the end of an inspected error or object
  return ERROR_HEADER.test(l);
}

/** `Error`, `TypeError: x`, `Error [ERR_STREAM_PREMATURE_CLOSE]: x`, `AbortError: x`, `errors.SomeException: x`. */
const ERROR_HEADER = /^(?:[A-Za-z_$][\w$]*\.)*[A-Za-z_$]*(?:Error|Exception)(?: \[[A-Z0-9_]+\])?(?::|$)/;

/** Non-negative integer of an all-digit string, else null. */
export function parseUint(s: string): number | null {
  const n = s.length;
  if (n === 0 || n > 15) return null;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    v = v * 10 + c;
  }
  return v;
}

/** First 120 characters with control characters replaced by U+FFFD. */
export function makeExcerpt(l: string): string {
  const s = l.length > EXCERPT_CHARS ? l.slice(0, EXCERPT_CHARS) : l;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 32 && c !== 9) || c === 127) return s.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, "\uFFFD");
  }
  return s;
}

export function malformed(
  lineNo: number,
  offset: number,
  length: number,
  reason: MalformedReason,
  text: string,
): MalformedLine {
  return { kind: "malformed", lineNo, offset, length, reason, excerpt: makeExcerpt(text) };
}

const seps = new Int32Array(256);

function parseEvent(l: string, ts: number, lineNo: number, offset: number, length: number): LogItem {
  // l[25] === '['; fields are separated by "][" and the line ends with "]".
  const end = l.length - 1;
  if (l.charCodeAt(end) !== 93) return malformed(lineNo, offset, length, "wrong bracket count", l);
  let n = 0;
  let i = TS_LEN + 2;
  for (;;) {
    const p = l.indexOf("][", i);
    if (p === -1 || p >= end) break;
    if (n === seps.length) return malformed(lineNo, offset, length, "wrong bracket count", l);
    seps[n++] = p;
    i = p + 2;
  }
  if (n < EVENT_FIELDS - 1) return malformed(lineNo, offset, length, "wrong bracket count", l);
  // Left fields from the left, the last ten from the right; URL takes what lies between,
  // so a "][" inside a URL does not shift the other fields.
  const r = n - RIGHT_FIELDS; // index of the separator that ends the URL
  return {
    kind: "event",
    lineNo,
    offset,
    length,
    ts,
    level: l.slice(TS_LEN + 2, seps[0]),
    host: leftField(l, 1),
    pid: leftField(l, 2),
    org: leftField(l, 3),
    env: leftField(l, 4),
    url: l.slice(seps[LEFT_FIELDS - 1] + 2, seps[r]),
    clientIp: rightField(l, r, 0, end),
    clientId: rightField(l, r, 1, end),
    correlationId: flat(rightField(l, r, 2, end)),
    component: rightField(l, r, 3, end),
    message: rightField(l, r, 4, end),
    method: rightField(l, r, 5, end),
    status: parseUint(rightField(l, r, 6, end)),
    errMessage: rightField(l, r, 7, end),
    errCode: rightField(l, r, 8, end),
    durationMs: parseUint(rightField(l, r, 9, end)),
    stack: null,
  };
}

/**
 * A copy that does not share the line's memory: V8 makes substrings of 13+ characters views of their
 * parent, so a correlation id kept for a whole file (stitcher, line index dictionary) would keep its
 * whole line alive. Flattening `" " + s` copies 37 bytes instead.
 */
function flat(s: string): string {
  return s.length < 13 ? s : (" " + s).slice(1);
}

// Module-level rather than closures in parseEvent: no function object per line.
/** Left field k, 1 <= k < LEFT_FIELDS. */
function leftField(l: string, k: number): string {
  return l.slice(seps[k - 1] + 2, seps[k]);
}

/** Right field k (0 = client IP) after separator r; the last one ends at `end`. */
function rightField(l: string, r: number, k: number, end: number): string {
  return l.slice(seps[r + k] + 2, k + 1 < RIGHT_FIELDS ? seps[r + k + 1] : end);
}

function parseConsole(l: string, ts: number, j: number, lineNo: number, offset: number, length: number): LogItem {
  // `TS [PID] [COMPONENT] text`; j is the index of the first ']'.
  if (l.charCodeAt(j + 1) !== 32 || l.charCodeAt(j + 2) !== 91)
    return malformed(lineNo, offset, length, "bad console line", l);
  const k = l.indexOf("]", j + 3);
  if (k === -1) return malformed(lineNo, offset, length, "bad console line", l);
  const text = l.charCodeAt(k + 1) === 32 ? l.slice(k + 2) : l.slice(k + 1);
  const c: ConsoleLine = {
    kind: "console",
    lineNo,
    offset,
    length,
    ts,
    pid: l.slice(TS_LEN + 2, j),
    component: l.slice(j + 3, k),
    text,
  };
  return c;
}

/** Value of `key=` at a token boundary in `s` (start, or after ' ', ',' or '{'), as an integer; null if absent. */
function numField(s: string, key: string): number | null {
  let i = 0;
  for (;;) {
    const p = s.indexOf(key, i);
    if (p === -1) return null;
    const prev = p === 0 ? 32 : s.charCodeAt(p - 1);
    if ((prev === 32 || prev === 44 || prev === 123) && s.charCodeAt(p + key.length) === 61) {
      let v = 0;
      let q = p + key.length + 1;
      const start = q;
      for (; q < s.length; q++) {
        const c = s.charCodeAt(q) - 48;
        if (c < 0 || c > 9) break;
        v = v * 10 + c;
      }
      return q > start ? v : null;
    }
    i = p + key.length;
  }
}

function parseStats(l: string, ts: number, rest: number, lineNo: number, offset: number, length: number): LogItem {
  const sp = l.indexOf(" ", rest);
  if (sp === -1) return malformed(lineNo, offset, length, "bad stats line", l);
  const pid = l.slice(rest, sp);
  const body = l.slice(sp + 1);
  const requests = numField(body, "requests");
  const responses = numField(body, "responses");
  const sc = body.indexOf("statusCodes={");
  const scEnd = sc === -1 ? -1 : body.indexOf("}", sc);
  if (requests === null || responses === null || scEnd === -1)
    return malformed(lineNo, offset, length, "bad stats line", l);
  const codes = body.slice(sc + 12, scEnd + 1);
  const s: StatsLine = {
    kind: "stats",
    lineNo,
    offset,
    length,
    ts,
    pid,
    treqErrors: numField(body, "treqErrors") ?? 0,
    tresErrors: numField(body, "tresErrors") ?? 0,
    statusCodes: {
      s1: numField(codes, "1") ?? 0,
      s2: numField(codes, "2") ?? 0,
      s3: numField(codes, "3") ?? 0,
      s4: numField(codes, "4") ?? 0,
      s5: numField(codes, "5") ?? 0,
    },
    requests,
    responses,
    connections: numField(body, "connections") ?? 0,
  };
  return s;
}

/** Splits `text key=value, key=value` into the text and the fields. */
export function splitRecord(r: string): { text: string; fields: Record<string, string> } {
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  const eq = r.indexOf("=");
  if (eq === -1) return { text: r, fields };
  const kvStart = r.lastIndexOf(" ", eq) + 1;
  const text = kvStart > 0 ? r.slice(0, kvStart - 1) : "";
  let lastKey = "";
  let i = kvStart;
  while (i < r.length) {
    let j = r.indexOf(", ", i);
    if (j === -1) j = r.length;
    const part = r.slice(i, j);
    const e = part.indexOf("=");
    if (e > 0) {
      lastKey = part.slice(0, e);
      fields[lastKey] = part.slice(e + 1);
    } else if (lastKey !== "") {
      fields[lastKey] += ", " + part;
    }
    i = j + 2;
  }
  return { text, fields };
}

/**
 * Parses a line known to start with a date prefix. Returns an item; time stamp errors
 * give a "bad date" malformed item.
 */
export function parseTimestampedLine(l: string, lineNo: number, offset: number, length: number): LogItem {
  const ts = parseTimestamp(l);
  if (Number.isNaN(ts)) return malformed(lineNo, offset, length, "bad date", l);
  const c = l.charCodeAt(TS_LEN + 1);
  if (c === 91) {
    const j = l.indexOf("]", TS_LEN + 2);
    if (j === -1) return malformed(lineNo, offset, length, "wrong bracket count", l);
    if (l.charCodeAt(j + 1) === 91) return parseEvent(l, ts, lineNo, offset, length);
    return parseConsole(l, ts, j, lineNo, offset, length);
  }
  const sp = l.indexOf(" ", TS_LEN + 1);
  if (sp === -1 || sp === TS_LEN + 1) return malformed(lineNo, offset, length, "bad record line", l);
  const level = l.slice(TS_LEN + 1, sp);
  if (level === "stats") return parseStats(l, ts, sp + 1, lineNo, offset, length);
  let sp2 = l.indexOf(" ", sp + 1);
  if (sp2 === -1) sp2 = l.length;
  const pid = l.slice(sp + 1, sp2);
  if (pid.length === 0) return malformed(lineNo, offset, length, "bad record line", l);
  const { text, fields } = splitRecord(sp2 < l.length ? l.slice(sp2 + 1) : "");
  const rec: RecordLine = { kind: "record", lineNo, offset, length, ts, level, pid, text, fields };
  return rec;
}
