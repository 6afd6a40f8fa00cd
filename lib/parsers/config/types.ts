/**
 * Types for the gateway configuration (docs/formats.md §2). Pure, no I/O.
 * Field names follow the YAML keys so they can be cited as written; line numbers are 1-based
 * lines of the YAML text, so the UI can cite config lines as evidence.
 */

/** A parse error or warning, located in the YAML text when possible. */
export interface ConfigIssue {
  line: number | null;
  column: number | null;
  message: string;
  /** `too-large`, `yaml-syntax`, `yaml-alias-limit`, `not-a-mapping`, `schema`, `YAML:<code>`, … */
  code: string;
}

export interface ProxyTarget {
  scheme: string;
  host: string;
  /** Explicit port, else 80 for http and 443 for https. */
  port: number;
}

export interface GatewayProxy {
  name: string | null;
  base_path: string;
  url: string;
  revision: string | null;
  max_connections: number | null;
  timeout: number | null;
  /** Parsed from `url`; null when `url` is not an absolute http(s) URL. */
  target: ProxyTarget | null;
  /** Line of the proxy entry in the YAML. */
  line: number | null;
}

export interface GatewayTarget {
  host: string;
  /** The `ssl` block as written (already redacted upstream), or null. */
  ssl: Record<string, unknown> | null;
  line: number | null;
}

export interface GatewayLogging {
  level: string | null;
  dir: string | null;
  stats_log_interval: number | null;
  rotate_interval: number | null;
  stack_trace: boolean | null;
}

export interface GatewayEdgemicro {
  port: number | null;
  /** Client→gateway idle timeout in ms; null when unset (consumers use Node's default). */
  keep_alive_timeout: number | null;
  /** Seconds; exceeded → 504. */
  request_timeout: number | null;
  max_connections: number | null;
  logging: GatewayLogging;
  plugins: { sequence: string[] };
}

/** Lines of the fields the analysis cites; absent when the key is not in the file. */
export interface GatewayConfigLines {
  edgemicro?: number;
  port?: number;
  keepAliveTimeout?: number;
  requestTimeout?: number;
  maxConnections?: number;
  loggingLevel?: number;
  pluginsSequence?: number;
  bootstrap?: number;
  proxies?: number;
  targets?: number;
}

export interface GatewayConfig {
  /** From `edge_config.bootstrap` (`…/organization/ORG/environment/ENV`), else null. */
  org: string | null;
  env: string | null;
  edgemicro: GatewayEdgemicro;
  proxies: GatewayProxy[];
  targets: GatewayTarget[];
  lines: GatewayConfigLines;
}

export type ConfigParseResult =
  { ok: true; config: GatewayConfig; warnings: ConfigIssue[] } | { ok: false; errors: ConfigIssue[] };

export interface ConfigParseOptions {
  /** Inputs larger than this (UTF-8 bytes) are refused before parsing. Default 5 MiB. */
  maxBytes?: number;
}

/** Node's default `server.keepAliveTimeout`, used by the gateway when the key is unset. */
export const NODE_DEFAULT_KEEP_ALIVE_MS = 5000;
export const DEFAULT_MAX_CONFIG_BYTES = 5 * 1024 * 1024;
