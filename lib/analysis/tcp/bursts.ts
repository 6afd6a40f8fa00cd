/**
 * Exchanges read from packet timing alone, for connections whose payloads the capture's snap length cut
 * (`tcpdump -s 96`, old tcpdump's default 68 or 96, `-s 200`): the HTTP heads are not whole, so the parser cannot
 * frame messages. Node's agent never pipelines, so a request is the gateway's first payload after the target
 * answered the previous one, and any payload from the target answers the request in flight. Method, path and
 * status are read where the captured bytes still hold the request or status line. Pure.
 */
import type { Packet } from "@/lib/parsers/pcap";
import type { HttpExchange } from "./types";
import { redactInline } from "@/lib/redact";

const REQUEST_LINE = /^([A-Z]{3,10}) (\S+)/;
const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})/;

const text = (b: Uint8Array) => String.fromCharCode(...b.subarray(0, Math.min(b.length, 512)));

/** A captured payload that lacks bytes its IP length says it carried. */
export const truncated = (p: Packet) => p.payloadLen > 0 && p.payload.length < p.payloadLen;

/** An exchange with nothing seen yet but what `over` sets (the HTTP reader's and the timing reader's one shape). */
export function exchange(over: Partial<HttpExchange>): HttpExchange {
  return {
    method: null,
    path: null,
    reqTsUs: null,
    reqFrame: null,
    status: null,
    respTsUs: null,
    respFrame: null,
    connectionHeader: null,
    keepAliveTimeoutS: null,
    contentLength: null,
    chunked: false,
    complete: false,
    reqAckedUs: null,
    responseBytes: 0,
    prevActivityUs: null,
    ...over,
  };
}

/**
 * One new (not retransmitted) payload segment of a connection read by timing. Returns the exchange a request
 * started (for the caller's ladder note and ACK tracking), or null.
 */
export function addBurstSegment(
  exchanges: HttpExchange[],
  p: Packet,
  fromGateway: boolean,
  prevActivityUs: number | null,
): HttpExchange | null {
  const last = exchanges[exchanges.length - 1];
  if (fromGateway) {
    // The rest of a request (its body, or a head spread over segments) continues the exchange in flight.
    if (last && last.reqTsUs !== null && last.responseBytes === 0) return null;
    const line = REQUEST_LINE.exec(text(p.payload));
    const ex = exchange({
      method: line?.[1] ?? null,
      path: line ? redactInline(line[2]) : null,
      reqTsUs: p.tsUs,
      reqFrame: p.frame,
      prevActivityUs,
    });
    exchanges.push(ex);
    return ex;
  }
  let ex = last;
  if (!ex || ex.responseBytes > 0) {
    // More of an answer already under way, or one whose request the capture missed.
    if (ex && ex.responseBytes > 0) {
      ex.responseBytes += p.payloadLen;
      return null;
    }
    ex = exchange({});
    exchanges.push(ex);
  }
  const status = STATUS_LINE.exec(text(p.payload));
  ex.status = status ? Number(status[1]) : null;
  ex.respTsUs = p.tsUs;
  ex.respFrame = p.frame;
  ex.responseBytes = p.payloadLen;
  // Answered: where the answer ends cannot be read, so a reset in its middle is not told apart here.
  ex.complete = true;
  return null;
}
