/**
 * The handlers of the session events: time, create, join, sync, control,
 * leave, status. Each gets a peer and a payload its schema has already
 * checked (dispatch.ts), and answers or throws a RefusalError.
 */
import { ErrorReason, type ClientEventName } from "../../../domain/protocol";
import { addressKey, AddressRate } from "../../http/security";
import type { JoinGuard } from "../join-guard";
import type { LiveSession } from "../live-session";
import { RefusalError } from "../refusals";
import type { SessionManager } from "../session-manager";
import { secretMatches } from "../session-store";
import { snapshotFor } from "./broadcast";
import type { Handler } from "./dispatch";
import type { PresenceCounter } from "./presence";
import { presenterRoom, sessionRoom, type Peer } from "./transport";

type SessionEvent = Extract<ClientEventName, "time:ping" | `session:${string}`>;

export interface SessionHandlerContext {
  manager: SessionManager;
  guard: JoinGuard;
  now: () => number;
  presence: PresenceCounter;
  /** New sessions per address per minute; 0 turns the cap off. */
  sessionCreatesPerMinute: number;
}

/** The session this peer has joined, or a not_joined refusal. */
export function joinedSession(manager: SessionManager) {
  return async (peer: Peer, sessionId: string): Promise<LiveSession> => {
    if (!Object.hasOwn(peer.data.roles, sessionId)) throw new RefusalError(ErrorReason.notJoined, "Join the session first");
    const session = await manager.find({ id: sessionId });
    if (!session) throw new RefusalError(ErrorReason.unknownSession, "No such session");
    return session;
  };
}

/** Takes a peer out of a session: its role and measure here, and the session's rooms. */
export async function leaveSession(peer: Peer, sessionId: string): Promise<void> {
  delete peer.data.roles[sessionId];
  delete peer.data.sync[sessionId];
  await peer.leave(sessionRoom(sessionId));
  await peer.leave(presenterRoom(sessionId));
}

export function sessionHandlers(context: SessionHandlerContext): { [E in SessionEvent]: Handler<E> } {
  const { manager, guard, now, presence } = context;
  const joined = joinedSession(manager);
  const creates = context.sessionCreatesPerMinute > 0 ? new AddressRate(context.sessionCreatesPerMinute, now) : undefined;
  /**
   * Connections that asked for a code that names nothing while their address
   * was over its guessing allowance, and until when: meanwhile, code lookups
   * on that connection are refused unread. A class's joins are each on a
   * connection of their own, so they are never held up; a guesser learns one
   * code per connection per wait.
   */
  const guessedWhileLimited = new WeakMap<Peer, number>();

  return {
    "time:ping": (_peer, { t0 }) => ({ ok: true, t0, serverTime: now() }),

    "session:create": async (peer, { feed, kind, start }) => {
      const allowed = creates?.take(addressKey(peer.address)) ?? { ok: true };
      if (!allowed.ok) {
        throw new RefusalError(ErrorReason.rateLimited, `Too many new sessions from this address; try again in ${Math.ceil(allowed.retryAfterMs / 1000)} s`);
      }
      const { session, secret } = await manager.create(feed, kind, start);
      peer.data.roles[session.id] = "presenter";
      await peer.join([sessionRoom(session.id), presenterRoom(session.id)]);
      presence.changed(session.id);
      return { ok: true, sessionId: session.id, code: session.state.code, secret, snapshot: session.snapshot(0), timeline: session.feed.timeline, feedVersion: session.feed.version };
    },

    "session:join": async (peer, join) => {
      // Only lookups that find nothing are limited: a session that exists is
      // always joined (by code, id, as presenter or rejoining with `have`),
      // whatever its address guessed before.
      const byCode = !join.sessionId;
      const blockedUntil = byCode ? (guessedWhileLimited.get(peer) ?? 0) : 0;
      if (blockedUntil > now()) throw limitedRefusal(blockedUntil - now());
      const lookup = await guard.lookup(addressKey(peer.address), () => manager.find(join.sessionId ? { id: join.sessionId } : { code: join.code! }));
      if (lookup.status === "rate_limited") {
        if (byCode) guessedWhileLimited.set(peer, now() + lookup.retryAfterMs);
        throw limitedRefusal(lookup.retryAfterMs);
      }
      if (lookup.status === "unknown") throw new RefusalError(ErrorReason.unknownSession, join.code ? `No session with code ${join.code}` : "No such session");
      const session = lookup.value;
      let role: "presenter" | "follower" = "follower";
      if (join.secret !== undefined) {
        if (!secretMatches(join.secret, session.state.secretHash)) throw new RefusalError(ErrorReason.badSecret, "That presenter link is not valid for this session");
        role = "presenter";
      }
      // Extending the expiry needs the database; the join itself does not (the session is in memory).
      // During an outage the extension waits for the next command or join.
      await manager.touch(session).catch(() => undefined);
      peer.data.roles[session.id] = role;
      peer.data.sync[session.id] = { detached: false, skewMs: null, revision: null, silent: false, projector: role === "follower" && join.screen === "projector" };
      await peer.join(sessionRoom(session.id));
      if (role === "presenter") await peer.join(presenterRoom(session.id));
      else await peer.leave(presenterRoom(session.id));
      presence.changed(session.id);
      return { ok: true, role, snapshot: snapshotFor(role, session.snapshot(join.have?.cursor ?? 0)), timeline: session.feed.timeline, feedVersion: session.feed.version };
    },

    "session:sync": async (peer, { sessionId, have }) => {
      const session = await joined(peer, sessionId);
      return { ok: true, snapshot: snapshotFor(peer.data.roles[sessionId]!, session.snapshot(have.cursor)) };
    },

    "session:control": async (peer, { sessionId, command }) => {
      const session = await joined(peer, sessionId);
      if (peer.data.roles[sessionId] !== "presenter") {
        throw new RefusalError(ErrorReason.notPresenter, "Only the presenter can control this session");
      }
      return { ok: true, clock: await manager.control(session, command) };
    },

    "session:leave": async (peer, { sessionId }) => {
      await leaveSession(peer, sessionId);
      presence.changed(sessionId);
      return { ok: true };
    },

    "session:status": async (peer, { sessionId, detached }) => {
      await joined(peer, sessionId);
      const measure = peer.data.sync[sessionId];
      if (measure) measure.detached = detached;
      presence.changed(sessionId);
      return { ok: true };
    },
  };
}

function limitedRefusal(waitMs: number): RefusalError {
  return new RefusalError(ErrorReason.rateLimited, `Too many unknown codes from this address; try again in ${Math.ceil(waitMs / 1000)} s`);
}
