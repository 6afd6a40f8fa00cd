/** A process-wide bound on concurrent work: at most `n` tasks run at once, the others wait their turn (FIFO). */
export function limiter(n: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async function run<T>(task: () => Promise<T>): Promise<T> {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, so `active` never exceeds n.
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
