// Types for the parts of the lab the collector's e2e test uses (e2e/collector.spec.ts).
export interface LabScenario {
  description: string;
  durationS: number;
  gateway: {
    port: number;
    keepAliveTimeout: number;
    requestTimeout: number | null;
    level: string;
    statsLogInterval: number;
    /** Cluster workers (as `edgemicro start`); unset or 0: one process. */
    workers?: number;
  };
  targets: Array<{ proxy: string; basePath: string; listen: { host: string; port: number } }>;
  lanes: unknown[];
}
export const scenarios: Record<string, LabScenario>;
export const derived: Record<string, unknown>;
