import "server-only";
import type { Db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { PEER_HEADER } from "./peer";
import type { AuthFailureKind } from "./roles";

/**
 * Failed-token and failed-sign-in limiter: a sliding window of failures per client address. The failures are
 * rows of `AuthFailure`, so every app instance on the same database counts against one budget.
 *
 * There is deliberately no global or per-account ceiling: anyone could fill it and so lock out everybody else,
 * the real admin included. The address is the socket's (or, with TRUST_PROXY=1, the one the proxy appended),
 * so it cannot be forged to get fresh budgets; a distributed guesser gets `perIp` tries per address and
 * window against passwords of at least 10 characters hashed with scrypt.
 */
export interface LimiterOptions {
  /** Failures allowed per address within the window. */
  perIp: number;
  windowMs: number;
}

export const LIMITS: Record<AuthFailureKind, LimiterOptions> = {
  token: { perIp: 20, windowMs: 10 * 60_000 },
  signin: { perIp: 10, windowMs: 15 * 60_000 },
};

// Tries of one address queue on its lock (and, on PGlite, every transaction on the one connection): Prisma's
// default 2 s wait for a transaction slot would turn a burst of sign-ins into 500s.
const LOCKED_TX = { maxWait: 15_000, timeout: 15_000 };

// An address is a short string; this only keeps an odd value from reaching the index.
const ipKey = (ip: string) => ip.slice(0, 100);

export class FailureLimiter {
  constructor(
    private readonly db: Db,
    readonly kind: AuthFailureKind,
    readonly opts: LimiterOptions = LIMITS[kind],
    private readonly now: () => number = Date.now,
  ) {}

  private since(): Date {
    return new Date(this.now() - this.opts.windowMs);
  }

  /**
   * Takes one try from this address's budget before the check it guards, atomically: a transaction holding an
   * advisory lock on (kind, address) counts and inserts, so 50 parallel tries see each other. Answers the row
   * (a failure until `succeeded` gives it back), or null when the budget is used up (nothing is recorded).
   */
  async attempt(ip: string): Promise<bigint | null> {
    const key = ipKey(ip);
    const at = new Date(this.now());
    const row = await this.db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`auth-failure:${this.kind}:${key}`}))`;
      const used = await tx.authFailure.count({
        where: { kind: this.kind, ip: key, at: { gt: this.since() } },
        take: this.opts.perIp,
      });
      if (used >= this.opts.perIp) return null;
      return tx.authFailure.create({ data: { kind: this.kind, ip: key, at }, select: { id: true } });
    }, LOCKED_TX);
    // Rows that left the window count for nothing; each new one clears them (about one window's worth at most).
    if (row) await this.db.authFailure.deleteMany({ where: { kind: this.kind, at: { lte: this.since() } } });
    return row?.id ?? null;
  }

  /** The try succeeded: it is no failure. */
  async succeeded(id: bigint): Promise<void> {
    await this.db.authFailure.deleteMany({ where: { id } });
  }

  /** Records a failure found after the check (a token that names nothing); "over" when the budget was already used up. */
  async fail(ip: string): Promise<"counted" | "over"> {
    return (await this.attempt(ip)) === null ? "over" : "counted";
  }

  /** True when this address has used up its failures. */
  async blocked(ip: string): Promise<boolean> {
    const used = await this.db.authFailure.count({
      where: { kind: this.kind, ip: ipKey(ip), at: { gt: this.since() } },
      take: this.opts.perIp,
    });
    return used >= this.opts.perIp;
  }

  /** Seconds until the oldest failure of this address leaves the window (for Retry-After). */
  async retryAfterS(ip: string): Promise<number> {
    const oldest = await this.db.authFailure.findFirst({
      where: { kind: this.kind, ip: ipKey(ip), at: { gt: this.since() } },
      orderBy: { at: "asc" },
      select: { at: true },
    });
    const t = oldest?.at.getTime() ?? this.now();
    return Math.max(1, Math.ceil((t + this.opts.windowMs - this.now()) / 1000));
  }
}

/** The limiters of bad share/upload tokens and bad passwords, on the app's database. */
export function limiter(db: Db, kind: AuthFailureKind): FailureLimiter {
  return new FailureLimiter(db, kind);
}

/**
 * The client address. By default the TCP peer (PEER_HEADER, set from the socket by scripts/peer-address.mjs,
 * which also drops forwarded headers a client sent); X-Forwarded-For is believed only with TRUST_PROXY=1, and
 * then its last hop (the one our proxy appended; earlier ones are the client's to write).
 */
export function clientIp(headers: Headers, e: { TRUST_PROXY: "0" | "1" } = env()): string {
  if (e.TRUST_PROXY === "1") {
    const last = headers
      .get("x-forwarded-for")
      ?.split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .pop();
    if (last) return last;
  }
  return headers.get(PEER_HEADER) || "unknown";
}
