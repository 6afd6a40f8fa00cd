export { ConnectionTracker, trackAll, type TrackerOptions } from "./tracker";
export { classifyConnection, inferTargetIdleTimeout, type Classification, type ConnectionCode, type IdleTimeoutEstimate } from "./classify";
export * from "./types";
