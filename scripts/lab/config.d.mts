import type { LabScenario } from "./scenarios.mjs";
export const ORG: string;
export const ENV: string;
export function configYaml(sc: LabScenario, logDir: string): string;
export const defaultYaml: string;
