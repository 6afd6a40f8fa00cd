import type { Db } from "@/lib/db/client";

/**
 * Failed-token and failed-sign-in limiter: a sliding window of failures per client IP, plus a global ceiling so
 * rotating (or spoofing) addresses cannot lift the limit. The failures are rows of `AuthFailure`, so every app
 * instance on the same database counts against one budget.
 */
export interface LimiterOptions {
  /** Failures allowed per IP within the window. */
  perIp: number;
  /** Failures allowed from all IPs together within the window. */
  global: number;
  windowMs: number;
}

export type LimiterKind = "token" | "signin";

export const LIMITS: Record<LimiterKind, LimiterOptions> = {
  token: { perIp: 20, global: 500, windowMs: 10 * 60_000 },
  signin: { perIp: 10, global: 200, windowMs: 15 * 60_000 },
};

// An address is a short string; this only keeps a forged header from reaching the index.
const ipKey = (ip: string) => ip.slice(0, 100);

export class FailureLimiter {
  constructor(
    private readonly db: Db,
    readonly kind: LimiterKind,
    readonly opts: LimiterOptions = LIMITS[kind],
    private readonly now: () => number = Date.now,
  ) {}

  private since(): Date {
    return new Date(this.now() - this.opts.windowMs);
  }

  /** True when this IP (or everyone together) has used up its failures: answer 429 without looking. */
  async blocked(ip: string): Promise<boolean> {
    const at = { gt: this.since() };
    const [mine, all] = await Promise.all([
      this.db.authFailure.count({ where: { kind: this.kind, ip: ipKey(ip), at }, take: this.opts.perIp }),
      this.db.authFailure.count({ where: { kind: this.kind, at }, take: this.opts.global }),
    ]);
    return mine >= this.opts.perIp || all >= this.opts.global;
  }

  async fail(ip: string): Promise<void> {
    await this.db.authFailure.create({ data: { kind: this.kind, ip: ipKey(ip), at: new Date(this.now()) } });
    // Rows that left the window count for nothing. Each failure clears them, so at most about one window's worth
    // (the global ceiling) is ever deleted at once.
    await this.db.authFailure.deleteMany({ where: { kind: this.kind, at: { lte: this.since() } } });
  }

  /** Seconds until the oldest failure of this IP (else of anyone) leaves the window (for Retry-After). */
  async retryAfterS(ip: string): Promise<number> {
    const at = { gt: this.since() };
    const oldest = async (where: { ip?: string }) =>
      (await this.db.authFailure.findFirst({ where: { kind: this.kind, at, ...where }, orderBy: { at: "asc" }, select: { at: true } }))?.at.getTime();
    const t = (await oldest({ ip: ipKey(ip) })) ?? (await oldest({})) ?? this.now();
    return Math.max(1, Math.ceil((t + this.opts.windowMs - this.now()) / 1000));
  }
}

/** The limiters of bad share/upload tokens and bad passwords, on the app's database. */
export function limiter(db: Db, kind: LimiterKind): FailureLimiter {
  return new FailureLimiter(db, kind);
}

/** The client address: the nearest X-Forwarded-For hop (Next sets it from the socket; a proxy appends). */
export function clientIp(headers: Headers): string {
  const xff = headers.get("x-forwarded-for");
  const last = xff?.split(",").map((s) => s.trim()).filter(Boolean).pop();
  return last || headers.get("x-real-ip") || "unknown";
}
