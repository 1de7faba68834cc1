/**
 * The socket.io side of the replay engine: the handshake, one validated
 * handler per client event, and the one place where errors are classified
 * into refusals for the client.
 */
import type { Server, Socket } from "socket.io";
import { APP_VERSION } from "../../domain/version";
import {
  clientEvents,
  ErrorReason,
  handshakeSchema,
  MAX_PAYLOAD_BYTES,
  PROTOCOL_VERSION,
  type ClientAcks,
  type ClientEventName,
  type ClientPayload,
  type ClientToServerEvents,
  type Refusal,
  type ServerToClientEvents,
} from "../../domain/protocol";
import { refusal, RefusalError, type SessionManager } from "./session-manager";
import { secretMatches, type StoredSession } from "./session-store";

/** Between server processes (through the Postgres adapter). */
export interface InterServerEvents {
  "relive:session": (state: StoredSessionJson) => void;
}
export type StoredSessionJson = Omit<StoredSession, "expiresAt"> & { expiresAt: string };

export type ReplayServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type ReplaySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface SocketData {
  /** Sessions this socket has joined, and as what. (A plain object: it crosses processes.) */
  roles: Record<string, "presenter" | "follower">;
}

export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

/** Per-socket token bucket: bursts of 40 messages, 20 a second sustained. */
export const RATE_LIMIT = { burst: 40, perSecond: 20 } as const;

class TokenBucket {
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

type Handler<E extends ClientEventName> = (socket: ReplaySocket, payload: ClientPayload<E>) => Promise<ClientAcks[E]> | ClientAcks[E];

export function attachReplay(io: ReplayServer, manager: SessionManager, now: () => number): void {
  io.use((socket, next) => {
    const handshake = handshakeSchema.safeParse(socket.handshake.auth);
    if (!handshake.success || handshake.data.protocol !== PROTOCOL_VERSION) {
      const error = new Error(`This server speaks protocol ${PROTOCOL_VERSION}; reload the page to update`) as Error & { data: unknown };
      error.data = { reason: ErrorReason.protocolMismatch, expected: PROTOCOL_VERSION };
      return next(error);
    }
    next();
  });

  const handlers: { [E in ClientEventName]: Handler<E> } = {
    "time:ping": (_socket, { t0 }) => ({ ok: true, t0, serverTime: now() }),

    "session:create": async (socket, { feed, kind }) => {
      const { session, secret } = await manager.create(feed, kind);
      socket.data.roles[session.id] = "presenter";
      await socket.join(sessionRoom(session.id));
      presence.changed(session.id);
      return { ok: true, sessionId: session.id, code: session.state.code, secret, snapshot: session.snapshot(0), timeline: session.feed.timeline };
    },

    "session:join": async (socket, join) => {
      const session = await manager.find(join.sessionId ? { id: join.sessionId } : { code: join.code! });
      if (!session) {
        throw refusal(ErrorReason.unknownSession, join.code ? `No session with code ${join.code}` : "No such session");
      }
      let role: "presenter" | "follower" = "follower";
      if (join.secret !== undefined) {
        if (!secretMatches(join.secret, session.state.secretHash)) throw refusal(ErrorReason.badSecret, "That presenter link is not valid for this session");
        role = "presenter";
      }
      socket.data.roles[session.id] = role;
      await socket.join(sessionRoom(session.id));
      presence.changed(session.id);
      await manager.touch(session);
      return { ok: true, role, snapshot: session.snapshot(join.have?.cursor ?? 0), timeline: session.feed.timeline };
    },

    "session:sync": async (socket, { sessionId, have }) => {
      const session = await joined(socket, sessionId);
      return { ok: true, snapshot: session.snapshot(have.cursor) };
    },

    "session:control": async (socket, { sessionId, command }) => {
      const session = await joined(socket, sessionId);
      if (socket.data.roles[sessionId] !== "presenter") {
        throw refusal(ErrorReason.notPresenter, "Only the presenter can control this session");
      }
      return { ok: true, clock: await manager.control(session, command) };
    },

    "session:leave": async (socket, { sessionId }) => {
      delete socket.data.roles[sessionId];
      await socket.leave(sessionRoom(sessionId));
      presence.changed(sessionId);
      return { ok: true };
    },
  };

  async function joined(socket: ReplaySocket, sessionId: string) {
    if (!Object.hasOwn(socket.data.roles, sessionId)) throw refusal(ErrorReason.notJoined, "Join the session first");
    const session = await manager.find({ id: sessionId });
    if (!session) throw refusal(ErrorReason.unknownSession, "No such session");
    return session;
  }

  const presence = new PresenceCounter(io);

  io.on("connection", (socket) => {
    socket.data.roles = {};
    socket.on("disconnect", () => {
      for (const sessionId of Object.keys(socket.data.roles)) presence.changed(sessionId);
    });
    const bucket = new TokenBucket(now);
    socket.emit("server:hello", { protocol: PROTOCOL_VERSION, version: APP_VERSION, serverTime: now() });

    socket.onAny((event: string, ...args: unknown[]) => {
      const allowed = bucket.take();
      const ack = args.at(-1);
      // Without an acknowledgement callback there is no one to answer: drop it.
      if (typeof ack !== "function") return;
      const respond = (response: unknown) => (ack as (response: unknown) => void)(response);
      if (!allowed) return respond(refused(ErrorReason.rateLimited, "Too many messages; slow down"));
      if (!Object.hasOwn(clientEvents, event)) return respond(refused(ErrorReason.invalidPayload, `Unknown event "${String(event).slice(0, 50)}"`));
      const name = event as ClientEventName;
      const payload = args.length > 1 ? args[0] : undefined;
      let size: number;
      try {
        size = Buffer.byteLength(JSON.stringify(payload ?? null));
      } catch {
        return respond(refused(ErrorReason.invalidPayload, "The payload is not JSON"));
      }
      if (size > MAX_PAYLOAD_BYTES) return respond(refused(ErrorReason.tooLarge, `Payloads are limited to ${MAX_PAYLOAD_BYTES} bytes`));
      const parsed = clientEvents[name].safeParse(payload);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
        return respond(refused(ErrorReason.invalidPayload, `${where}${issue?.message ?? "invalid payload"}`));
      }
      const handler = handlers[name] as Handler<typeof name>;
      Promise.resolve()
        .then(() => handler(socket, parsed.data as never))
        .then(respond, (error: unknown) => respond(classify(error, name)));
    });
  });
}

/**
 * Tells a session's sockets how many followers and presenters are connected,
 * across all server processes. Debounced: a class joining at once is one update.
 */
class PresenceCounter {
  private readonly pending = new Map<string, NodeJS.Timeout>();
  constructor(private readonly io: ReplayServer) {}

  changed(sessionId: string): void {
    if (this.pending.has(sessionId)) return;
    const timer = setTimeout(() => {
      this.pending.delete(sessionId);
      void this.send(sessionId);
    }, 250);
    timer.unref();
    this.pending.set(sessionId, timer);
  }

  private async send(sessionId: string): Promise<void> {
    try {
      const sockets = await this.io.in(sessionRoom(sessionId)).timeout(1000).fetchSockets();
      let followers = 0;
      let presenters = 0;
      for (const socket of sockets) {
        if (socket.data.roles?.[sessionId] === "presenter") presenters++;
        else followers++;
      }
      this.io.to(sessionRoom(sessionId)).emit("session:presence", { sessionId, followers, presenters });
    } catch {
      // Another process did not answer in time; the next change will count again.
    }
  }
}

function refused(reason: ErrorReason, message: string): Refusal {
  return { ok: false, reason, message };
}

/** The one boundary where errors become answers. Unknown errors are logged, and the client hears "internal". */
function classify(error: unknown, event: string): Refusal {
  if (error instanceof RefusalError) return error.refusal;
  if (error instanceof RangeError) return refused(ErrorReason.invalidPayload, error.message);
  const code = (error as { code?: string }).code;
  if (code === "P1001" || code === "P2024" || code === "ECONNREFUSED" || /reach database|connection/i.test(String((error as Error).message))) {
    return refused(ErrorReason.unavailable, "The database is unavailable; try again shortly");
  }
  console.error(`relive: ${event} failed:`, error);
  return refused(ErrorReason.internal, "Something went wrong on the server");
}
