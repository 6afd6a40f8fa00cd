import { describe, expect, it } from "vitest";
import { LineRedactor } from "@/lib/redact";
import { redactLines } from "./redact-blob";

async function run(chunks: string[]) {
  const redactor = new LineRedactor();
  const out: Buffer[] = [];
  for await (const b of redactLines((async function* () { for (const c of chunks) yield Buffer.from(c, "latin1"); })(), redactor)) out.push(b);
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
