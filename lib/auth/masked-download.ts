import "server-only";
import { Transform, type Readable } from "node:stream";
import { maskLine } from "@/lib/explore/mask";

/**
 * A stored gateway log as a share-link visitor may download it: the same bytes, except the CLIENT_ID
 * (x-api-key) field of every event line is masked, as in every other shared view. Lines are handled as
 * latin1 so bytes outside ASCII pass through unchanged.
 */
export function maskClientIdsInLog(source: Readable): Readable {
  let rest: Buffer = Buffer.alloc(0);
  const mask = (line: Buffer) => Buffer.from(maskLine(line.toString("latin1")), "latin1");
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      const last = buf.lastIndexOf(0x0a);
      if (last < 0) {
        rest = buf;
        return done();
      }
      rest = Buffer.from(buf.subarray(last + 1));
      const out: Buffer[] = [];
      let start = 0;
      for (let nl = buf.indexOf(0x0a, start); nl >= 0 && nl <= last; nl = buf.indexOf(0x0a, start)) {
        out.push(mask(buf.subarray(start, nl)), Buffer.from("\n"));
        start = nl + 1;
      }
      done(null, Buffer.concat(out));
    },
    flush(done) {
      done(null, rest.length ? mask(rest) : undefined);
    },
  });
  source.on("error", (e) => t.destroy(e));
  // A download the visitor cancels destroys `t`; pipe() would only unpipe, leaving the file open.
  t.on("close", () => source.destroy());
  return source.pipe(t);
}
