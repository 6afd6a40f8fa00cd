/**
 * Answers kept per id under the key of the inputs they were computed from: a call with another key computes again,
 * and calls with the same key while one computes share it. Only for answers a key fully determines.
 */
export class KeyedMemo<T> {
  private readonly entries = new Map<string, { key: string; value: Promise<T> }>();

  constructor(private readonly capacity: number) {}

  /** The memo of this name in the process: each bundle of the app (pages, routes, the worker) loads its own modules. */
  static shared<T>(name: string, capacity: number): KeyedMemo<T> {
    const all = ((globalThis as { __emgMemos?: Map<string, KeyedMemo<unknown>> }).__emgMemos ??= new Map());
    if (!all.has(name)) all.set(name, new KeyedMemo<unknown>(capacity));
    return all.get(name) as KeyedMemo<T>;
  }

  get(id: string, key: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(id);
    this.entries.delete(id);
    if (hit?.key === key) {
      this.entries.set(id, hit); // most recently used last
      return hit.value;
    }
    const value = compute();
    this.entries.set(id, { key, value });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    // A failed read is not kept: the next call tries again.
    value.catch(() => {
      if (this.entries.get(id)?.value === value) this.entries.delete(id);
    });
    return value;
  }
}
