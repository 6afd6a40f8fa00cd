export * from "./types";
export { diagnose, GUIDE, DOC_502 } from "./diagnose";
export { hopCheck } from "./hops";
export { judgeTargets } from "./targets";
export { CAUSE_LABEL } from "./labels";
