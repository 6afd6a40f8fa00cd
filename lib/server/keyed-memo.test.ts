import { describe, expect, it } from "vitest";
import { KeyedMemo } from "./keyed-memo";

/** A computation that counts its runs and resolves when told. */
function counted<T>(value: T) {
  let runs = 0;
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  return {
    compute: () => {
      runs++;
      return gate.then(() => value);
    },
    release: () => release(),
    runs: () => runs,
  };
}

describe("KeyedMemo", () => {
  it("computes once per key: calls while it runs and after share it", async () => {
    const memo = new KeyedMemo<string>(10);
    const c = counted("a");
    const first = memo.get("inc", "k1", c.compute);
    const second = memo.get("inc", "k1", c.compute);
    c.release();
    expect(await first).toBe("a");
    expect(await second).toBe("a");
    expect(await memo.get("inc", "k1", c.compute)).toBe("a");
    expect(c.runs()).toBe(1);
  });

  it("computes again when the key changes, and keeps only the latest key", async () => {
    const memo = new KeyedMemo<string>(10);
    expect(await memo.get("inc", "k1", async () => "old")).toBe("old");
    expect(await memo.get("inc", "k2", async () => "new")).toBe("new");
    expect(await memo.get("inc", "k1", async () => "old again")).toBe("old again");
  });

  it("does not keep a failure", async () => {
    const memo = new KeyedMemo<string>(10);
    await expect(memo.get("inc", "k", () => Promise.reject(new Error("outage")))).rejects.toThrow("outage");
    expect(await memo.get("inc", "k", async () => "fine")).toBe("fine");
  });

  it("forgets the least recently used id beyond its capacity", async () => {
    const memo = new KeyedMemo<string>(2);
    await memo.get("a", "k", async () => "a1");
    await memo.get("b", "k", async () => "b1");
    await memo.get("a", "k", async () => "a2"); // a used again: b is now the oldest
    await memo.get("c", "k", async () => "c1");
    expect(await memo.get("a", "k", async () => "a3")).toBe("a1");
    expect(await memo.get("b", "k", async () => "b2")).toBe("b2");
  });

  it("is one per name in the process", () => {
    expect(KeyedMemo.shared("test-memo", 5)).toBe(KeyedMemo.shared("test-memo", 5));
    expect(KeyedMemo.shared("test-memo", 5)).not.toBe(KeyedMemo.shared("other-memo", 5));
  });
});
