export * from "./types";
export { diagnose, GUIDE, DOC_502 } from "./diagnose";
export { hopCheck, suggestGatewayKeepAlive } from "./hops";
