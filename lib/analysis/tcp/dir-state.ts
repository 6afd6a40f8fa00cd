import type { HttpStream } from "./http";
import type { ByteStream } from "./reassembly";

/** One direction of a connection while packets arrive: its bytes, its HTTP, its first sequence number and flags. */
export interface DirState {
  stream: ByteStream;
  http: HttpStream;
  isn: number | null;
  fin: boolean;
  rst: boolean;
  /** History letters already written for this direction (each once, as Zeek writes them). */
  hist: Set<string>;
}
