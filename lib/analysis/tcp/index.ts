export { ConnectionTracker, trackAll, type TrackerOptions } from "./tracker";
export { classifyConnection, IdleTimeoutEstimator, inferTargetIdleTimeout, type Classification, type ConnectionCode, type IdleTimeoutEstimate } from "./classify";
export * from "./types";
