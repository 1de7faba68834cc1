/**
 * The socket.io side of the replay engine: the handshake, one validated
 * handler per client event, and the one place where errors are classified
 * into refusals for the client.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { Server, Socket } from "socket.io";
import { APP_VERSION } from "../../domain/version";
import {
  clientEvents,
  ErrorReason,
  handshakeSchema,
  MAX_PAYLOAD_BYTES,
  probeAnswerSchema,
  PROTOCOL_VERSION,
  SYNC_TOLERANCE_MS,
  type ClientAcks,
  type ClientEventName,
  type ClientPayload,
  type ClientToServerEvents,
  type FollowerSync,
  type Refusal,
  type ServerToClientEvents,
  type Snapshot,
} from "../../domain/protocol";
import { sendJson } from "../http/api";
import { AddressCounter, addressKey, AddressRate, refuseUpgrade } from "../http/security";
import { QuestionError, type ClassQuestions } from "../classroom/questions";
import type { JoinGuard } from "./join-guard";
import { questionHandlers } from "./question-handlers";
import { refusal, RefusalError, type SessionManager } from "./session-manager";
import { secretMatches, type StoredSession } from "./session-store";

/** Between server processes (through the Postgres adapter). */
export interface InterServerEvents {
  "relive:session": (state: StoredSessionJson) => void;
}
export type StoredSessionJson = Omit<StoredSession, "expiresAt"> & { expiresAt: string };

export type ReplayServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type ReplaySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface SocketData {
  /** Sessions this socket has joined, and as what. (A plain object: it crosses processes.) */
  roles: Record<string, "presenter" | "follower">;
  /** How a follower keeps up with each session, as last measured (plain data, for the same reason). */
  sync: Record<string, FollowerMeasure>;
  /** The device token each session's answers came with: one socket answers for one device. */
  devices: Record<string, string>;
}

/** One follower in one session, from its status reports and the server's probes. */
export interface FollowerMeasure {
  detached: boolean;
  /** Its estimate of the server clock minus the server clock, ms; null until measured. */
  skewMs: number | null;
  /** The clock revision it held when it answered. */
  revision: number | null;
  /** It did not answer the last probe in time. */
  silent: boolean;
}

/** How often the followers of a session with a presenter connected are measured. */
export const PROBE_INTERVAL_MS = 5_000;
const PROBE_TIMEOUT_MS = 2_000;
/** A failed count is retried this often, this many times in a row (past a dead process's heartbeat timeout). */
const PRESENCE_RETRY_MS = 1_000;
const PRESENCE_RETRIES = 30;

export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
/** The presenters of a session (also in its sessionRoom): they alone see its pause points. */
export const presenterRoom = (sessionId: string) => `presenters:${sessionId}`;

/**
 * A snapshot as a follower may see it: without the presenter's upcoming
 * pause points (`markedEntryKeys`), which would spoil "What happens next?".
 * The pause mode stays: followers learn a stop from the clock's `stopAt`.
 */
export function forFollowers(snapshot: Snapshot): Snapshot {
  return { ...snapshot, settings: { ...snapshot.settings, markedEntryKeys: [] } };
}

/** The per-address caps in force (see ADDRESS_CAPS; 0 turns one off). */
export interface AddressLimits {
  socketsPerAddress: number;
  sessionCreatesPerMinute: number;
}

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

export function attachReplay(io: ReplayServer, manager: SessionManager, guard: JoinGuard, now: () => number, limits: AddressLimits, questions: ClassQuestions): void {
  // Connections per address, counted at the transport: every connection, whether or not it becomes a socket.
  const connections = new AddressCounter();
  io.engine.on("connection", (connection: { remoteAddress: string; once(event: "close", listener: () => void): void }) => {
    const key = addressKey(connection.remoteAddress);
    connections.add(key);
    connection.once("close", () => connections.remove(key));
  });
  const maxSockets = limits.socketsPerAddress;
  if (maxSockets > 0) {
    // Over the cap, a socket is refused with a reason (below) and its client
    // closes the connection. One that never asks for a socket is dropped after
    // socket.io's connectTimeout; until then it counts, and at twice the cap
    // new connections from that address are refused before they open.
    io.engine.use((req: IncomingMessage & { _query?: Record<string, string> }, res: ServerResponse, next: (error?: Error) => void) => {
      if (req._query?.sid !== undefined || connections.count(addressKey(req.socket.remoteAddress)) < 2 * maxSockets) return next();
      if (!(res instanceof http.ServerResponse)) return refuseUpgrade(req.socket, 429, tooManySockets(maxSockets));
      sendJson(res, 429, tooManySockets(maxSockets));
    });
    io.use((socket, next) => {
      if (connections.count(addressKey(socket.handshake.address)) <= maxSockets) return next();
      const refusal = tooManySockets(maxSockets);
      const error = new Error(refusal.message) as Error & { data: unknown };
      error.data = { reason: refusal.reason, max: maxSockets };
      next(error);
    });
  }
  const creates = limits.sessionCreatesPerMinute > 0 ? new AddressRate(limits.sessionCreatesPerMinute, now) : undefined;
  /**
   * Connections that asked for a code that names nothing while their address
   * was over its guessing allowance, and until when: meanwhile, code lookups
   * on that connection are refused unread. A class's joins are each on a
   * connection of their own, so they are never held up; a guesser learns one
   * code per connection per wait.
   */
  const guessedWhileLimited = new WeakMap<ReplaySocket, number>();

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

    "session:create": async (socket, { feed, kind, start }) => {
      const allowed = creates?.take(addressKey(socket.handshake.address)) ?? { ok: true };
      if (!allowed.ok) {
        throw refusal(ErrorReason.rateLimited, `Too many new sessions from this address; try again in ${Math.ceil(allowed.retryAfterMs / 1000)} s`);
      }
      const { session, secret } = await manager.create(feed, kind, start);
      socket.data.roles[session.id] = "presenter";
      await socket.join([sessionRoom(session.id), presenterRoom(session.id)]);
      presence.changed(session.id);
      return { ok: true, sessionId: session.id, code: session.state.code, secret, snapshot: session.snapshot(0), timeline: session.feed.timeline };
    },

    "session:join": async (socket, join) => {
      // Only lookups that find nothing are limited: a session that exists is
      // always joined (by code, id, as presenter or rejoining with `have`),
      // whatever its address guessed before.
      const byCode = !join.sessionId;
      const blockedUntil = byCode ? (guessedWhileLimited.get(socket) ?? 0) : 0;
      if (blockedUntil > now()) throw limitedRefusal(blockedUntil - now());
      const lookup = await guard.lookup(addressKey(socket.handshake.address), () => manager.find(join.sessionId ? { id: join.sessionId } : { code: join.code! }));
      if (lookup.status === "rate_limited") {
        if (byCode) guessedWhileLimited.set(socket, now() + lookup.retryAfterMs);
        throw limitedRefusal(lookup.retryAfterMs);
      }
      if (lookup.status === "unknown") throw refusal(ErrorReason.unknownSession, join.code ? `No session with code ${join.code}` : "No such session");
      const session = lookup.value;
      let role: "presenter" | "follower" = "follower";
      if (join.secret !== undefined) {
        if (!secretMatches(join.secret, session.state.secretHash)) throw refusal(ErrorReason.badSecret, "That presenter link is not valid for this session");
        role = "presenter";
      }
      // Extending the expiry needs the database; the join itself does not (the session is in memory).
      // During an outage the extension waits for the next command or join.
      await manager.touch(session).catch(() => undefined);
      socket.data.roles[session.id] = role;
      socket.data.sync[session.id] = { detached: false, skewMs: null, revision: null, silent: false };
      await socket.join(sessionRoom(session.id));
      if (role === "presenter") await socket.join(presenterRoom(session.id));
      else await socket.leave(presenterRoom(session.id));
      presence.changed(session.id);
      return { ok: true, role, snapshot: snapshotFor(role, session.snapshot(join.have?.cursor ?? 0)), timeline: session.feed.timeline };
    },

    "session:sync": async (socket, { sessionId, have }) => {
      const session = await joined(socket, sessionId);
      return { ok: true, snapshot: snapshotFor(socket.data.roles[sessionId]!, session.snapshot(have.cursor)) };
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
      delete socket.data.sync[sessionId];
      await socket.leave(sessionRoom(sessionId));
      await socket.leave(presenterRoom(sessionId));
      presence.changed(sessionId);
      return { ok: true };
    },

    "session:status": async (socket, { sessionId, detached }) => {
      await joined(socket, sessionId);
      const measure = socket.data.sync[sessionId];
      if (measure) measure.detached = detached;
      presence.changed(sessionId);
      return { ok: true };
    },

    ...questionHandlers({ io, questions, now, joined, rooms: { session: sessionRoom, presenters: presenterRoom } }),
  };

  async function joined(socket: ReplaySocket, sessionId: string) {
    if (!Object.hasOwn(socket.data.roles, sessionId)) throw refusal(ErrorReason.notJoined, "Join the session first");
    const session = await manager.find({ id: sessionId });
    if (!session) throw refusal(ErrorReason.unknownSession, "No such session");
    return session;
  }

  const presence = new PresenceCounter(io, (sessionId) => manager.loadedRevision(sessionId));
  const probing = setInterval(() => presence.probeWatchedSessions(now), PROBE_INTERVAL_MS);
  probing.unref();
  io.engine.on("close", () => clearInterval(probing));

  io.on("connection", (socket) => {
    socket.data.roles = {};
    socket.data.sync = {};
    socket.data.devices = {};
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
 * Tells a session's presenters how many followers and presenters are
 * connected, across all server processes, and how well the followers keep
 * up. Debounced: a class joining at once is one update. Followers of
 * sessions with a presenter watching are probed every few seconds: the
 * server sends its time, the follower answers with its estimate of the
 * server's time, and the difference (less half the round trip) is its skew.
 */
class PresenceCounter {
  private readonly pending = new Map<string, NodeJS.Timeout>();
  /** Sessions whose last count here found a presenter. */
  private readonly watched = new Set<string>();
  private readonly lastSent = new Map<string, string>();
  /** Counts that failed in a row, per session. */
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly io: ReplayServer,
    private readonly revisionOf: (sessionId: string) => number | undefined,
  ) {}

  changed(sessionId: string, delayMs = 250): void {
    if (this.pending.has(sessionId)) return;
    const timer = setTimeout(() => {
      this.pending.delete(sessionId);
      void this.send(sessionId, true);
    }, delayMs);
    timer.unref();
    this.pending.set(sessionId, timer);
  }

  probeWatchedSessions(now: () => number): void {
    for (const sessionId of this.watched) {
      const room = this.io.sockets.adapter.rooms.get(sessionRoom(sessionId));
      const probes: Array<Promise<void>> = [];
      for (const socketId of room ?? []) {
        const socket = this.io.sockets.sockets.get(socketId);
        if (socket && socket.data.roles[sessionId] === "follower") probes.push(probe(socket, sessionId, now));
      }
      void Promise.all(probes).then(() => this.send(sessionId, false));
    }
  }

  private async send(sessionId: string, always: boolean): Promise<void> {
    try {
      const sockets = await this.io.in(sessionRoom(sessionId)).timeout(1000).fetchSockets();
      this.failures.delete(sessionId);
      const presenterIds: string[] = [];
      const measures: FollowerMeasure[] = [];
      for (const socket of sockets) {
        if (socket.data.roles?.[sessionId] === "presenter") presenterIds.push(socket.id);
        else measures.push(socket.data.sync?.[sessionId] ?? { detached: false, skewMs: null, revision: null, silent: false });
      }
      if (presenterIds.length > 0) this.watched.add(sessionId);
      else {
        this.watched.delete(sessionId);
        this.lastSent.delete(sessionId);
      }
      const payload = { sessionId, followers: measures.length, presenters: presenterIds.length, sync: summarize(measures, this.revisionOf(sessionId)) };
      const key = JSON.stringify(payload);
      if (presenterIds.length === 0 || (!always && this.lastSent.get(sessionId) === key)) return;
      this.lastSent.set(sessionId, key);
      this.io.to(presenterIds).emit("session:presence", payload);
    } catch {
      // Another process did not answer in time (one that died is counted
      // until its heartbeats are missed): count again shortly, or the console
      // would wait for the next join or leave.
      const failures = (this.failures.get(sessionId) ?? 0) + 1;
      if (failures > PRESENCE_RETRIES) return void this.failures.delete(sessionId);
      this.failures.set(sessionId, failures);
      this.changed(sessionId, PRESENCE_RETRY_MS);
    }
  }
}

/** Measures one follower's clock against ours (see PresenceCounter). */
function probe(socket: ReplaySocket, sessionId: string, now: () => number): Promise<void> {
  const sent = now();
  return socket
    .timeout(PROBE_TIMEOUT_MS)
    .emitWithAck("session:probe", { sessionId, serverTime: sent })
    .then(
      (raw: unknown) => {
        const measure = socket.data.sync[sessionId];
        const answer = probeAnswerSchema.safeParse(raw);
        if (!measure) return;
        if (!answer.success) {
          measure.silent = true;
          return;
        }
        const received = now();
        Object.assign(measure, {
          detached: answer.data.detached,
          skewMs: answer.data.serverNow - (sent + received) / 2,
          revision: answer.data.revision,
          silent: false,
        });
      },
      () => {
        const measure = socket.data.sync[sessionId];
        if (measure) measure.silent = true;
      },
    );
}

/** Counts followers in sync, detached and lagging; skews rounded to 0.1 ms. */
export function summarize(measures: FollowerMeasure[], revision: number | undefined): FollowerSync {
  let inSync = 0;
  let detached = 0;
  let lagging = 0;
  const skews: number[] = [];
  for (const measure of measures) {
    if (measure.skewMs !== null) skews.push(Math.abs(measure.skewMs));
    if (measure.detached) detached++;
    else if (
      measure.silent ||
      (measure.skewMs !== null && Math.abs(measure.skewMs) > SYNC_TOLERANCE_MS) ||
      (measure.revision !== null && revision !== undefined && measure.revision < revision)
    )
      lagging++;
    else inSync++;
  }
  skews.sort((a, b) => a - b);
  const round = (ms: number | undefined) => (ms === undefined ? null : Math.round(ms * 10) / 10);
  const middle = skews.length / 2;
  const median = skews.length === 0 ? undefined : skews.length % 2 ? skews[Math.floor(middle)] : (skews[middle - 1]! + skews[middle]!) / 2;
  return { inSync, detached, lagging, maxSkewMs: round(skews.at(-1)), medianSkewMs: round(median) };
}

function snapshotFor(role: "presenter" | "follower", snapshot: Snapshot): Snapshot {
  return role === "presenter" ? snapshot : forFollowers(snapshot);
}

function limitedRefusal(waitMs: number) {
  return refusal(ErrorReason.rateLimited, `Too many unknown codes from this address; try again in ${Math.ceil(waitMs / 1000)} s`);
}

function tooManySockets(max: number): Refusal {
  return refused(ErrorReason.rateLimited, `Too many connections from this address (at most ${max}); close some tabs, or try again shortly`);
}

function refused(reason: ErrorReason, message: string): Refusal {
  return { ok: false, reason, message };
}

/** The one boundary where errors become answers. Unknown errors are logged, and the client hears "internal". */
function classify(error: unknown, event: string): Refusal {
  if (error instanceof RefusalError) return error.refusal;
  if (error instanceof QuestionError) return error.toRefusal();
  if (error instanceof RangeError) return refused(ErrorReason.invalidPayload, error.message);
  const code = (error as { code?: string }).code;
  if (code === "P1001" || code === "P2024" || code === "ECONNREFUSED" || /reach database|connection/i.test(String((error as Error).message))) {
    return refused(ErrorReason.unavailable, "The database is unavailable; try again shortly");
  }
  console.error(`relive: ${event} failed:`, error);
  return refused(ErrorReason.internal, "Something went wrong on the server");
}
