/** Shared arbitraries for the parsers' property-based fuzz tests (fast-check). Test-only. */
import fc from "fast-check";

/**
 * Modest runs keep the suite fast; the time limit stops generating more runs on a slow machine.
 * `FUZZ_RUNS=5000 npx vitest run fuzz` digs deeper (and FUZZ_SEED=n replays a run).
 */
const deep = Number(process.env.FUZZ_RUNS) || 0;
export const FUZZ_RUNS = {
  numRuns: deep || 150,
  interruptAfterTimeLimit: deep ? 600_000 : 20_000,
  ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
};

export type Mutation =
  | { kind: "flip"; at: number; value: number }
  | { kind: "insert"; at: number; bytes: Uint8Array }
  | { kind: "delete"; at: number; len: number }
  | { kind: "duplicate"; at: number; len: number }
  | { kind: "truncate"; at: number }
  | { kind: "u32"; at: number; value: number };

const at = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

/** Structured damage to a real file: byte flips, inserted noise, cut/duplicated ranges, truncation, absurd 32-bit fields. */
export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at, value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("insert" as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ kind: fc.constant("delete" as const), at, len: fc.integer({ min: 1, max: 512 }) }),
  fc.record({ kind: fc.constant("duplicate" as const), at, len: fc.integer({ min: 1, max: 2048 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at }),
  fc.record({
    kind: fc.constant("u32" as const),
    at,
    value: fc.constantFrom(0, 1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff),
  }),
);

export function applyMutations(input: Uint8Array, ms: Mutation[]): Buffer {
  let b = Buffer.from(input);
  for (const m of ms) {
    const pos = Math.floor(m.at * (b.length + 1));
    switch (m.kind) {
      case "flip":
        if (pos < b.length) b[pos] = m.value;
        break;
      case "insert":
        b = Buffer.concat([b.subarray(0, pos), m.bytes, b.subarray(pos)]);
        break;
      case "delete":
        b = Buffer.concat([b.subarray(0, pos), b.subarray(pos + m.len)]);
        break;
      case "duplicate":
        b = Buffer.concat([b.subarray(0, pos + m.len), b.subarray(pos)]);
        break;
      case "truncate":
        b = b.subarray(0, pos);
        break;
      case "u32":
        if (pos + 4 <= b.length) b.writeUInt32LE(m.value, pos);
        break;
    }
  }
  return Buffer.from(b);
}

export const mutationsArb = fc.array(mutationArb, { minLength: 1, maxLength: 8 });

/** Chunk sizes a stream might deliver (cycled over the input). */
export const chunkingArb = fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 16 });

export function splitBy(input: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let pos = 0, i = 0; pos < input.length; i++) {
    const n = sizes[i % sizes.length];
    // Copies: a parser must not depend on a chunk's buffer outliving the call.
    out.push(Uint8Array.prototype.slice.call(input, pos, pos + n));
    pos += n;
  }
  return out;
}
