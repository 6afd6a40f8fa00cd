import type { Dir, ZeekConnState } from "./types";

interface Side {
  fin: boolean;
  rst: boolean;
}

/** Zeek's conn_state of a connection from its handshake and closes (o: the gateway's side, r: the target's). Pure. */
export function zeekState(s: {
  synSeen: boolean;
  synAckSeen: boolean;
  firstRst: Dir | null;
  o: Side;
  r: Side;
}): ZeekConnState {
  const { o, r } = s;
  if (!s.synSeen && !s.synAckSeen) return "OTH";
  if (s.synSeen && !s.synAckSeen) return r.rst ? "REJ" : o.rst ? "RSTOS0" : o.fin ? "SH" : "S0";
  if (!s.synSeen) return r.rst ? "RSTRH" : r.fin ? "SHR" : "OTH";
  if (s.firstRst) return s.firstRst === "g2t" ? "RSTO" : "RSTR";
  if (o.fin && r.fin) return "SF";
  return o.fin ? "S2" : r.fin ? "S3" : "S1";
}
