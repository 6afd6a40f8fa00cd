/** Builders of (hostile) archives for tests: a minimal zip writer and tar-stream packing. Test-only. */
import { createWriteStream } from "node:fs";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { crc32, createGzip, deflateRawSync } from "node:zlib";
import * as tar from "tar-stream";

export interface ZipEntrySpec {
  name: string;
  data: Buffer;
  deflate?: boolean;
  unixMode?: number;
}

/** A zip with the given entries (stored or deflated), names and unix modes as given, no validation. */
export function makeZip(entries: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let off = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, "utf8");
    const body = e.deflate ? deflateRawSync(e.data) : e.data;
    const crc = crc32(e.data);
    /** The fields the central header repeats from the local one: version needed to the name length, from `at`. */
    const writeShared = (h: Buffer, at: number) => {
      h.writeUInt16LE(20, at);
      h.writeUInt16LE(0x800, at + 2);
      h.writeUInt16LE(e.deflate ? 8 : 0, at + 4);
      h.writeUInt32LE(crc, at + 10);
      h.writeUInt32LE(body.length, at + 14);
      h.writeUInt32LE(e.data.length, at + 18);
      h.writeUInt16LE(name.length, at + 22);
    };
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    writeShared(lh, 4);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE((3 << 8) | 20, 4);
    writeShared(ch, 6);
    ch.writeUInt32LE(((e.unixMode ?? 0o100644) << 16) >>> 0, 38);
    ch.writeUInt32LE(off, 42);
    locals.push(lh, name, body);
    centrals.push(ch, name);
    off += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(off, 16);
  return Buffer.concat([...locals, cd, end]);
}

export type TarEntrySpec = { header: Partial<tar.Header> & { name: string }; data?: Buffer };

export async function makeTar(file: string, entries: TarEntrySpec[], gz = false): Promise<void> {
  const pack = tar.pack();
  const out = createWriteStream(file);
  const done = gz
    ? pipeline(pack as unknown as Readable, createGzip(), out)
    : pipeline(pack as unknown as Readable, out);
  for (const e of entries) {
    await new Promise<void>((res, rej) =>
      pack.entry(e.header as tar.Header, e.data ?? Buffer.alloc(0), (err) => (err ? rej(err) : res())),
    );
  }
  pack.finalize();
  await done;
}

/** A tar in memory (for fuzzing). */
export async function tarBuffer(entries: TarEntrySpec[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
  })();
  for (const e of entries) {
    await new Promise<void>((res, rej) =>
      pack.entry(e.header as tar.Header, e.data ?? Buffer.alloc(0), (err) => (err ? rej(err) : res())),
    );
  }
  pack.finalize();
  await collected;
  return Buffer.concat(chunks);
}
