export type {
  ConfigIssue,
  ConfigParseOptions,
  ConfigParseResult,
  GatewayConfig,
  GatewayConfigLines,
  GatewayEdgemicro,
  GatewayLogging,
  GatewayProxy,
  GatewayTarget,
  ProxyTarget,
} from "./types";
export { DEFAULT_MAX_CONFIG_BYTES, NODE_DEFAULT_KEEP_ALIVE_MS } from "./types";
export { MAX_ALIAS_COUNT, MAX_FLOW_DEPTH, orgEnvOf, parseGatewayConfig, targetOf } from "./parse";
export { matchProxy } from "./match";
