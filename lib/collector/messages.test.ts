import { describe, expect, it } from "vitest";
import { parseArgs } from "./args";
import { CAPTURE_RESERVE_BYTES, preflightProblems } from "./preflight";

const facts = { uid: 0, tcpdump: "/usr/bin/tcpdump", freeBytes: 10 * 1024 ** 3, outDir: "/root" };

describe("preflight messages", () => {
  it("all is well as root with tcpdump and space", () => {
    expect(preflightProblems(facts, { capture: true, bundleBytes: 1000 })).toEqual([]);
  });
  it("not root: says to use sudo or --no-capture", () => {
    expect(preflightProblems({ ...facts, uid: 1000 }, { capture: true, bundleBytes: 0 })).toEqual([
      "Capturing needs root: run the command with sudo, or run with --no-capture to send logs and config only.",
    ]);
    expect(preflightProblems({ ...facts, uid: 1000 }, { capture: false, bundleBytes: 0 })).toEqual([]);
  });
  it("tcpdump missing: how to install it", () => {
    expect(preflightProblems({ ...facts, tcpdump: null }, { capture: true, bundleBytes: 0 })[0]).toMatch(
      /^tcpdump is not installed.*apt-get install tcpdump.*--no-capture/,
    );
  });
  it("disk space: free and needed, in MB", () => {
    const p = preflightProblems(
      { ...facts, freeBytes: 50 * 1024 * 1024 },
      { capture: true, bundleBytes: 10 * 1024 * 1024 },
    );
    expect(p).toEqual([
      `Not enough disk space in /root: 50 MB free, about ${10 + CAPTURE_RESERVE_BYTES / 1024 / 1024} MB needed. Free some space or run from another directory (--out DIR/FILE.tar.gz).`,
    ]);
  });
});

describe("argument messages", () => {
  it("defaults and flags", () => {
    expect(parseArgs([])).toMatchObject({ durationS: 600, until502: null, capture: true, logsAndConfig: true });
    expect(
      parseArgs(["--capture-only", "--until-502", "3", "--duration", "60", "--upload", "http://127.0.0.1/u/t"]),
    ).toMatchObject({
      capture: true,
      logsAndConfig: false,
      until502: 3,
      durationS: 60,
      upload: "http://127.0.0.1/u/t",
    });
  });
  it("says what is wrong", () => {
    expect(() => parseArgs(["--until-502", "0"])).toThrow('--until-502 needs a whole number above 0, not "0".');
    expect(() => parseArgs(["--duration"])).toThrow(/--duration needs a value/);
    expect(() => parseArgs(["--capture-only", "--no-capture"])).toThrow(/leave nothing to gather/);
    expect(() => parseArgs(["--no-capture", "--until-502", "2"])).toThrow(/no meaning with --no-capture/);
    expect(() => parseArgs(["--frobnicate"])).toThrow(/^Unknown option --frobnicate/);
  });
});
