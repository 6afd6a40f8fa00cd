export { ConnectionTracker, trackAll, type TrackerOptions } from "./tracker";
export {
  classifyAll,
  classifyConnection,
  type Classification,
  type ConnectionCode,
  type RaceEvidence,
} from "./classify";
export { TargetProfiler, clusterTolerance, endpointLabel, type IdleCluster, type TargetProfile } from "./profile";
export * from "./types";
export { LadderBuilder, type DerivedLadder, type LadderSource } from "./ladder";
