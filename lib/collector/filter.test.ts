import { describe, expect, it } from "vitest";
import { parseGatewayConfig } from "@/lib/parsers/config";
import { buildFilter, resolveTargets, targetsOf } from "./filter";

const cfg = (urls: string[]) => {
  const r = parseGatewayConfig(
    [
      "edgemicro:",
      "  port: 8000",
      "proxies:",
      ...urls.flatMap((u, i) => [`  - name: p${i}`, `    base_path: /p${i}`, `    url: '${u}'`]),
      "",
    ].join("\n"),
  );
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
};

describe("targetsOf + buildFilter", () => {
  it("one host:port pair per distinct target, default ports by scheme", () => {
    const t = targetsOf(
      cfg(["http://10.0.0.5:8080/a", "https://10.0.0.6/b", "http://10.0.0.5:8080/c", "http://10.0.0.5:9090/"]),
    );
    expect(t).toEqual([
      { host: "10.0.0.5", port: 8080 },
      { host: "10.0.0.6", port: 443 },
      { host: "10.0.0.5", port: 9090 },
    ]);
    expect(buildFilter(t.map((x) => ({ ...x, addresses: [x.host] })))).toBe(
      "tcp and ((host 10.0.0.5 and port 8080) or (host 10.0.0.6 and port 443) or (host 10.0.0.5 and port 9090))",
    );
  });

  it("IPv6 literals lose their URL brackets", () => {
    const t = targetsOf(cfg(["http://[::1]:9000/", "http://[2001:db8::7]/"]));
    expect(t).toEqual([
      { host: "::1", port: 9000 },
      { host: "2001:db8::7", port: 80 },
    ]);
    expect(buildFilter(t.map((x) => ({ ...x, addresses: [x.host] })))).toBe(
      "tcp and ((host ::1 and port 9000) or (host 2001:db8::7 and port 80))",
    );
  });

  it("hostnames are matched by every address they resolve to; an unresolved one by its port", async () => {
    const t = targetsOf(cfg(["http://orders.internal:8080/", "http://Gone.Example:7000/", "http://127.0.0.2:9000/"]));
    const lookups: string[] = [];
    const resolved = await resolveTargets(t, async (h) => {
      lookups.push(h);
      if (h === "orders.internal") return ["10.1.1.1", "fd00::1"];
      throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
    });
    expect(lookups).toEqual(["orders.internal", "gone.example"]); // literals are not looked up
    expect(buildFilter(resolved)).toBe(
      "tcp and (((host 10.1.1.1 or host fd00::1) and port 8080) or (port 7000) or (host 127.0.0.2 and port 9000))",
    );
  });

  it("a single target needs no outer parentheses; no target is an error", () => {
    expect(buildFilter([{ host: "h", port: 1, addresses: ["127.0.0.9"] }])).toBe("tcp and (host 127.0.0.9 and port 1)");
    expect(() => buildFilter([])).toThrow(/no target/);
  });
});
