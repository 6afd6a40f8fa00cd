/** Runs each function `ms` after it was scheduled, in the order scheduled. */
export function delayLine(ms: number): (fn: () => void) => void;
