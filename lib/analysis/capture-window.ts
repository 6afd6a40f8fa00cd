/**
 * When the captures were recording, on the log's clock. A capture is evidence only for the time it covers: a
 * customer's tcpdump often starts after the incident began, or stops before it ends. Pure.
 */
import { DEFAULT_TOLERANCE_MS } from "./correlate";

export interface Window {
  start: number;
  end: number;
}

/** The captures' [first packet, last packet] on the log's clock (offset: log clock minus capture clock), merged. */
export function captureWindows(files: Array<{ firstTs?: number; lastTs?: number }>, offsetMs: number): Window[] {
  const ws = files
    .filter((f) => f.firstTs && f.lastTs)
    .map((f) => ({ start: f.firstTs! + offsetMs, end: f.lastTs! + offsetMs }))
    .sort((a, b) => a.start - b.start);
  const out: Window[] = [];
  for (const w of ws) {
    const last = out[out.length - 1];
    // Rotated files follow each other within a packet's gap: one window.
    if (last && w.start <= last.end + DEFAULT_TOLERANCE_MS) last.end = Math.max(last.end, w.end);
    else out.push({ ...w });
  }
  return out;
}

/**
 * A log failure the captures could show: its line within a window, give or take the tolerance of the clock
 * matching (a 502 is logged within milliseconds of its close; a close at the capture's edge may lie just outside).
 */
/**
 * How far a failure may reach past a window's edge and still count as recorded: the log's times are whole ms, and
 * the clock offset that aligns them with the capture is estimated to about a millisecond.
 */
export const EDGE_SLACK_MS = 5;

export const inWindows = (ws: Window[], ts: number) =>
  ws.some((w) => ts >= w.start - DEFAULT_TOLERANCE_MS && ts <= w.end + DEFAULT_TOLERANCE_MS);

/** Whether the windows cover the whole of [start, end] (the log's time), gaps up to the tolerance forgiven. */
export function coversSpan(ws: Window[], start: number, end: number): boolean {
  let from = start;
  for (const w of ws) {
    if (w.start - DEFAULT_TOLERANCE_MS > from) return false;
    from = Math.max(from, w.end + DEFAULT_TOLERANCE_MS);
    if (from >= end) return true;
  }
  return from >= end;
}
