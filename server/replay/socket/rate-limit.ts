/**
 * Every socket's messages pass a token bucket (RATE_LIMIT: bursts of 40, 20
 * a second sustained); over it, a message is refused `rate_limited` unread.
 * Per-address caps on connections and on new sessions are in
 * server/http/security.ts, hooked up in handshake.ts and session-handlers.ts.
 */
import { RATE_LIMIT } from "../../../domain/protocol-constants";

export class TokenBucket {
  private tokens: number = RATE_LIMIT.burst;
  private last: number;
  constructor(private readonly now: () => number) {
    this.last = now();
  }
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(RATE_LIMIT.burst, this.tokens + ((now - this.last) / 1000) * RATE_LIMIT.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
