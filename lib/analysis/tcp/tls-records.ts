/**
 * TLS record framing of one direction of a connection's reassembled byte stream. The record header (type, version,
 * length) is never encrypted, so an https connection's exchanges can be read from which side sends application data
 * when, as Wireshark's conversation timing does without keys. Pure.
 */

export const TLS_CHANGE_CIPHER_SPEC = 20;
export const TLS_ALERT = 21;
export const TLS_HANDSHAKE = 22;
export const TLS_APPLICATION_DATA = 23;
/** Bytes whose records cannot be told (their header was not captured): reported with this type and their count. */
export const TLS_OPAQUE = 0;

/**
 * TLS 1.3 sends alerts (close_notify) as application-data records: 2 alert bytes, 1 content-type byte and the AEAD's
 * 16-byte tag make 19. No HTTP message is that short.
 */
export const TLS13_ALERT_RECORD_MAX = 19;

/**
 * Called at each record header; returns whether the record is noise for exchange timing (an alert), so the bytes that
 * follow it are not counted as activity.
 */
export type OnRecord = (type: number, length: number) => boolean;

export class TlsRecordFramer {
  private readonly hdr = new Uint8Array(5);
  private hdrLen = 0;
  private left = 0;
  private noise = false;
  /**
   * Record boundaries were lost (bytes the capture missed across a header, bytes that do not frame): found again where
   * a segment opens with a record header, as a TLS stack's write does.
   */
  private lost = false;

  constructor(private readonly onRecord: OnRecord) {}

  /** Feeds one segment's in-order bytes; returns whether any of them belongs to a record that is not noise. */
  push(b: Uint8Array): boolean {
    if (this.lost) {
      if (!opensRecord(b)) return this.opaque(b.length);
      this.lost = false;
      this.hdrLen = 0;
      this.left = 0;
    }
    let activity = false;
    let i = 0;
    while (i < b.length && !this.lost) {
      if (this.left > 0) {
        const n = Math.min(this.left, b.length - i);
        this.left -= n;
        i += n;
        if (!this.noise) activity = true;
        continue;
      }
      this.hdr[this.hdrLen++] = b[i++];
      if (this.hdrLen < 5) continue;
      this.hdrLen = 0;
      const type = this.hdr[0];
      const length = (this.hdr[3] << 8) | this.hdr[4];
      if (!isHeader(this.hdr) || length > 18_432) {
        this.lost = true;
        return this.opaque(b.length - i + 5);
      }
      this.noise = this.onRecord(type, length);
      this.left = length;
      if (!this.noise) activity = true;
    }
    return activity;
  }

  /**
   * `n` bytes the capture did not keep (a snap length, a lost segment): inside a record they only shorten it; past its
   * end they hold records whose headers are gone. Returns whether they count as activity.
   */
  gap(n: number): boolean {
    if (!this.lost && this.hdrLen === 0) {
      if (this.left >= n) {
        this.left -= n;
        return !this.noise;
      }
      n -= this.left; // what is past the record in hand
      this.left = 0;
    }
    this.lost = true;
    return this.opaque(n);
  }

  private opaque(n: number): true {
    this.onRecord(TLS_OPAQUE, n);
    return true;
  }
}

const isHeader = (b: Uint8Array) =>
  b[0] >= TLS_CHANGE_CIPHER_SPEC && b[0] <= TLS_APPLICATION_DATA && b[1] === 3 && b[2] <= 4;

const opensRecord = (b: Uint8Array) => b.length >= 3 && isHeader(b);

/**
 * Whether a segment of the gateway's, sent after the target's first bytes, holds a TLS record other than an alert (21)
 * or change_cipher_spec (20, which TLS 1.3 clients send for middlebox compatibility before anything else): the
 * handshake's Finished, a key exchange, application data. The segment opens with a record header (the target's flight
 * ends a record); records are walked as far as the captured bytes go.
 */
export function carriesHandshakeOn(b: Uint8Array): boolean {
  let o = 0;
  while (o < b.length) {
    if (b[o] !== 0x15 && b[o] !== 0x14) return true;
    if (o + 5 > b.length) return false;
    o += 5 + ((b[o + 3] << 8) | b[o + 4]);
  }
  return false;
}

/** A ClientHello opens the bytes (a handshake record; its version byte says 3.x). */
export const opensClientHello = (b: Uint8Array) => b.length >= 3 && b[0] === TLS_HANDSHAKE && b[1] === 3;

const HTTP_VERSION = [0x48, 0x54, 0x54, 0x50, 0x2f]; // "HTTP/"

/**
 * What the target's first bytes after a ClientHello open with: its hello, an alert refusing it, or an HTTP response
 * (a plain server); undefined for anything else (a segment the capture missed leaves the rest mid-record).
 */
export function firstAnswerKind(b: Uint8Array): "handshake" | "alert" | "not-tls" | undefined {
  if (b.length >= 2 && b[1] === 3 && b[0] === TLS_HANDSHAKE) return "handshake";
  if (b.length >= 2 && b[1] === 3 && b[0] === TLS_ALERT) return "alert";
  return HTTP_VERSION.every((x, i) => b[i] === x) ? "not-tls" : undefined;
}

/** A TLS 1.2 / 1.3 application-data record opens the bytes (legacy version 3.3). */
export const opensApplicationData = (b: Uint8Array) =>
  b.length >= 3 && b[0] === TLS_APPLICATION_DATA && b[1] === 3 && b[2] === 3;
