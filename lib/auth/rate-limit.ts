/**
 * Failed-token and failed-sign-in limiter: a sliding window of failure times per client IP, plus a
 * global ceiling so rotating (or spoofing) addresses cannot lift the limit. In memory, so it is per app
 * instance: N instances allow N times the budget (still hopeless against 256-bit tokens).
 */
export interface LimiterOptions {
  /** Failures allowed per IP within the window. */
  perIp: number;
  /** Failures allowed from all IPs together within the window. */
  global: number;
  windowMs: number;
}

export class FailureLimiter {
  private readonly byIp = new Map<string, number[]>();
  private all: number[] = [];

  constructor(
    readonly opts: LimiterOptions,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(list: number[] | undefined): number[] {
    const since = this.now() - this.opts.windowMs;
    return (list ?? []).filter((t) => t > since);
  }

  /** True when this IP (or everyone together) has used up its failures: answer 429 without looking. */
  blocked(ip: string): boolean {
    this.all = this.recent(this.all);
    const mine = this.recent(this.byIp.get(ip));
    if (mine.length) this.byIp.set(ip, mine);
    else this.byIp.delete(ip);
    return mine.length >= this.opts.perIp || this.all.length >= this.opts.global;
  }

  fail(ip: string): void {
    const t = this.now();
    this.byIp.set(ip, [...this.recent(this.byIp.get(ip)), t]);
    this.all.push(t);
    if (this.byIp.size > 10_000) for (const k of [...this.byIp.keys()].slice(0, 5_000)) this.byIp.delete(k);
  }

  /** Seconds until the oldest failure of this IP leaves the window (for Retry-After). */
  retryAfterS(ip: string): number {
    const oldest = this.recent(this.byIp.get(ip))[0] ?? this.all[0] ?? this.now();
    return Math.max(1, Math.ceil((oldest + this.opts.windowMs - this.now()) / 1000));
  }
}

const globalForLimits = globalThis as unknown as { __emgLimits?: Record<string, FailureLimiter> };

/** The process-wide limiters: bad share/upload tokens, bad passwords. */
export function limiter(kind: "token" | "signin"): FailureLimiter {
  globalForLimits.__emgLimits ??= {
    token: new FailureLimiter({ perIp: 20, global: 500, windowMs: 10 * 60_000 }),
    signin: new FailureLimiter({ perIp: 10, global: 200, windowMs: 15 * 60_000 }),
  };
  return globalForLimits.__emgLimits[kind];
}

/** The client address: the nearest X-Forwarded-For hop (Next sets it from the socket; a proxy appends). */
export function clientIp(headers: Headers): string {
  const xff = headers.get("x-forwarded-for");
  const last = xff?.split(",").map((s) => s.trim()).filter(Boolean).pop();
  return last || headers.get("x-real-ip") || "unknown";
}
