import { describe, expect, it } from "vitest";
import { LineRedactor } from "@/lib/redact";
import { redactLines } from "./redact-blob";

async function run(chunks: string[]) {
  const redactor = new LineRedactor();
  const out: Buffer[] = [];
  for await (const b of redactLines(
    (async function* () {
      for (const c of chunks) yield Buffer.from(c, "latin1");
    })(),
    redactor,
  ))
    out.push(b);
  return { text: Buffer.concat(out).toString("latin1"), report: redactor.report() };
}

describe("redactLines", () => {
  const log = [
    "2026-11-23T19:33:55.775Z info 7600 proxy url=http://svc:Sup3rS3cret!@proxy.acme.internal:3128, component=x",
    "2026-11-23T19:33:55.816Z [info][127.0.0.1:28000][7600][acme][prod][emg/items/1][127.0.0.1][demo-client][1e7a][plugins-middleware][sourceRequest][GET][][][][]",
    "",
  ].join("\n");

  it("removes credentials in URLs and keeps every other byte and line", async () => {
    const { text, report } = await run([log]);
    expect(text).not.toContain("Sup3rS3cret!");
    expect(text.split("\n")).toHaveLength(3);
    expect(text.split("\n")[1]).toBe(log.split("\n")[1]);
    expect(report.reduce((a, r) => a + r.count, 0)).toBe(1);
  });

  it("gives the same output whatever the chunking", async () => {
    const whole = (await run([log])).text;
    for (const size of [1, 3, 17, 64]) {
      const parts = log.match(new RegExp(`[\\s\\S]{1,${size}}`, "g"))!;
      expect((await run(parts)).text).toBe(whole);
    }
  });

  it("keeps bytes that are not UTF-8 as they were", async () => {
    const { text } = await run(["abc\xff\xfe\n"]);
    expect(Buffer.from(text, "latin1")).toEqual(Buffer.from([0x61, 0x62, 0x63, 0xff, 0xfe, 0x0a]));
  });
});

describe("redactLines on lines over 1 MiB", () => {
  const MiB = 1 << 20;
  const TOKEN = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2VuLXBheWxvYWQ.U2lnbmF0dXJlLW9mLXRoZS10b2tlbg";
  /** A log line of `size` bytes of `filler` with `secret` placed so that it starts at byte `at`. */
  const longLine = (size: number, filler: string, at: number, secret: string) => {
    const body = filler.repeat(Math.ceil(size / filler.length)).slice(0, size);
    return `2026-11-23T19:33:55.816Z info 7600 ${body.slice(0, at)}${secret}${body.slice(at)}`;
  };
  const chunked = (text: string, size: number) => text.match(new RegExp(`[\\s\\S]{1,${size}}`, "g"))!;

  const cases: Array<[string, string, string]> = [
    ["bearer token in quiet filler", "x", ` Authorization: Bearer ${TOKEN} `],
    ["bearer token among trigger words", ` {"key_id": 1, "name": "n"},`, ` Authorization: Bearer ${TOKEN} `],
    ["query api key in dense JSON", `{"api_key_id": "k1"}, `, ` GET /x?apikey=${TOKEN}&y=1 `],
    ["quoted secret longer than the context", "y", ` "client_secret": "${"S".repeat(200 * 1024)}${TOKEN}" `],
    ["unquoted token longer than the context", "z ", ` token=${"T".repeat(200 * 1024)}${TOKEN} `],
    ["URL credentials", ", ", ` http://svc-egress:${TOKEN}@proxy.acme.internal:3128 `],
  ];
  // Secrets placed across the 1 MiB read chunks and the redactor's own 1 MiB pieces.
  for (const [what, filler, secret] of cases) {
    for (const at of [MiB - 40, MiB - 10 - Math.floor(secret.length / 2), 2 * MiB + 7]) {
      it(`removes a ${what} at byte ${at} of a 3 MiB line`, async () => {
        const line = longLine(3 * MiB, filler, at, secret);
        const text = `first line\n${line}\nlast line password=hunter2\n`;
        for (const size of [MiB, 64 * 1024 + 3]) {
          const { text: out, report } = await run(chunked(text, size));
          expect(out).not.toContain(TOKEN);
          expect(out).not.toContain("hunter2");
          expect(out.split("\n")).toHaveLength(4);
          expect(out.startsWith("first line\n2026-11-23T19:33:55.816Z info 7600 ")).toBe(true);
          // Only the secret went: the line keeps (almost) all of its other bytes.
          expect(out.length).toBeGreaterThan(text.length - secret.length - 64);
          expect(report.flatMap((r) => r.lines)).toContain(2);
        }
      }, 30_000);
    }
  }

  it("keeps an innocent long line byte for byte, and streams it (output before the line ends)", async () => {
    const piece = "a".repeat(MiB);
    let fed = 0;
    let firstOutAt = -1;
    const source = (async function* () {
      for (let i = 0; i < 8; i++) {
        fed++;
        yield Buffer.from(piece, "latin1");
      }
      yield Buffer.from("\nnext\n");
    })();
    const out: Buffer[] = [];
    for await (const b of redactLines(source, new LineRedactor())) {
      if (firstOutAt < 0 && b.length) firstOutAt = fed;
      out.push(b);
    }
    expect(firstOutAt).toBeLessThan(4);
    expect(Buffer.concat(out).toString("latin1")).toBe(`${piece.repeat(8)}\nnext\n`);
  });

  it("blanks a long line inside a PEM block that began on the lines before", async () => {
    const text = `-----BEGIN PRIVATE KEY-----\n${"Q".repeat(2 * MiB)}\n-----END PRIVATE KEY-----\nafter\n`;
    const { text: out } = await run(chunked(text, MiB));
    expect(out).not.toContain("QQQQ");
    expect(out.split("\n")).toHaveLength(5);
    expect(out.endsWith("\nafter\n")).toBe(true);
  });
});
