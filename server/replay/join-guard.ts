/**
 * Slows down guessing of join codes. Each client (by network address) may
 * miss a few times; after that, a lookup that finds nothing is answered
 * "rate limited" instead of "unknown" until its allowance refills. Only
 * misses are limited: a session that exists is always found, whatever its
 * address guessed before, so one guessing pupil behind a school's NAT
 * cannot lock the class out (docs/RELIABILITY.md, "Join codes", says what
 * this leaves a guesser).
 */
export const GUESS_LIMIT = { burst: 20, refillMs: 3_000 } as const;

/** What a guarded lookup found: the thing, nothing, or nothing while the client is over its allowance. */
export type GuardedLookup<T> = { status: "found"; value: T } | { status: "unknown" } | { status: "rate_limited"; retryAfterMs: number };

interface Allowance {
  misses: number;
  at: number;
}

export class JoinGuard {
  private readonly allowances = new Map<string, Allowance>();

  constructor(
    private readonly now: () => number,
    private readonly limit: { burst: number; refillMs: number } = GUESS_LIMIT,
  ) {}

  /**
   * Looks something up for `client`: what exists is always found; a miss
   * counts against the client's allowance, and past it is answered
   * rate_limited (with how long until the next miss is answered again).
   */
  async lookup<T>(client: string, find: () => Promise<T | undefined>): Promise<GuardedLookup<T>> {
    const value = await find();
    if (value !== undefined) return { status: "found", value };
    const wait = this.retryAfterMs(client);
    if (wait > 0) return { status: "rate_limited", retryAfterMs: wait };
    this.missed(client);
    return { status: "unknown" };
  }

  /** Milliseconds until a miss by `client` is answered "unknown" again; 0 if it would be now. */
  retryAfterMs(client: string): number {
    const allowance = this.current(client);
    if (!allowance || allowance.misses < this.limit.burst) return 0;
    return Math.max(1, this.limit.refillMs - (this.now() - allowance.at));
  }

  /** Records a lookup that found nothing. */
  missed(client: string): void {
    const allowance = this.current(client) ?? { misses: 0, at: this.now() };
    if (allowance.misses === 0) allowance.at = this.now();
    allowance.misses = Math.min(this.limit.burst, allowance.misses + 1);
    this.allowances.set(client, allowance);
    if (this.allowances.size > 50_000) this.forgetRefilled();
  }

  /** The allowance with the refills since it was last touched taken off. */
  private current(client: string): Allowance | undefined {
    const allowance = this.allowances.get(client);
    if (!allowance) return undefined;
    const refills = Math.floor((this.now() - allowance.at) / this.limit.refillMs);
    if (refills > 0) {
      allowance.misses = Math.max(0, allowance.misses - refills);
      allowance.at += refills * this.limit.refillMs;
      if (allowance.misses === 0) {
        this.allowances.delete(client);
        return undefined;
      }
    }
    return allowance;
  }

  private forgetRefilled(): void {
    for (const client of [...this.allowances.keys()]) this.current(client);
  }
}
