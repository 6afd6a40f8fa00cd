/** Scripted TCP conversations between a gateway and a target, as a capture on the gateway host sees them. */
import { CaptureReader, TCP_ACK, TCP_FIN, TCP_PSH, TCP_SYN, type Packet } from "@/lib/parsers/pcap";
import { synthPcap, type SynthPacket } from "@/lib/parsers/pcap/synth";
import { trackAll } from "@/lib/analysis/tcp";

const GW = "10.0.0.1";
const TG = "10.0.0.2";

/** Keeps both sides' sequence numbers; times in ms from t0. */
export class Script {
  readonly pk: SynthPacket[] = [];
  private g = 1000;
  private t = 5000;
  constructor(
    private port = 40000,
    private t0 = 1_700_000_000_000_000,
  ) {}
  private push(atMs: number, fromGw: boolean, flags: number, payload = "", seqOverride?: number) {
    const seq = seqOverride ?? (fromGw ? this.g : this.t);
    this.pk.push({
      tsUs: this.t0 + Math.round(atMs * 1000),
      src: fromGw ? GW : TG,
      srcPort: fromGw ? this.port : 8080,
      dst: fromGw ? TG : GW,
      dstPort: fromGw ? 8080 : this.port,
      seq,
      ack: fromGw ? this.t : this.g,
      flags,
      payload,
    });
    if (seqOverride === undefined) {
      const adv = payload.length + (flags & (TCP_SYN | TCP_FIN) ? 1 : 0);
      if (fromGw) this.g += adv;
      else this.t += adv;
    }
    return seq;
  }
  handshake(at: number) {
    this.push(at, true, TCP_SYN);
    this.push(at + 0.1, false, TCP_SYN | TCP_ACK);
    this.push(at + 0.2, true, TCP_ACK);
    return this;
  }
  gw(at: number, flags: number, payload = "", seq?: number) {
    return this.push(at, true, flags, payload, seq);
  }
  tg(at: number, flags: number, payload = "", seq?: number) {
    return this.push(at, false, flags, payload, seq);
  }
}

export const REQ = (p: string) => `GET ${p} HTTP/1.1\r\nHost: t\r\n\r\n`;
export const RESP = (body: string, extra = "") =>
  `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n${extra}\r\n${body}`;
export const DATA = TCP_ACK | TCP_PSH;

/** The packets through the real pcap writer, reader and tracker. */
export function run(pk: SynthPacket[]) {
  const r = new CaptureReader();
  const packets: Packet[] = [...r.push(synthPcap(pk)), ...r.end()];
  return trackAll(packets);
}
