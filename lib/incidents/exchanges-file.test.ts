import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SAMPLE_DIR } from "@/lib/testing/samples";
import { CaptureReader } from "@/lib/parsers/pcap";
import { trackAll, type HttpExchange } from "@/lib/analysis/tcp";
import { ExchangesSink, readExchanges, type ExchangesRef } from "./exchanges-file";

const dir = mkdtempSync(path.join(os.tmpdir(), "emg-exchanges-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The sample capture's connections' exchanges: 34. `tshark -r gw01-to-target.pcap -Y http.request | wc -l` → 25
 * requests, 3 unanswered (the races); the target's payloads hold 31 status lines (`-Y 'tcp.srcport==28081 &&
 * tcp.len>0' -T fields -e tcp.payload | tr -d '\n' | xxd -r -p | grep -ao 'HTTP/1.1 [0-9]*' | wc -l`), 9 of them a
 * second answer to a chunked POST (the sample target answers its chunk too): 25 + 9 = 34.
 */
function sampleExchanges(): HttpExchange[][] {
  const r = new CaptureReader();
  const packets = [...r.push(new Uint8Array(readFileSync(path.join(SAMPLE_DIR, "gw01-to-target.pcap")))), ...r.end()];
  return trackAll(packets, { targets: [{ host: "127.0.0.1", port: 28081 }] }).map((c) => c.exchanges);
}

/** Every field set, each to a value no other field has, so fields read back in the wrong place cannot pass. */
const everyField: HttpExchange = {
  method: "POST",
  path: '/q?name="ünïcode"&x=\\1',
  reqTsUs: 1_700_000_000_000_001,
  reqFrame: 2,
  status: 502,
  respTsUs: 1_700_000_000_000_003,
  respFrame: 4,
  connectionHeader: "close",
  keepAliveTimeoutS: 5,
  contentLength: 6,
  chunked: true,
  complete: false,
  reqAckedUs: 1_700_000_000_000_007,
  responseBytes: 8,
  prevActivityUs: 1_700_000_000_000_009,
  invalidResponse: "HTTP/1.1 abc OK",
  answerLost: true,
};

function write(file: string, lists: HttpExchange[][]): Array<ExchangesRef | null> {
  const sink = new ExchangesSink(file);
  const refs = lists.map((l) => sink.add(l));
  sink.flush();
  return refs;
}

describe("a capture's exchanges file", () => {
  it("reads back every connection's exchanges as the parser made them", async () => {
    const lists = sampleExchanges();
    expect(lists.flat()).toHaveLength(34);
    const all = [...lists, [everyField]];
    const refs = write(path.join(dir, "sample.exchanges"), all);
    const back = await readExchanges(
      path.join(dir, "sample.exchanges"),
      refs.filter((r): r is ExchangesRef => r !== null),
    );
    // As JSON has them: the optional fields absent where the parser left them out.
    expect(back).toStrictEqual(JSON.parse(JSON.stringify(all.filter((l) => l.length > 0))));
  });

  it("writes nothing for a connection without exchanges", () => {
    const file = path.join(dir, "none.exchanges");
    expect(write(file, [[]])).toEqual([null]);
    expect(statSync(file).size).toBe(0);
  });

  it("reads files written before, one object per exchange, as before", async () => {
    const file = path.join(dir, "objects.exchanges");
    const lists = [...sampleExchanges().filter((l) => l.length > 0), [everyField]];
    const refs: ExchangesRef[] = [];
    let at = 0;
    appendFileSync(file, "");
    for (const l of lists) {
      const json = JSON.stringify(l);
      appendFileSync(file, json + "\n");
      refs.push({ at, bytes: Buffer.byteLength(json) });
      at += Buffer.byteLength(json) + 1;
    }
    expect(await readExchanges(file, refs)).toStrictEqual(JSON.parse(JSON.stringify(lists)));
  });

  it("takes less than half the bytes of the exchanges as objects", () => {
    const lists = sampleExchanges();
    write(path.join(dir, "size.exchanges"), lists);
    const asObjects = lists
      .filter((l) => l.length > 0)
      .reduce((n, l) => n + Buffer.byteLength(JSON.stringify(l)) + 1, 0);
    expect(statSync(path.join(dir, "size.exchanges")).size).toBeLessThan(asObjects / 2);
  });
});
