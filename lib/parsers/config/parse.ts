/**
 * Gateway configuration parser (docs/formats.md §2): YAML text → validated {@link GatewayConfig}.
 * Pure, no I/O. Untrusted input: size is checked before parsing, aliases are capped (billion
 * laughs), and every error carries the line of the offending YAML node when there is one.
 */
import { isMap, isScalar, LineCounter, parseDocument, visit, type Document, type YAMLError } from "yaml";
import type { z } from "zod";
import { GatewayConfigSchema, type RawGatewayConfig } from "./schema";
import {
  DEFAULT_MAX_CONFIG_BYTES,
  type ConfigIssue,
  type ConfigParseOptions,
  type ConfigParseResult,
  type GatewayConfig,
  type GatewayConfigLines,
  type ProxyTarget,
} from "./types";

/** A real config uses none; a few are tolerated, an alias bomb is refused. */
export const MAX_ALIAS_COUNT = 50;

/** Flow collections (`[`, `{`) nested deeper than this are refused before parsing. */
export const MAX_FLOW_DEPTH = 64;

/**
 * Rough flow-nesting depth (quotes are not tracked, so it can only over-count strings holding
 * brackets). `[[[[…` a million deep otherwise costs the YAML parser seconds and a stack overflow.
 */
function flowDepthExceeds(text: string, limit: number): number | null {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return i;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return null;
}

/**
 * Duplicate keys, found in one pass (the library's own `uniqueKeys` check is quadratic in the
 * size of a mapping: seconds for a 20 000-key file).
 */
function duplicateKeys(doc: Document, lc: LineCounter): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const k = pair.key.value;
        if (!seen.has(k)) {
          seen.add(k);
          continue;
        }
        const p = pair.key.range ? lc.linePos(pair.key.range[0]) : null;
        issues.push({
          line: p?.line ?? null,
          column: p?.col ?? null,
          code: "yaml-DUPLICATE_KEY",
          message: `Map keys must be unique: ${String(k).slice(0, 80)} repeats`,
        });
        if (issues.length >= 20) return visit.BREAK;
      }
      return undefined;
    },
  });
  return issues;
}

/** UTF-8 byte length, stopping as soon as it exceeds `limit`. */
function utf8LengthExceeds(text: string, limit: number): boolean {
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
    if (bytes > limit) return true;
  }
  return false;
}

type Path = ReadonlyArray<string | number>;

/** Line and column (1-based) of the node at `path`, or of its nearest existing ancestor. */
function locate(doc: Document, lc: LineCounter, path: Path): { line: number; column: number } | null {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) {
      const p = lc.linePos(range[0]);
      return { line: p.line, column: p.col };
    }
  }
  return null;
}

/** Where the first alias (`*name`) is used: the place to look at in an alias bomb. */
function firstAlias(doc: Document, lc: LineCounter): { line: number; column: number } | null {
  let at: { line: number; column: number } | null = null;
  visit(doc, {
    Alias(_k, node) {
      if (node.range) {
        const p = lc.linePos(node.range[0]);
        at = { line: p.line, column: p.col };
      }
      return visit.BREAK;
    },
  });
  return at;
}

/** Line of the key of the pair at `path` (a key's line is where a reader looks for it). */
function keyLine(doc: Document, lc: LineCounter, path: Path): number | undefined {
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === path[path.length - 1]);
  const range = (pair?.key as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? lc.linePos(range[0]).line : undefined;
}

function firstLine(message: string): string {
  return message
    .split("\n")[0]
    .replace(/\s+at line \d+, column \d+:?\s*$/, "")
    .trim();
}

function yamlIssue(e: YAMLError): ConfigIssue {
  const pos = e.linePos?.[0];
  return { line: pos?.line ?? null, column: pos?.col ?? null, message: firstLine(e.message), code: `yaml-${e.code}` };
}

function schemaIssues(doc: Document, lc: LineCounter, issues: z.core.$ZodIssue[]): ConfigIssue[] {
  return issues.map((iss) => {
    const at = locate(doc, lc, iss.path as Path);
    const where = iss.path.length ? iss.path.join(".") : "(document)";
    return { line: at?.line ?? null, column: at?.column ?? null, message: `${where}: ${iss.message}`, code: "schema" };
  });
}

const DEFAULT_PORTS: Record<string, number> = { "http:": 80, "https:": 443 };

/** `http://127.0.0.1:28081/` → `{scheme: "http", host: "127.0.0.1", port: 28081}`. */
export function targetOf(url: string): ProxyTarget | null {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return null;
  }
  const def = DEFAULT_PORTS[u.protocol];
  if (def === undefined || !u.hostname) return null;
  const host = u.hostname.startsWith("[") ? u.hostname.slice(1, -1) : u.hostname;
  return { scheme: u.protocol.slice(0, -1), host, port: u.port ? Number(u.port) : def };
}

/** `…/organization/acme/environment/prod` → `{org: "acme", env: "prod"}`. */
export function orgEnvOf(bootstrap: string | null | undefined): { org: string | null; env: string | null } {
  const m = /\/organization\/([^/?#\s]+)\/environment\/([^/?#\s]+)/.exec(bootstrap ?? "");
  if (!m || m[1].includes("%s") || m[2].includes("%s")) return { org: null, env: null };
  return { org: decodeURIComponent(m[1]), env: decodeURIComponent(m[2]) };
}

function build(raw: RawGatewayConfig, doc: Document, lc: LineCounter, warnings: ConfigIssue[]): GatewayConfig {
  const em = raw.edgemicro ?? {};
  const lines: GatewayConfigLines = {};
  const put = (k: keyof GatewayConfigLines, path: Path) => {
    const l = keyLine(doc, lc, path);
    if (l !== undefined) lines[k] = l;
  };
  put("edgemicro", ["edgemicro"]);
  put("port", ["edgemicro", "port"]);
  put("keepAliveTimeout", ["edgemicro", "keep_alive_timeout"]);
  put("requestTimeout", ["edgemicro", "request_timeout"]);
  put("maxConnections", ["edgemicro", "max_connections"]);
  put("loggingLevel", ["edgemicro", "logging", "level"]);
  put("pluginsSequence", ["edgemicro", "plugins", "sequence"]);
  put("bootstrap", ["edge_config", "bootstrap"]);
  put("proxies", ["proxies"]);
  put("targets", ["targets"]);

  if (raw.edgemicro == null)
    warnings.push({
      line: null,
      column: null,
      message: "No edgemicro section: gateway defaults apply",
      code: "no-edgemicro",
    });
  if (em.keep_alive_timeout == null) {
    warnings.push({
      line: lines.edgemicro ?? null,
      column: null,
      code: "keep-alive-default",
      message: "edgemicro.keep_alive_timeout is not set: Node's default of 5000 ms applies to client connections",
    });
  }

  const proxies = (raw.proxies ?? []).map((p, i) => {
    const line = locate(doc, lc, ["proxies", i])?.line ?? null;
    const target = targetOf(p.url);
    if (!target)
      warnings.push({
        line,
        column: null,
        code: "proxy-url",
        message: `proxies.${i}.url is not an absolute http(s) URL; target unknown`,
      });
    return {
      name: p.name == null ? null : String(p.name),
      base_path: p.base_path,
      url: p.url,
      revision: p.revision == null ? null : String(p.revision),
      max_connections: p.max_connections ?? null,
      timeout: p.timeout ?? null,
      target,
      line,
    };
  });
  const seen = new Map<string, number>();
  proxies.forEach((p, i) => {
    const prev = seen.get(p.base_path);
    if (prev !== undefined)
      warnings.push({
        line: p.line,
        column: null,
        code: "duplicate-base-path",
        message: `proxies.${i} repeats base_path ${p.base_path} of proxies.${prev}`,
      });
    else seen.set(p.base_path, i);
  });

  const targets = (raw.targets ?? []).map((t, i) => ({
    host: t.host,
    ssl: t.ssl ? { ...t.ssl } : null,
    line: locate(doc, lc, ["targets", i])?.line ?? null,
  }));

  const lg = em.logging ?? {};
  return {
    ...orgEnvOf(raw.edge_config?.bootstrap),
    edgemicro: {
      port: em.port ?? null,
      keep_alive_timeout: em.keep_alive_timeout ?? null,
      request_timeout: em.request_timeout ?? null,
      max_connections: em.max_connections ?? null,
      logging: {
        level: lg.level ?? null,
        dir: lg.dir ?? null,
        stats_log_interval: lg.stats_log_interval ?? null,
        rotate_interval: lg.rotate_interval ?? null,
        stack_trace: lg.stack_trace ?? null,
      },
      plugins: { sequence: em.plugins?.sequence ?? [] },
    },
    proxies,
    targets,
    lines,
  };
}

export function parseGatewayConfig(text: string, opts: ConfigParseOptions = {}): ConfigParseResult {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_CONFIG_BYTES;
  if (utf8LengthExceeds(text, maxBytes)) {
    return {
      ok: false,
      errors: [
        {
          line: null,
          column: null,
          code: "too-large",
          message: `Config is larger than ${maxBytes} bytes; a gateway config is a few KiB. Not parsed.`,
        },
      ],
    };
  }
  const lc = new LineCounter();
  const deep = flowDepthExceeds(text, MAX_FLOW_DEPTH);
  if (deep !== null) {
    const line = text.slice(0, deep).split("\n").length;
    return {
      ok: false,
      errors: [
        {
          line,
          column: null,
          code: "too-deep",
          message: `Flow collections nest deeper than ${MAX_FLOW_DEPTH} levels. Not parsed.`,
        },
      ],
    };
  }
  const doc = parseDocument(text, { prettyErrors: true, lineCounter: lc, uniqueKeys: false });
  if (doc.errors.length) return { ok: false, errors: doc.errors.slice(0, 20).map(yamlIssue) };
  const dups = duplicateKeys(doc, lc);
  if (dups.length) return { ok: false, errors: dups };
  const warnings = doc.warnings.map(yamlIssue);

  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const bomb = e instanceof ReferenceError || /alias/i.test(String(e));
    const at = bomb ? firstAlias(doc, lc) : null;
    return {
      ok: false,
      errors: [
        {
          line: at?.line ?? null,
          column: at?.column ?? null,
          code: bomb ? "yaml-alias-limit" : "yaml-convert",
          message: bomb
            ? `YAML aliases expand too much (limit ${MAX_ALIAS_COUNT}); refusing a possible alias bomb`
            : `YAML could not be converted: ${firstLine(e instanceof Error ? e.message : String(e))}`,
        },
      ],
    };
  }
  if (js == null || typeof js !== "object" || Array.isArray(js)) {
    const at = locate(doc, lc, []);
    return {
      ok: false,
      errors: [
        {
          line: at?.line ?? null,
          column: at?.column ?? null,
          code: "not-a-mapping",
          message: "The config must be a YAML mapping (key: value) at the top level",
        },
      ],
    };
  }
  const parsed = GatewayConfigSchema.safeParse(js);
  if (!parsed.success) return { ok: false, errors: schemaIssues(doc, lc, parsed.error.issues) };
  return { ok: true, config: build(parsed.data, doc, lc, warnings), warnings };
}
