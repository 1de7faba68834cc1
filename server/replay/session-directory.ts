/**
 * What the session pages (/s/<code>, /present, /control) need to know about a
 * code before they render: whether it names a live session, and of which
 * feed. Unknown codes count against the client's guessing allowance, as on
 * the socket.
 */
import { ErrorReason, joinCodeSchema } from "../../domain/protocol";
import type { JoinGuard } from "./join-guard";
import { RefusalError, type SessionManager } from "./session-manager";

export type SessionLookup =
  | { status: "found"; code: string; feedSlug: string; expiresAt: string }
  | { status: "invalid"; input: string }
  | { status: "unknown"; code: string }
  | { status: "expired"; code: string }
  | { status: "rate_limited"; retryAfterSeconds: number };

export class SessionDirectory {
  constructor(
    private readonly manager: SessionManager,
    private readonly guard: JoinGuard,
  ) {}

  async lookup(input: string, client: string): Promise<SessionLookup> {
    const parsed = joinCodeSchema.safeParse(input);
    if (!parsed.success) return { status: "invalid", input: input.slice(0, 20) };
    const code = parsed.data;
    const wait = this.guard.retryAfterMs(client);
    if (wait > 0) return { status: "rate_limited", retryAfterSeconds: Math.ceil(wait / 1000) };
    try {
      const session = await this.manager.find({ code });
      if (!session) {
        this.guard.missed(client);
        return { status: "unknown", code };
      }
      return { status: "found", code, feedSlug: session.state.feedSlug, expiresAt: session.state.expiresAt.toISOString() };
    } catch (error) {
      if (error instanceof RefusalError && error.refusal.reason === ErrorReason.sessionExpired) return { status: "expired", code };
      throw error;
    }
  }
}
