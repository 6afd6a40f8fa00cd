/** Synthesized gateway log for the benchmark and tests: level info, about five lines per transaction. */
import { createWriteStream } from "node:fs";
import { once } from "node:events";

export interface SynthLogOptions {
  /** Target host:port, used in turn (default one target). */
  targets?: string[];
  /** Log time the file spans (default 7 ms per transaction). */
  spanMs?: number;
}

/**
 * Writes `lines` lines (rounded up to a whole transaction); returns the count written. Every 20th
 * transaction fails with a 502 / ECONNRESET like the sample bundle, every 50th with a 504 / ETIMEDOUT;
 * the others answer 200 in 39–55 ms.
 */
export async function synthesizeLog(file: string, lines: number, opts: SynthLogOptions = {}): Promise<number> {
  const out = createWriteStream(file);
  const t0 = Date.parse("2026-11-23T19:00:00.000Z");
  const targets = opts.targets ?? ["10.9.9.9:8081"];
  const stepMs = opts.spanMs ? opts.spanMs / (lines / 5) : 7;
  let written = 0;
  for (let tx = 0; written < lines; tx++) {
    const id = `${(tx + 0x10000000).toString(16)}-4fa5-4dfe-abca-6d2852d5e513`;
    const base = t0 + Math.floor(tx * stepMs);
    const ts = (d: number) => new Date(base + d).toISOString();
    const target = targets[tx % targets.length];
    const pre = (d: number, lvl: string, host: string) =>
      `${ts(d)} [${lvl}][${host}][7600][acme][prod][emg_badtarget/items/${tx}][10.0.0.7][demo-client][${id}]`;
    const ms = 39 + (tx % 17);
    const rows =
      tx % 20 === 7
        ? [
            `${pre(0, "info", "10.1.2.3:8000")}[plugins-middleware][sourceRequest][GET][][][][]`,
            `${pre(1, "info", target)}[plugins-middleware][targetRequest][GET][][][][]`,
            `${pre(5, "error", target)}[plugins-middleware][targetRequest error][GET][][socket hang up][ECONNRESET][4]`,
            `${pre(5, "error", "10.1.2.3:8000")}[microgateway-core][][GET][502][socket hang up][ECONNRESET][]`,
          ]
        : tx % 50 === 13
          ? [
              `${pre(0, "info", "10.1.2.3:8000")}[plugins-middleware][sourceRequest][GET][][][][]`,
              `${pre(1, "info", target)}[plugins-middleware][targetRequest][GET][][][][]`,
              `${pre(3000, "error", "10.1.2.3:8000")}[microgateway-core][][GET][504][Gateway Timeout][ETIMEDOUT][3000]`,
            ]
          : [
              `${pre(0, "info", "10.1.2.3:8000")}[plugins-middleware][sourceRequest][GET][][][][]`,
              `${pre(1, "info", target)}[plugins-middleware][targetRequest][GET][][][][]`,
              `${pre(ms - 1, "info", target)}[plugins-middleware][targetResponse][GET][200][][][${ms - 2}]`,
              `${pre(ms, "info", "10.1.2.3:8000")}[plugins-middleware][sourceResponse][GET][200][][][${ms}]`,
              `${pre(ms + 1, "info", target)}[plugins-middleware][targetResponse close][GET][200][][][${ms}]`,
            ];
    written += rows.length;
    if (!out.write(rows.join("\n") + "\n")) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return written;
}
