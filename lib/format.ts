/** Display helpers shared by pages and components (pure). */
export const fmtTs = (ms: number | null) =>
  ms === null ? "—" : new Date(ms).toISOString().replace("T", " ").replace("Z", " UTC");
export const fmtPct = (r: number | null) => (r === null ? "—" : `${(r * 100).toFixed(r < 0.1 ? 2 : 1)} %`);
export const fmtMs = (v: number | null) => (v === null ? "—" : `${Math.round(v)} ms`);
export function fmtBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}
export function fmtRange(first: number | null, last: number | null): string {
  if (first === null || last === null) return "no time stamps yet";
  return `${fmtTs(first)} → ${new Date(last).toISOString().slice(11, 23)} UTC`;
}
