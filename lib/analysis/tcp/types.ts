/** Public shapes of the TCP connection analysis. */

/** Zeek's conn_state values the tracker produces (lib/analysis/tcp/connection.ts `zeekState`). */
export const CONN_STATES = [
  "OTH",
  "REJ",
  "RSTOS0",
  "SH",
  "S0",
  "RSTRH",
  "SHR",
  "RSTO",
  "RSTR",
  "SF",
  "S1",
  "S2",
  "S3",
] as const;
export type ZeekConnState = (typeof CONN_STATES)[number];

export interface Endpoint {
  host: string;
  port: number;
}

export interface HttpExchange {
  /** Null when the response was seen but its request was not (capture started mid-stream). */
  method: string | null;
  path: string | null;
  reqTsUs: number | null;
  reqFrame: number | null;
  status: number | null;
  respTsUs: number | null;
  respFrame: number | null;
  /** Response `Connection` header (request's when there is no response). */
  connectionHeader: string | null;
  keepAliveTimeoutS: number | null;
  /** Response Content-Length. */
  contentLength: number | null;
  chunked: boolean;
  /** Response head and body fully read. */
  complete: boolean;
  /** First time the target acknowledged the request's bytes. */
  reqAckedUs: number | null;
  /** Response bytes seen for this exchange (header or body). */
  responseBytes: number;
  /** Last payload activity on the connection before this request (for idle gaps). */
  prevActivityUs: number | null;
  /** The response's status line when it is not valid HTTP (`HTTP/1.1 abc OK`): the target answered, unreadably. */
  invalidResponse?: string;
  /** Its answer was among bytes the capture lost (a later response began after the next request was sent). */
  answerLost?: boolean;
}

export type Dir = "g2t" | "t2g";

export interface LadderStep {
  frame: number;
  tsUs: number;
  dir: Dir;
  flags: string;
  /** Relative sequence/ack numbers (0 = ISN), as Wireshark shows them. */
  seq: number;
  ack: number;
  len: number;
  note?: string;
}

export type Side = "target" | "gateway";

export interface Connection {
  id: number;
  gateway: Endpoint;
  target: Endpoint;
  startUs: number;
  endUs: number;
  firstFrame: number;
  lastFrame: number;
  /** Byte offsets in the capture of the first and last frames' records: where to read the ladder back from. */
  firstOffset: number;
  lastOffset: number;
  packetsG2T: number;
  packetsT2G: number;
  bytesG2T: number;
  bytesT2G: number;
  closer: Side | null;
  closeKind: "FIN" | "RST" | null;
  closeUs: number | null;
  closeFrame: number | null;
  /** Whether the target (rather than only the gateway) sent an RST at any point. */
  targetRst: boolean;
  gatewayRst: boolean;
  retransmissions: number;
  /**
   * Frames the capture holds twice (dir-state.ts `isCopy`; the tracker's mirrors: this connection on the other side of
   * a NAT): left out of every count here, and of the ladder.
   */
  copies: number;
  /** The first of them, for the capture's warning. */
  firstCopy: { frame: number; offset: number } | null;
  /** Bytes the reassembly could not recover (lost segments or snap length). */
  gaps: number;
  connState: ZeekConnState;
  history: string;
  exchanges: HttpExchange[];
  /** The gateway spoke TLS on it (a ClientHello first): exchanges are read from record headers (tls-records.ts). */
  tls: boolean;
  /**
   * TLS 1.3, and the target ended the session with an alert before sending anything after the gateway's Finished (no
   * session ticket, no answer): it rejected the handshake there, as a target requiring a client certificate does.
   */
  tlsRejectedAfterFinished?: boolean;
  /**
   * TLS: what the target's first bytes after the gateway's ClientHello were: a handshake record (its hello), an alert
   * (it refused the hello: no protocol version or cipher suite in common, or the server name), or not TLS at all
   * (a plain HTTP server answering `400 Bad Request`). Absent before any, or when the bytes open with none of these.
   */
  tlsFirstAnswer?: "handshake" | "alert" | "not-tls";
  /**
   * When the capture was last found to have lost bytes the target sent (its FIN's or RST's sequence number, or the
   * gateway's ACKs, past the bytes captured: tcpdump dropped them). Absent when none were lost.
   */
  targetLostUs?: number;
  /**
   * When the capture was first found to have lost bytes the gateway sent: a request lost whole shifts the pairing of
   * requests and answers (answers are paired in order) from there on. Absent when none were lost.
   */
  gatewayLostUs?: number;
  /**
   * TLS: after the target's first bytes the gateway sent a record other than an alert (its handshake Finished, its
   * key exchange, then requests). A client that rejects the handshake (the certificate, the host name, the protocol)
   * sends nothing more, or only an alert, and closes.
   */
  tlsContinued: boolean;
  /** Quiet time before the first FIN/RST, not counting an unanswered request (the time the target's idle timer would show). */
  idleGapMs: number | null;
  /**
   * Time from the last payload byte, either way, to the first FIN/RST. The gateway's own timeout (request_timeout, a
   * proxy's `timeout`) is a socket idle timer: its close never comes sooner.
   */
  closeQuietMs: number | null;
  /** Empty when the tracker was asked for no ladders (ingest): lib/analysis/tcp/ladder.ts derives it on demand. */
  ladder: LadderStep[];
  /** Packets left out of the middle of the ladder. */
  ladderOmitted: number;
}

export const LADDER_HEAD = 40;
export const LADDER_TAIL = 40;

/** A connection as its first packet opens it, before anything is read from it (connection.ts fills it in). */
export function newConnection(
  id: number,
  gateway: Endpoint,
  target: Endpoint,
  first: { tsUs: number; frame: number; offset: number },
): Connection {
  return {
    id,
    gateway,
    target,
    startUs: first.tsUs,
    endUs: first.tsUs,
    firstFrame: first.frame,
    lastFrame: first.frame,
    firstOffset: first.offset,
    lastOffset: first.offset,
    packetsG2T: 0,
    packetsT2G: 0,
    bytesG2T: 0,
    bytesT2G: 0,
    closer: null,
    closeKind: null,
    closeUs: null,
    closeFrame: null,
    targetRst: false,
    gatewayRst: false,
    retransmissions: 0,
    copies: 0,
    firstCopy: null,
    gaps: 0,
    connState: "OTH",
    history: "",
    exchanges: [],
    tls: false,
    tlsContinued: false,
    idleGapMs: null,
    closeQuietMs: null,
    ladder: [],
    ladderOmitted: 0,
  };
}
