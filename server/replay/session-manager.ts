/**
 * The sessions this process serves. Loads them from PostgreSQL on demand,
 * applies commands through each session's queue (write, then broadcast),
 * and keeps other processes in step through socket.io's server-side events.
 */
import { ErrorReason, type Command, type SessionSettings, type SessionStart, type Snapshot } from "../../domain/protocol";
import * as clock from "../../domain/replay/clock";
import type { FeedTimeline, FeedTimelines } from "./feed-timeline";
import { applyCommand, pausePoints } from "./commands";
import { leadFor } from "./lead";
import { LiveSession, type LocalBroadcast } from "./live-session";
import { RefusalError } from "./refusals";
import { newSecret, SESSION_TTL_MS, type SessionKind, type SessionPersistence, type StoredSession } from "./session-store";

/**
 * A session's state as other processes hear of it: everything but the hash of
 * the presenter's secret, which each process loads from the database itself
 * and which need not travel (it checks presenters and keys student ids).
 */
export type SessionChange = Omit<StoredSession, "secretHash">;

export interface SessionManagerOptions {
  store: SessionPersistence;
  timelines: Pick<FeedTimelines, "get" | "at" | "keep">;
  now: () => number;
  broadcast: LocalBroadcast;
  /**
   * Tells other server processes that a session changed; `deliveringSince` is
   * when this process began to tell its own sockets (the relay counts from it).
   */
  publish: (change: SessionChange, deliveringSince: number) => void;
  /**
   * A fixed lead for every shared session (tests). Without it, each session's
   * lead is sized from its measured delivery (lead.ts, measuredDelivery()).
   */
  leadMs?: number;
  /** Unused sessions are unloaded after this long (they stay in the database). */
  idleUnloadMs?: number;
}

/** The lead of a shared session before its delivery is measured: the least (docs/PROTOCOL.md, "The lead"). */
export const LEAD_MS = leadFor(null);

/** How soon a stop that could not be written (the database is away) is tried again. */
const STOP_RETRY_MS = 1000;

/** How many of the latest writes of a command the write allowance looks back on (SessionManager.effectiveAt). */
const WRITES_REMEMBERED = 8;

export class SessionManager {
  private readonly live = new Map<string, LiveSession>();
  private readonly loading = new Map<string, Promise<LiveSession | undefined>>();
  /** How long the latest writes of a command took, ms (the oldest first). */
  private readonly writes: number[] = [];
  constructor(private readonly options: SessionManagerOptions) {}

  get loadedCount(): number {
    return this.live.size;
  }

  /** The clock revision of a session loaded in this process. */
  loadedRevision(sessionId: string): number | undefined {
    return this.live.get(sessionId)?.state.clock.revision;
  }

  /** A new session, paused at the pre-roll unless `start` says otherwise (docs/PROTOCOL.md, "A new session"). */
  async create(feedSlug: string, kind: SessionKind, start: SessionStart = {}): Promise<{ session: LiveSession; secret: string }> {
    const feed = await this.options.timelines.get(feedSlug);
    if (!feed) throw new RefusalError(ErrorReason.unknownFeed, `No feed called "${feedSlug}"`);
    const secret = newSecret();
    const now = this.options.now();
    const settings: SessionSettings = { pauseOn: start.pauseOn ?? "off", markedEntryKeys: start.markedEntryKeys ?? [], blanked: false };
    const t = feed.timeline;
    const opts = { pausePoints: pausePoints(settings, feed) };
    // Anchored at creation: nobody else holds the session yet, so no lead is needed.
    let initial = clock.initialClock(t, now);
    if (start.sim !== undefined) initial = clock.seek(initial, t, now, start.sim, opts);
    if (start.rate !== undefined) initial = clock.setRate(initial, t, now, start.rate, opts);
    if (start.idleLimitMs !== undefined) initial = clock.setIdleLimit(initial, t, now, start.idleLimitMs, opts);
    if (start.playing) initial = clock.play(initial, t, now, opts);
    const stored = await this.options.store.create({
      feedId: feed.id,
      feedVersion: feed.version,
      kind,
      secret,
      clock: { ...initial, revision: 0 },
      settings,
      pinnedCards: feed.defaultPins,
      now: new Date(now),
    });
    // After the session is written: a re-import dropping unused versions meanwhile cannot miss it.
    await this.options.timelines.keep(feed);
    return { session: this.adoptLoaded(stored, feed), secret };
  }

  /** The live session for an id or join code, loading it if needed; undefined if unknown. */
  async find(by: { id: string } | { code: string }): Promise<LiveSession | undefined> {
    if ("id" in by) {
      const loaded = this.live.get(by.id);
      if (loaded) return this.fresh(loaded);
    } else {
      for (const session of this.live.values()) if (session.state.code === by.code) return this.fresh(session);
    }
    const key = "id" in by ? `id:${by.id}` : `code:${by.code}`;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.load(by).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    const session = await pending;
    return session && this.fresh(session);
  }

  private fresh(session: LiveSession): LiveSession {
    if (session.state.expiresAt.getTime() < this.options.now()) {
      throw new RefusalError(ErrorReason.sessionExpired, "This session has expired. Ask the presenter to start a new one.");
    }
    session.lastUsed = this.options.now();
    return session;
  }

  private async load(by: { id: string } | { code: string }): Promise<LiveSession | undefined> {
    const stored = "id" in by ? await this.options.store.findById(by.id) : await this.options.store.findByCode(by.code);
    if (!stored) return undefined;
    const already = this.live.get(stored.id);
    if (already) return already;
    // The version it started on, even if the feed was re-imported since.
    const feed = await this.options.timelines.at(stored.feedSlug, stored.feedVersion);
    if (!feed) return undefined;
    const session = this.adoptLoaded(stored, feed);
    // A playing session whose stop fell due while no process had it loaded
    // stops where (and when) it would have.
    if (stored.clock.playing && clock.reachedStop(stored.clock, feed.timeline, this.options.now())) await this.stop(session);
    return session;
  }

  private adoptLoaded(stored: StoredSession, feed: FeedTimeline): LiveSession {
    const session = new LiveSession(stored, feed, {
      now: this.options.now,
      broadcast: this.options.broadcast,
      onStopReached: (reached) => void this.stop(reached),
    });
    if (this.options.leadMs !== undefined) session.leadMs = this.options.leadMs;
    this.live.set(stored.id, session);
    return session;
  }

  /** Marks a join as activity: the session lives on for its full TTL from now. */
  async touch(session: LiveSession): Promise<void> {
    const now = this.options.now();
    const expiresAt = new Date(now + SESSION_TTL_MS[session.state.kind]);
    session.state = { ...session.state, expiresAt };
    await this.options.store.touch(session.id, new Date(now), expiresAt);
  }

  /**
   * Applies a presenter's command. Runs in the session's queue; the new state
   * is written to PostgreSQL before anyone hears of it. If another process
   * moved the session first, the command is re-applied to the newer state,
   * so concurrent commands resolve in one order everywhere.
   */
  control(session: LiveSession, command: Command): Promise<Snapshot["clock"]> {
    return session.enqueue(async () => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const now = this.options.now();
        const next = applyCommand(session.state, session.feed, command, this.effectiveAt(session, now));
        if ("ok" in next) throw new RefusalError(next.reason, next.message);
        const expiresAt = new Date(now + SESSION_TTL_MS[next.kind]);
        const saved = { ...next, expiresAt };
        const written = await this.options.store.save(saved, session.state.clock.revision, new Date(now));
        this.writes.push(this.options.now() - now);
        if (this.writes.length > WRITES_REMEMBERED) this.writes.shift();
        if (written) {
          this.adoptAndPublish(session, saved);
          return saved.clock;
        }
        await this.reload(session);
      }
      throw new RefusalError(ErrorReason.conflict, "The session kept changing under this command; try again");
    });
  }

  /**
   * The presence probes measured how long the slowest follower of a session
   * (on any process) took to answer: its lead and entry window follow
   * (lead.ts). Null: nobody answered, so the least lead applies.
   */
  measuredDelivery(sessionId: string, slowestRoundTripMs: number | null): void {
    const session = this.live.get(sessionId);
    if (session && this.options.leadMs === undefined) session.leadMs = leadFor(slowestRoundTripMs);
  }

  /**
   * When a command given at `now` takes effect. A shared session's changes
   * take effect its lead ahead, so that every follower holds them before they
   * apply, plus the write allowance: nobody hears of a change before it is
   * written, so the slowest of the latest writes is added (it is 0 for a
   * fixed lead, in tests). A change that arrives while an earlier one is still
   * pending joins it at the same instant: clients then need only the clock in
   * force now and the newest clock, however closely commands follow each
   * other (two consoles, a key's auto-repeat, a clicker).
   */
  private effectiveAt(session: LiveSession, now: number): number {
    if (session.state.kind !== "shared") return now;
    const pending = session.state.clock.serverTimeAtAnchor;
    if (pending > now) return pending;
    const writeAllowance = this.options.leadMs === undefined && this.writes.length > 0 ? Math.ceil(Math.max(...this.writes)) : 0;
    return now + session.leadMs + writeAllowance;
  }

  /**
   * A playing clock reached its stop: pause exactly there. Clients stop on
   * time by themselves; if the database cannot take the paused state now, it
   * is written as soon as it can (retried every STOP_RETRY_MS).
   */
  private stop(session: LiveSession): Promise<void> {
    return session
      .enqueue(async () => {
        const current = session.state;
        if (!current.clock.playing || !clock.reachedStop(current.clock, session.feed.timeline, this.options.now())) return;
        const stopped = { ...current, clock: clock.stopTransition(current.clock, session.feed.timeline) };
        if (await this.options.store.save(stopped, current.clock.revision, new Date(this.options.now()))) {
          this.adoptAndPublish(session, stopped);
        } else {
          await this.reload(session); // another process stopped it first
        }
      })
      .catch(() => {
        if (this.live.get(session.id) !== session) return; // unloaded or closed meanwhile
        setTimeout(() => void this.stop(session), STOP_RETRY_MS).unref();
      });
  }

  /** A state just written: this process's sockets hear of it, then the other processes. */
  private adoptAndPublish(session: LiveSession, saved: StoredSession): void {
    const deliveringSince = this.options.now();
    session.adopt(saved);
    this.options.publish(withoutSecret(saved), deliveringSince);
  }

  private async reload(session: LiveSession): Promise<void> {
    const stored = await this.options.store.findById(session.id);
    if (!stored) throw new RefusalError(ErrorReason.unknownSession, "This session no longer exists");
    if (stored.clock.revision !== session.state.clock.revision) session.adopt(stored);
  }

  /**
   * Another process changed a session and began to deliver it at `sentAt`
   * (server time); if the session is loaded here, follow (keeping the secret's
   * hash loaded here), and note how long the change took to get here:
   * followers on this process hear of it that much later, so the session's
   * lead counts it (presence.ts).
   */
  onRemoteChange(change: SessionChange, sentAt: number): void {
    const session = this.live.get(change.id);
    if (!session) return;
    void session.enqueue(async () => {
      if (change.clock.revision <= session.state.clock.revision) return;
      session.relayMs = Math.max(0, this.options.now() - sentAt);
      session.adopt({ ...change, secretHash: session.state.secretHash });
    });
  }

  /** How long the last change made elsewhere took to reach this process (0: none, or not loaded). */
  relayMs(sessionId: string): number {
    return this.live.get(sessionId)?.relayMs ?? 0;
  }

  /**
   * The feed was deleted, and its sessions with it (the rows cascade):
   * unloads those loaded here and returns their ids, for their sockets to
   * hear that they ended.
   */
  unloadFeed(slug: string): string[] {
    const ended = [...this.live.values()].filter((session) => session.state.feedSlug === slug);
    for (const session of ended) {
      session.close();
      this.live.delete(session.id);
    }
    return ended.map((session) => session.id);
  }

  /** Unloads sessions nobody here has used for a while; `inUse` says whether sockets are attached. */
  prune(inUse: (sessionId: string) => boolean): void {
    const cutoff = this.options.now() - (this.options.idleUnloadMs ?? 10 * 60_000);
    for (const [id, session] of this.live) {
      if (session.lastUsed < cutoff && !inUse(id)) {
        session.close();
        this.live.delete(id);
      }
    }
  }

  close(): void {
    for (const session of this.live.values()) session.close();
    this.live.clear();
  }
}

function withoutSecret({ secretHash: _secretHash, ...change }: StoredSession): SessionChange {
  return change;
}
