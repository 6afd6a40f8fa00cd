/**
 * Runs tcpdump for the capture and makes sure it never outlives the collector: stopped with SIGINT (it
 * flushes and writes its stats), killed if it does not exit, and killed synchronously on process exit.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { BUFFER_KIB } from "./filter";

/** Packets written so far: walks the classic pcap records tcpdump -w -U writes (24-byte header, 16 per record). */
export class PcapCounter {
  private offset = 24;
  packets = 0;
  constructor(private readonly file: string) {}

  poll(): number {
    let fd: number;
    try {
      fd = fs.openSync(this.file, "r");
    } catch {
      return this.packets;
    }
    try {
      const size = fs.fstatSync(fd).size;
      const h = Buffer.alloc(16);
      const magic = Buffer.alloc(4);
      if (size < 24 || fs.readSync(fd, magic, 0, 4, 0) < 4) return this.packets;
      const le = magic.readUInt32LE(0) === 0xa1b2c3d4 || magic.readUInt32LE(0) === 0xa1b23c4d;
      while (this.offset + 16 <= size) {
        fs.readSync(fd, h, 0, 16, this.offset);
        const incl = le ? h.readUInt32LE(8) : h.readUInt32BE(8);
        if (this.offset + 16 + incl > size) break; // record still being written
        this.offset += 16 + incl;
        this.packets++;
      }
    } finally {
      fs.closeSync(fd);
    }
    return this.packets;
  }
}

/** The counts tcpdump prints as it exits; null where its build prints no such line. */
export interface TcpdumpStats {
  captured: number | null;
  received: number | null;
  droppedByKernel: number | null;
  droppedByInterface: number | null;
}

export function tcpdumpStats(stderr: string): TcpdumpStats {
  const n = (what: string) => {
    const m = new RegExp(`^(\\d+) packets? ${what}$`, "m").exec(stderr);
    return m ? Number(m[1]) : null;
  };
  return {
    captured: n("captured"),
    received: n("received by filter"),
    droppedByKernel: n("dropped by kernel"),
    droppedByInterface: n("dropped by interface"),
  };
}

/**
 * Words for packets tcpdump lost (its buffer full under load), or null. A lost packet leaves a connection without its
 * close or its request, and the diagnosis cannot tell what it missed: the user should know before sending.
 */
export function lostPackets(s: TcpdumpStats): string | null {
  const lost = (s.droppedByKernel ?? 0) + (s.droppedByInterface ?? 0);
  if (lost === 0) return null;
  return `tcpdump lost ${lost} packet(s) (${s.droppedByKernel ?? 0} dropped by the kernel, ${s.droppedByInterface ?? 0} by the interface): connections may lack their requests or closes, and the verdict may be unsure. tcpdump's kernel buffer was ${BUFFER_KIB / 1024} MiB already: capture again when the host is less busy.`;
}

export interface RunningCapture {
  proc: ChildProcess;
  stderr: () => string;
  stop: () => Promise<void>;
}

/**
 * How long tcpdump keeps capturing after it is asked to stop. libpcap's ring (TPACKET_V3) hands packets over in
 * blocks that retire after tcpdump's 1 s timeout, and a SIGINT drops the block still open: stopped at once, the
 * capture loses its last second, the very packets of the 502s that ended it (seen here on a loaded machine: the
 * resets of three 502s missing, the verdict then insufficient-data). The lab's recorder gives it as long.
 */
export const FLUSH_MS = 2500;

/** Starts tcpdump and resolves once it listens; rejects with its own words when it fails to start. */
export function startTcpdump(bin: string, args: string[], timeoutMs = 15_000): Promise<RunningCapture> {
  // Own process group: a Ctrl-C in the terminal reaches the collector only, which then stops tcpdump itself.
  const proc = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"], detached: true });
  let err = "";
  const killNow = () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
  };
  process.on("exit", killNow);
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      let flush: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (flush = setTimeout(r, FLUSH_MS)))]);
      clearTimeout(flush);
      proc.kill("SIGINT");
      const t = setTimeout(killNow, 5000);
      await exited;
      clearTimeout(t);
    }
    process.off("exit", killNow);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      killNow();
      reject(new Error(`tcpdump did not start within ${timeoutMs / 1000} s: ${err.trim()}`));
    }, timeoutMs);
    proc.stderr!.on("data", (d: Buffer) => {
      err += d.toString();
      if (/listening on/.test(err)) {
        clearTimeout(timer);
        resolve({ proc, stderr: () => err, stop });
      }
    });
    proc.once("error", (e) => {
      clearTimeout(timer);
      process.off("exit", killNow);
      reject(new Error(`tcpdump could not be started: ${e.message}`));
    });
    proc.once("exit", (code) => {
      clearTimeout(timer);
      process.off("exit", killNow);
      reject(new Error(`tcpdump exited (${code}) before capturing: ${err.trim()}`));
    });
  });
}
