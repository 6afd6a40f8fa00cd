import type { LabScenario } from "./scenarios.mjs";
export function runClient(sc: LabScenario, gatewayPort: number, durationMs: number, resultsFile: string): Promise<void>;
