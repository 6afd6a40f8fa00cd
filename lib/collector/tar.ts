/**
 * A minimal ustar writer: the collector must run with nothing but Node, so no tar package. Regular files
 * only, names up to 100 bytes (the collector names its entries itself), then gzip with node:zlib.
 */
import zlib from "node:zlib";

export interface TarEntry {
  name: string;
  data: Buffer;
  mtime?: Date;
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, "0") + "\0";
}

function header(e: TarEntry): Buffer {
  const name = Buffer.from(e.name, "utf8");
  if (name.length > 100) throw new Error(`tar entry name longer than 100 bytes: ${e.name}`);
  const h = Buffer.alloc(512);
  name.copy(h, 0);
  h.write(octal(0o644, 8), 100, "ascii");
  h.write(octal(0, 8), 108, "ascii");
  h.write(octal(0, 8), 116, "ascii");
  h.write(octal(e.data.length, 12), 124, "ascii");
  h.write(octal(Math.floor((e.mtime ?? new Date()).getTime() / 1000), 12), 136, "ascii");
  h.write("        ", 148, "ascii"); // checksum counted as spaces
  h.write("0", 156, "ascii");
  h.write("ustar\0", 257, "ascii");
  h.write("00", 263, "ascii");
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + " ", 148, "ascii");
  return h;
}

export function tarBuffer(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(header(e), e.data);
    const pad = (512 - (e.data.length % 512)) % 512;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(1024)); // end of archive: two zero blocks
  return Buffer.concat(parts);
}

export function tarGz(entries: TarEntry[]): Buffer {
  return zlib.gzipSync(tarBuffer(entries));
}
