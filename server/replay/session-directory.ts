/**
 * What the session pages (/s/<code>, /present, /control) need to know about a
 * code before they render: whether it names a live session, and of which
 * feed. Codes that name nothing count against the client's guessing
 * allowance, as on the socket; codes that exist are always found.
 */
import { ErrorReason, joinCodeSchema } from "../../domain/protocol";
import type { JoinGuard } from "./join-guard";
import { RefusalError } from "./refusals";
import type { SessionManager } from "./session-manager";

export type SessionLookup =
  /** `feedVersion`: the version of its feed the session replays (FeedTimeline.version), which its pages show. */
  | { status: "found"; code: string; feedSlug: string; feedVersion: string; expiresAt: string }
  | { status: "invalid"; input: string }
  | { status: "unknown"; code: string }
  | { status: "expired"; code: string }
  | { status: "rate_limited"; retryAfterSeconds: number };

export class SessionDirectory {
  constructor(
    private readonly manager: SessionManager,
    private readonly guard: JoinGuard,
  ) {}

  /** Looks a typed code up for `client`: a session that exists is always found; misses count against its allowance. */
  async lookup(input: string, client: string): Promise<SessionLookup> {
    const parsed = joinCodeSchema.safeParse(input);
    if (!parsed.success) return { status: "invalid", input: input.slice(0, 20) };
    const code = parsed.data;
    try {
      const lookup = await this.guard.lookup(client, () => this.manager.find({ code }));
      if (lookup.status === "rate_limited") return { status: "rate_limited", retryAfterSeconds: Math.ceil(lookup.retryAfterMs / 1000) };
      if (lookup.status === "unknown") return { status: "unknown", code };
      const { state, feed } = lookup.value;
      return { status: "found", code, feedSlug: state.feedSlug, feedVersion: feed.version, expiresAt: state.expiresAt.toISOString() };
    } catch (error) {
      if (error instanceof RefusalError && error.refusal.reason === ErrorReason.sessionExpired) return { status: "expired", code };
      throw error;
    }
  }
}
