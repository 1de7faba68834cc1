/**
 * Slows down guessing of join codes. Each client (by network address) may
 * miss a few times; after that, lookups by code are refused until its
 * allowance refills. Codes that exist cost nothing, so a class typing its
 * code never meets the limit.
 */
export const GUESS_LIMIT = { burst: 20, refillMs: 3_000 } as const;

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

  /** Milliseconds until `client` may look up a code again; 0 if it may now. */
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
