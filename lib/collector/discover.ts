/**
 * Finds what the collector gathers on the gateway host: the config that runs and the event logs
 * (FORMATS.md §1, §2). Reads directories and files only; every choice comes with the reason, so the
 * customer is told which file was taken and why.
 */
import fs from "node:fs";
import path from "node:path";
import { parseGatewayConfig, type GatewayConfig } from "@/lib/parsers/config";

export const DEFAULT_LOG_DIR = "/var/tmp";

/** `edgemicro-HOST-UID-N-api.log` (3.x) and older `edgemicro-HOST-*.log`, plain or gzipped (`.gz`, `.log.1.gz`…). */
const LOG_NAME = /^edgemicro-.+\.log(\.\d+)?(\.gz)?$/;

export class CollectError extends Error {}

export interface FoundConfig {
  path: string;
  why: string;
  /** Other candidates, not taken. */
  others: string[];
  text: string;
  config: GatewayConfig | null;
}

/** The ORG-ENV-config.yaml that runs: `--config` if given, else the only (or newest) one in ~/.edgemicro. */
export function findConfig(opts: { configPath?: string; home: string }): FoundConfig {
  if (opts.configPath) {
    if (!fs.existsSync(opts.configPath))
      throw new CollectError(`The config given with --config does not exist: ${opts.configPath}`);
    return load(opts.configPath, "given with --config", []);
  }
  const dir = path.join(opts.home, ".edgemicro");
  const names = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  // default.yaml is the template `edgemicro init` writes; the gateway runs the merged ORG-ENV-config.yaml.
  const candidates = names
    .filter((n) => /^.+-.+-config\.ya?ml$/.test(n))
    .map((n) => path.join(dir, n))
    .map((p) => ({ p, mtime: fs.statSync(p).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime || a.p.localeCompare(b.p));
  if (candidates.length === 0) {
    const hint = names.includes("default.yaml")
      ? " (only default.yaml, which is a template, not the config that runs)"
      : "";
    throw new CollectError(`No ORG-ENV-config.yaml found in ${dir}${hint}. Give the config with --config PATH.`);
  }
  const [taken, ...rest] = candidates;
  const why = rest.length
    ? `newest of ${candidates.length} ORG-ENV-config.yaml files in ${dir} (pass --config to take another)`
    : `the only ORG-ENV-config.yaml in ${dir}`;
  return load(
    taken.p,
    why,
    rest.map((c) => c.p),
  );
}

function load(p: string, why: string, others: string[]): FoundConfig {
  const text = fs.readFileSync(p, "latin1");
  const parsed = parseGatewayConfig(text);
  return { path: p, why, others, text, config: parsed.ok ? parsed.config : null };
}

export interface FoundLogs {
  dir: string;
  why: string;
  files: string[];
}

/**
 * The gateway's event logs: in `edgemicro.logging.dir` of the config when set, else the documented default
 * /var/tmp (or `--log-dir`). Files of this host first when the host name is known; rotated and gzipped ones too.
 */
export function findLogs(opts: {
  logDir?: string;
  config: GatewayConfig | null;
  hostname?: string;
  defaultDir?: string;
}): FoundLogs {
  const fromConfig = opts.config?.edgemicro.logging.dir ?? null;
  const dir = opts.logDir ?? fromConfig ?? opts.defaultDir ?? DEFAULT_LOG_DIR;
  const why = opts.logDir
    ? "given with --log-dir"
    : fromConfig
      ? "edgemicro.logging.dir of the config"
      : `the default (edgemicro.logging.dir is not set in the config)`;
  if (!fs.existsSync(dir))
    throw new CollectError(
      `The log directory ${dir} (${why}) does not exist. Give the gateway's log directory with --log-dir DIR.`,
    );
  const all = fs.readdirSync(dir).filter((n) => LOG_NAME.test(n) && fs.statSync(path.join(dir, n)).isFile());
  // Another gateway's logs can share /var/tmp: keep this host's when it has any.
  const mine = opts.hostname ? all.filter((n) => n.startsWith(`edgemicro-${opts.hostname}-`)) : [];
  const files = (mine.length ? mine : all).sort().map((n) => path.join(dir, n));
  if (files.length === 0)
    throw new CollectError(
      `No gateway log (edgemicro-*-api.log) found in ${dir} (${why}). Give the gateway's log directory with --log-dir DIR.`,
    );
  return { dir, why, files };
}

/** Plain (not gzipped) logs, the ones the gateway appends to and the 502 watch reads. */
export const isLiveLog = (file: string) => !file.endsWith(".gz") && /-api\.log$|\.log$/.test(file);
