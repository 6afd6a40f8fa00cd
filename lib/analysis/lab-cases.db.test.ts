/**
 * Single lab recordings (scripts/lab) whose bundles show one behaviour each: a target named differently by log and
 * capture, a capture rotated or cut by its snap length, a Keep-Alive header, a url scheme that does not match the
 * target, TLS handshakes, a skewed clock, and the log alone where it must speak for the capture. lab.db.test.ts holds
 * every recording's verdict against tshark's truth.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, type TestEnv } from "@/lib/testing/test-db";
import { parseQueued, queueBundle } from "@/lib/testing/worker";
import { getIncidentView } from "@/lib/incidents/view";
import { getClockAlignment } from "@/lib/incidents/clock";
import { IncidentView } from "@/lib/api/incident-schema";
import { snapCut, splitPcap } from "@/lib/testing/capture";
import { readFileCounts } from "@/lib/api/file-counts";
import { PARTIAL } from "@/lib/testing/lab-variants";
import { loadLabFixture } from "./lab-truth";

/** A capture taken with `tcpdump -s 96` (old tcpdump's default): payloads, HTTP heads included, cut. */
const SNAP = 96;
/** The recordings read whole, and those read from their log and config alone (`NAME/log`). */
const WHOLE = [
  "race-1s",
  "keepalive-hint",
  "scheme-http-to-tls",
  "scheme-https-to-plain",
  "premature-3",
  "tls-old-protocol",
  "tls-self-signed",
  "random-105",
];
const LOG_ONLY = [
  "tls-old-protocol",
  "scheme-https-to-plain",
  "blackhole-connect",
  "blackhole",
  "mid-response-fin",
  "mid-response-rst",
];

let t: TestEnv;
const ids = new Map<string, string>();
beforeAll(async () => {
  t = await openTestDb();
  const upload = async (key: string, files: string[]) => ids.set(key, await queueBundle(t, files));
  const dir = mkdtempSync(path.join(os.tmpdir(), "lab-cases-"));
  for (const name of WHOLE) await upload(name, loadLabFixture(name).files);
  for (const name of LOG_ONLY) await upload(`${name}/log`, loadLabFixture(name).files.filter(PARTIAL.log));
  const race = loadLabFixture("race-1s").files;
  await upload(
    `race-1s@s${SNAP}`,
    race.map((f) => {
      if (!f.endsWith(".pcap")) return f;
      const out = path.join(dir, `snap-${path.basename(f)}`);
      writeFileSync(out, snapCut(new Uint8Array(readFileSync(f)), SNAP));
      return out;
    }),
  );
  // race-1s as it would be had the config named the target by host name: the log then says orders.internal:9000,
  // the capture still 127.0.0.2:9000 (the files' text with that one name replaced).
  await upload(
    "named",
    race.map((f) => {
      const out = path.join(dir, `named-${path.basename(f)}`);
      const data = readFileSync(f);
      writeFileSync(
        out,
        f.endsWith(".pcap") ? data : data.toString("utf8").replaceAll("127.0.0.2:9000", "orders.internal:9000"),
      );
      return out;
    }),
  );
  // race-1s as a rotating capture (tcpdump -C) would leave it: 16 files of 40 packets, connections cut at each seam.
  await upload(
    "race-1s/rotated16",
    race.flatMap((f) => {
      if (!f.endsWith(".pcap")) return [f];
      return splitPcap(new Uint8Array(readFileSync(f)), 40).map((part, i) => {
        const out = path.join(dir, `race-1s-part${String(i).padStart(2, "0")}.pcap`);
        writeFileSync(out, part);
        return out;
      });
    }),
  );
  await parseQueued(t.handle.prisma, t.dataDir);
}, 300_000);
afterAll(async () => t?.cleanup());

const diagnosisOf = async (id: string) =>
  IncidentView.parse(await getIncidentView(t.handle.prisma, ids.get(id)!)).diagnosis;
const targetVerdict = async (id: string, target: string) =>
  (await diagnosisOf(id)).targets.find((x) => x.target === target)!;

describe("a target the log names by host name and the capture by address", () => {
  it("is one target, with the capture's verdict and its 502s matched", async () => {
    const { truth } = loadLabFixture("race-1s");
    const view = IncidentView.parse(await getIncidentView(t.handle.prisma, ids.get("named")!));
    expect(view.targets.map((x) => x.target)).toEqual(["orders.internal:9000"]);
    const [v] = view.diagnosis.targets;
    expect(v).toMatchObject({ target: "orders.internal:9000", cause: "keepalive-mismatch", confidence: "high" });
    expect(Math.abs(v.idleTimeoutMs! - 1000)).toBeLessThan(100);
    expect(v.explains502).toBe(truth.log.status502);
  });
});

// 16 files of 40 packets (what tcpdump -C leaves, at an extreme rate): each file is read on its own, so a race whose
// idle close lies in one file and its reused request in the next is told by neither. Its 502 is then not explained, and
// the verdict says the cause it sees at medium, never a premature close for what the capture entered mid-way.
describe("a capture rotated into many files (race-1s in 16 files of 40 packets)", () => {
  it("calls no connection the capture entered mid-way premature, and keeps the cause at medium", async () => {
    const id = ids.get("race-1s/rotated16")!;
    const rows = await t.handle.prisma.tcpConnection.findMany({
      where: { incidentId: id },
      select: { classCode: true },
    });
    const count = (cls: string) => rows.filter((r) => r.classCode === cls).length;
    expect(count("premature-close")).toBe(0);
    expect(count("keepalive-race")).toBeGreaterThan(0);
    const view = IncidentView.parse(await getIncidentView(t.handle.prisma, id));
    expect(view.diagnosis.verdict).toMatchObject({ cause: "keepalive-mismatch", confidence: "medium" });
    const [v] = view.diagnosis.targets;
    const unexplained = v.evidence
      .map((e) => /^(\d+) socket hang up \/ ECONNRESET no close on the wire accounts for/.exec(e.label)?.[1])
      .find(Boolean);
    expect(v.explains502 + Number(unexplained)).toBe(loadLabFixture("race-1s").truth.log.status502);
  });
});

describe("a capture cut by its snap length", () => {
  it("says so in the capture's warnings, with the frame and the bytes kept", async () => {
    const f = await t.handle.prisma.bundleFile.findFirstOrThrow({
      where: { incidentId: ids.get(`race-1s@s${SNAP}`)!, kind: "pcap" },
    });
    const w = readFileCounts(f.counts).warnings?.[0];
    // tshark -r capture.pcap -c 5 -T fields -e frame.number -e tcp.len -e tcp.hdr_len: frame 4 is the first with a
    // payload, 366 bytes; 96 - 20 (Linux cooked v2) - 20 (IP) - 32 (TCP) = 24 are kept.
    expect(w).toMatchObject({ code: "snap-length" });
    expect(w?.message).toMatch(/first at frame 4: 24 of 366 bytes kept/);
  });
});

// The target of keepalive-hint answers with `Keep-Alive: timeout=2` (34 responses in capture.pcap): the header is read
// from the capture's exchanges, stored in the target's profile, and reaches the diagnosis as evidence of that target.
describe("lab recording keepalive-hint: the target's Keep-Alive header", () => {
  it("reaches the target's profile and the troubleshooting flow", async () => {
    const view = (await getIncidentView(t.handle.prisma, ids.get("keepalive-hint")!))!;
    const target = view.targets.find((x) => x.target === "127.0.0.2:9000")!;
    expect(target.profile?.keepAliveHeaderS).toBe(2);
    const verdict = view.diagnosis.targets.find((x) => x.target === "127.0.0.2:9000")!;
    expect(verdict.evidence.map((e) => e.label)).toContain("the target announces Keep-Alive: timeout=2");
  });
  it("is absent where the target sends no Keep-Alive header", async () => {
    const view = (await getIncidentView(t.handle.prisma, ids.get("race-1s")!))!;
    expect(view.targets.map((x) => x.profile?.keepAliveHeaderS ?? null).every((s) => s === null)).toBe(true);
  });
});

// The proxy's url scheme against what the target speaks at 127.0.0.3:9443. scheme-http-to-tls: plain requests to a
// TLS server, each closed within a millisecond (`targetRequest error` lines with `[socket hang up][ECONNRESET]`: grep
// → 27, no 200 from it); scheme-https-to-plain: TLS hellos to a plain server that answers 400 (`targetRequest error`
// lines with `wrong version number` → 24).
describe("lab recordings scheme-http-to-tls and scheme-https-to-plain: the url's scheme does not match the target", () => {
  const verdictOf = (id: string) => targetVerdict(id, "127.0.0.3:9443");
  it("a target that answers nothing and closes on every request points at the url's scheme", async () => {
    const v = await verdictOf("scheme-http-to-tls");
    expect(v).toMatchObject({ cause: "premature-close", explains502: 27 });
    expect(v.summary).toMatch(/answered none of the requests the capture shows/);
    expect(v.fix!.notes.join(" ")).toMatch(/openssl s_client -connect 127\.0\.0\.3:9443/);
  });
  it("a target that closes without answering but answers others gets no such hint", async () => {
    const v = (await diagnosisOf("premature-3")).targets;
    const premature = v.filter((x) => x.cause === "premature-close");
    expect(premature.length).toBeGreaterThan(0);
    for (const x of premature) expect(x.summary).not.toMatch(/answered none/);
  });
  it("a TLS hello answered in plain HTTP is a TLS error whose fix names the scheme", async () => {
    const v = await verdictOf("scheme-https-to-plain");
    expect(v).toMatchObject({ cause: "tls-error", confidence: "high", explains502: 24 });
    expect(v.fix!.notes.join(" ")).toMatch(/wrong version number.*url must then say http:\/\//);
  });
});

// Where each handshake with https://127.0.0.3:9443 ended, told from the target's first bytes. tls-old-protocol: a
// target speaking only TLS 1.0–1.1 refuses every hello with an alert (tshark -Y 'tls.alert_message.desc == 70' → 27,
// 'tls.handshake.type == 2' → 0 ServerHellos; log: grep -c 'targetRequest error.*alert protocol version' → 27).
describe("lab recordings of TLS handshakes that end before the gateway's Finished", () => {
  const verdictOf = (id: string) => targetVerdict(id, "127.0.0.3:9443");
  const captureLabel = (v: Awaited<ReturnType<typeof verdictOf>>) =>
    v.evidence.map((e) => e.label).find((l) => /TLS handshake\(s\) not completed/.test(l));
  it("a hello the target refuses with an alert is told apart, and its fix names the TLS versions", async () => {
    const v = await verdictOf("tls-old-protocol");
    expect(v).toMatchObject({ cause: "tls-error", confidence: "high", explains502: 27 });
    expect(captureLabel(v)).toMatch(
      /^27 TLS handshake\(s\) not completed: the target refused the gateway's ClientHello with a TLS alert/,
    );
    const notes = v.fix!.notes.join(" ");
    expect(notes).toMatch(/TLS 1\.2 and 1\.3 only/);
    expect(notes).not.toMatch(/url must then say http/);
  });
  it("a plain HTTP answer and the gateway's own rejection are each said as such", async () => {
    expect(captureLabel(await verdictOf("scheme-https-to-plain"))).toMatch(
      /bytes that are not TLS \(a plain HTTP server\)/,
    );
    expect(captureLabel(await verdictOf("tls-self-signed"))).toMatch(
      /after the target's hello and certificate the gateway sent no Finished/,
    );
  });
  it("without the capture, the log's EPROTO message tells a refused hello from a plain HTTP answer", async () => {
    const refused = await verdictOf("tls-old-protocol/log");
    expect(refused).toMatchObject({ cause: "tls-error", confidence: "high", explains502: 27 });
    expect(refused.summary).toMatch(/EPROTO \(TLS alert\) × 27/);
    expect(refused.fix!.notes.join(" ")).toMatch(/TLS 1\.2 and 1\.3 only/);
    expect(refused.fix!.notes.join(" ")).not.toMatch(/url must then say http/);
    const plain = await verdictOf("scheme-https-to-plain/log");
    expect(plain).toMatchObject({ cause: "tls-error", confidence: "high", explains502: 24 });
    expect(plain.summary).toMatch(/EPROTO \(not TLS\) × 24/);
    expect(plain.fix!.notes.join(" ")).toMatch(/url must then say http/);
    expect(plain.fix!.notes.join(" ")).not.toMatch(/TLS 1\.2 and 1\.3 only/);
  });
});

// Blind world random-105: the capture runs 67.64 s ahead of the log (truth.clockSkew); 127.0.0.8:8443's clients gave up
// on 7 uploads (7 gateway closes, 7 × 502 `socket hang up` at level error), and 10.9.9.2:9009 dropped the SYNs of
// 8 connects (`connect ETIMEDOUT` × 8, logged when the kernel gave up, seconds after the last SYN captured).
describe("lab recording random-105: a skewed capture beside a target whose SYNs go unanswered", () => {
  it("detects the skew from the closes the log's failures mark, and names the client aborts", async () => {
    const id = ids.get("random-105")!;
    const clock = (await getClockAlignment(t.handle.prisma, id))!;
    const skewMs = loadLabFixture("random-105").truth.clockSkew!.captureMinusLogS * 1000;
    expect(Math.abs(clock.detectedOffsetMs! + skewMs)).toBeLessThan(50);
    expect(await targetVerdict("random-105", "127.0.0.8:8443")).toMatchObject({ cause: "healthy" });
  });
});

// 10.9.9.2:9009 drops SYNs. Its log lines: blackhole `[504][Gateway timed out trying to reach target]` after a
// `targetRequest error` of `socket hang up` / `ECONNRESET` (grep -c '\]\[504\]\[' → 8); blackhole-connect
// `[502][connect ETIMEDOUT 10.9.9.2:9009][ETIMEDOUT]` (grep -c 'connect ETIMEDOUT' on client lines → 8).
describe("lab recordings blackhole and blackhole-connect without their captures", () => {
  const verdictOf = (id: string) => targetVerdict(id, "10.9.9.2:9009");
  it("a connect that timed out is named by the log's message: the target was unreachable", async () => {
    expect(await verdictOf("blackhole-connect/log")).toMatchObject({ cause: "target-unreachable", explains502: 8 });
  });
  it("a 504 alone is a timeout whose fix says only a capture tells it from a connection that never opened", async () => {
    // Every request to it timed out: the log cannot say it was ever reachable, so the timeout is only a guess (low).
    const v = await verdictOf("blackhole/log");
    expect(v).toMatchObject({ cause: "gateway-timeout", confidence: "low", explains502: 8 });
    expect(v.summary).toMatch(/answering none of the gateway's requests: a target whose SYNs are dropped/);
    expect(v.fix!.notes.join(" ")).toMatch(/never opened/);
  });
});

// 127.0.0.2:9000 cut responses short. mid-response-fin: `[targetResponse error][GET][200][aborted][ECONNRESET]` and
// `[warn]…[targetResponse aborted][GET][200]`, no 502 (grep -c '\]\[aborted\]\[' → 5); mid-response-rst: the same two
// lines after a `targetRequest error` `read ECONNRESET` and the client-facing 502 (grep -c '\]\[502\]\[' → 14).
describe("lab recordings mid-response-fin and mid-response-rst without their captures", () => {
  const verdictOf = (id: string) => targetVerdict(id, "127.0.0.2:9000");
  it("responses cut short are the target's close after it had the request, at medium: a capture tells who closed", async () => {
    const fin = await verdictOf("mid-response-fin/log");
    expect(fin).toMatchObject({ cause: "premature-close", confidence: "medium" });
    expect(fin.summary).toMatch(/^5 response\(s\) from 127\.0\.0\.2:9000 were cut short/);
    expect(await verdictOf("mid-response-rst/log")).toMatchObject({
      cause: "premature-close",
      confidence: "medium",
      explains502: loadLabFixture("mid-response-rst").truth.log.status502,
    });
  });
});
