import { parseDocument, LineCounter } from "yaml";
const seqs = Array.from({length: 100000}, (_, i) => `- [a, b, {c: d}]`).join("\n");
const valid = "x:\n" + Array.from({length: 100000}, (_, i) => `  - [a, b, {c: d}]`).join("\n");
const flat = Array.from({length: 150000}, (_, i) => `k${i}: value number ${i}`).join("\n");
for (const [n, t, pe] of [["bad-pretty", "x: " + seqs, true], ["bad-plain", "x: " + seqs, false], ["valid", valid, true], ["flat", flat, true]] as const) {
  const t0 = Date.now(); const d = parseDocument(t, { prettyErrors: pe, lineCounter: new LineCounter(), uniqueKeys: true }); const t1 = Date.now(); d.toJS({maxAliasCount: 50});
  console.log(n, t.length, t1 - t0, Date.now() - t1, "ms errors", d.errors.length);
}
