/**
 * The client side of a replay: clock sync with the server, and a session's
 * state kept exactly in step with it (snapshot, then stream). Used by the
 * browser UI, the command-line follower and the benchmarks; it runs in both
 * Node and browsers and takes its socket and clock as arguments.
 */
import type { Socket } from "socket.io-client";
// Types only from the protocol: the browser bundle must not load zod.
import type {
  ClientAcks,
  ClientEventName,
  ClientPayload,
  ClientToServerEvents,
  Command,
  FollowerSync,
  ProtocolEntry,
  Refusal,
  ServerPayload,
  ServerToClientEvents,
  Snapshot,
} from "../domain/protocol";
import * as clock from "../domain/replay/clock";

export type ReplaySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Refusals worth asking again about: the server was busy or its database away. */
const TRANSIENT_REFUSALS: ReadonlySet<string> = new Set(["rate_limited", "unavailable", "conflict", "internal"]);

/** A monotonic wall clock in epoch milliseconds. */
export const monotonicNow = (): number => performance.timeOrigin + performance.now();

export class RequestRefused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
    this.name = "RequestRefused";
  }
}

/** Sends one event and resolves with its acknowledgement, or rejects with the refusal. */
export async function request<E extends ClientEventName>(socket: ReplaySocket, event: E, payload: ClientPayload<E>, timeoutMs = 10_000): Promise<ClientAcks[E]> {
  const emit = socket.timeout(timeoutMs).emitWithAck as unknown as (event: E, payload: ClientPayload<E>) => Promise<ClientAcks[E] | Refusal>;
  const response = await emit.call(socket.timeout(timeoutMs), event, payload);
  if (!response.ok) throw new RequestRefused(response);
  return response;
}

/**
 * NTP-style offset estimate: several ping samples, keeping the one with the
 * smallest round trip (its midpoint is the least uncertain), re-run
 * periodically. serverNow() = local monotonic time + offset.
 */
export class ClockSync {
  offset = 0;
  /** Round-trip time of the sample in use, ms. */
  roundTrip = Number.POSITIVE_INFINITY;
  synced = false;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly socket: ReplaySocket,
    private readonly now: () => number = monotonicNow,
  ) {}

  serverNow(): number {
    return this.now() + this.offset;
  }

  async sync(samples = 8): Promise<void> {
    let best: { offset: number; roundTrip: number } | undefined;
    for (let i = 0; i < samples; i++) {
      const t0 = this.now();
      const { serverTime } = await request(this.socket, "time:ping", { t0 });
      const t1 = this.now();
      const roundTrip = t1 - t0;
      if (!best || roundTrip < best.roundTrip) best = { offset: serverTime - (t0 + t1) / 2, roundTrip };
    }
    if (best) {
      this.offset = best.offset;
      this.roundTrip = best.roundTrip;
      this.synced = true;
    }
  }

  /** Re-syncs every `intervalMs` (clocks drift; networks change). */
  start(intervalMs = 30_000): void {
    this.stop();
    this.timer = setInterval(() => void this.sync().catch(() => undefined), intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export interface SessionView {
  sessionId: string;
  feed: string;
  code: string | null;
  role: "presenter" | "follower";
  timeline: clock.Timeline;
  clock: clock.ClockState;
  previousClock: clock.ClockState | null;
  /** Entries received so far: the feed's first `entries.length` entries in replay order. */
  entries: ProtocolEntry[];
  pinnedCards: string[];
  revealedCards: string[];
  settings: Snapshot["settings"];
  expiresAt: string;
}

export type ReplayEvent =
  | { type: "state"; view: SessionView }
  | { type: "entries"; added: ProtocolEntry[]; view: SessionView }
  | { type: "resynced"; view: SessionView }
  | { type: "presence"; followers: number; presenters: number; sync: FollowerSync }
  /** The session could not be followed any more (expired, deleted, refused). */
  | { type: "lost"; reason: string; message: string };

/**
 * One session as a client sees it. Entries arrive once each and in order:
 * a message that does not continue from what the client holds (a gap after a
 * reconnect, say) triggers `session:sync`, and duplicates are ignored.
 */
export class ReplayClient {
  readonly sync: ClockSync;
  view: SessionView | undefined;
  private secret: string | undefined;
  private readonly listeners = new Set<(event: ReplayEvent) => void>();
  private syncing: Promise<void> | undefined;
  /**
   * A follower reading on its own: its private clock, or null while it
   * follows the session. Never ahead of the session's own moment.
   */
  private privateClock: clock.ClockState | null = null;

  constructor(
    readonly socket: ReplaySocket,
    now: () => number = monotonicNow,
  ) {
    this.sync = new ClockSync(socket, now);
    socket.on("session:state", (snapshot) => this.onState(snapshot));
    socket.on("session:entries", (payload) => this.onEntries(payload));
    socket.on("session:presence", ({ sessionId, followers, presenters, sync }) => {
      if (sessionId === this.view?.sessionId) this.emit({ type: "presence", followers, presenters, sync });
    });
    // The server measuring how well we keep up: answer with our view of its clock.
    socket.on("session:probe", (_probe, ack) => {
      ack({
        serverNow: this.sync.serverNow(),
        revision: this.view?.clock.revision ?? 0,
        cursor: this.view?.entries.length ?? 0,
        detached: this.detached,
      });
    });
    // socket.io reconnects by itself; rejoin with what we hold.
    socket.io.on("reconnect", () => void this.rejoin());
  }

  on(listener: (event: ReplayEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async create(feed: string, kind: "solo" | "shared"): Promise<{ secret: string; code: string | null }> {
    if (!this.sync.synced) await this.sync.sync();
    const response = await request(this.socket, "session:create", { feed, kind });
    this.secret = response.secret;
    this.adopt(response.snapshot, "presenter", response.timeline);
    this.sync.start();
    return { secret: response.secret, code: response.code };
  }

  async join(target: { code: string } | { sessionId: string }, secret?: string): Promise<SessionView> {
    if (!this.sync.synced) await this.sync.sync();
    const response = await request(this.socket, "session:join", { ...target, ...(secret ? { secret } : {}) });
    this.secret = secret;
    this.adopt(response.snapshot, response.role, response.timeline);
    this.sync.start();
    return this.view!;
  }

  /** Whether this follower reads on its own clock rather than the session's. */
  get detached(): boolean {
    return this.privateClock !== null;
  }

  async control(command: Command): Promise<clock.ClockState> {
    if (!this.view) throw new Error("Join a session first");
    if (this.view.role === "follower") return this.controlPrivately(command);
    const predicted = this.predict(command);
    try {
      const { clock: next } = await request(this.socket, "session:control", { sessionId: this.view.sessionId, command });
      return next;
    } catch (error) {
      if (predicted) await this.resync().catch(() => undefined); // undo the prediction
      throw error;
    }
  }

  /**
   * A solo session's presenter sees a clock command take effect in the same
   * frame: the transition is computed here with the same pure clock code the
   * server runs, and the server's state (same revision) replaces it a moment
   * later. Shared sessions never predict: every screen flips on the server's
   * word. Returns whether a prediction was applied.
   */
  private predict(command: Command): boolean {
    const view = this.view;
    if (!view || view.role !== "presenter" || view.code !== null || view.settings.pauseOn === "marked" || !clock.isClockCommand(command)) return false;
    const opts = { pausePoints: view.settings.pauseOn === "every" ? view.timeline.entryTimes : [] };
    const at = this.sync.serverNow();
    try {
      view.clock = clock.applyClockCommand(clock.effectiveState(view.previousClock, view.clock, at), view.timeline, at, command, opts);
    } catch {
      return false; // the server will refuse it with a reason
    }
    view.previousClock = null;
    this.emit({ type: "state", view });
    return true;
  }

  /**
   * A follower's controls move a private clock ("detached"): to read back or
   * scrub on their own, never past the session's moment, until backToLive().
   */
  private controlPrivately(command: Command): clock.ClockState {
    const view = this.view!;
    if (!clock.isClockCommand(command)) throw new RequestRefused({ ok: false, reason: "not_presenter", message: "Only the presenter can change this for the class" });
    const at = this.sync.serverNow();
    const from = this.privateClock ?? { ...this.liveClock()!, stopAt: null };
    const wasDetached = this.detached;
    this.privateClock = clock.applyClockCommand(from, view.timeline, at, command, { pausePoints: [] });
    if (!wasDetached) this.reportStatus();
    this.emit({ type: "state", view });
    return this.privateClock;
  }

  /** Back on the session's clock after reading on one's own. */
  backToLive(): void {
    if (!this.detached || !this.view) return;
    this.privateClock = null;
    this.reportStatus();
    this.emit({ type: "state", view: this.view });
  }

  private reportStatus(): void {
    const view = this.view;
    if (!view || view.role !== "follower") return;
    request(this.socket, "session:status", { sessionId: view.sessionId, detached: this.detached }).catch(() => undefined);
  }

  /** The session's clock in force now, whatever this client reads. */
  liveClock(): clock.ClockState | undefined {
    if (!this.view) return undefined;
    return clock.effectiveState(this.view.previousClock, this.view.clock, this.sync.serverNow());
  }

  /** The session's simulated time now. */
  liveSimTime(serverNow = this.sync.serverNow()): number | undefined {
    if (!this.view) return undefined;
    const state = clock.effectiveState(this.view.previousClock, this.view.clock, serverNow);
    return clock.simTimeAt(state, this.view.timeline, serverNow);
  }

  /** The clock this client shows now: the session's (a change may be announced shortly before it applies), or its private one. */
  currentClock(): clock.ClockState | undefined {
    return this.privateClock ?? this.liveClock();
  }

  /** Simulated time shown now, computed locally from the clock state and the synced server time. */
  simTime(serverNow = this.sync.serverNow()): number | undefined {
    const live = this.liveSimTime(serverNow);
    if (!this.privateClock || live === undefined) return live;
    return Math.min(clock.simTimeAt(this.privateClock, this.view!.timeline, serverNow), live);
  }

  /** Entries whose time has come, in replay order. */
  visibleEntries(): ProtocolEntry[] {
    const sim = this.simTime();
    if (!this.view || sim === undefined) return [];
    const shown = clock.entriesShownAt(this.view.timeline, sim);
    return this.view.entries.slice(0, shown);
  }

  close(): void {
    this.sync.stop();
    this.socket.off("session:state");
    this.socket.off("session:entries");
  }

  private adopt(snapshot: Snapshot, role: "presenter" | "follower", timeline: clock.Timeline): void {
    this.view = {
      sessionId: snapshot.sessionId,
      feed: snapshot.feed,
      code: snapshot.code,
      role,
      timeline,
      clock: snapshot.clock,
      previousClock: snapshot.previousClock,
      entries: snapshot.entries, // a first snapshot is relative to nothing held: base 0
      pinnedCards: snapshot.pinnedCards,
      revealedCards: snapshot.revealedCards,
      settings: snapshot.settings,
      expiresAt: snapshot.expiresAt,
    };
    this.emit({ type: "state", view: this.view });
  }

  private onState(snapshot: ServerPayload<"session:state">): void {
    const view = this.view;
    if (!view || snapshot.sessionId !== view.sessionId) return;
    if (snapshot.clock.revision < view.clock.revision) return; // stale (reordered) state
    if (snapshot.base > view.entries.length) return this.resyncInBackground();
    takeSnapshot(view, snapshot);
    this.emit({ type: "state", view });
  }

  private onEntries(payload: ServerPayload<"session:entries">): void {
    const view = this.view;
    if (!view || payload.sessionId !== view.sessionId) return;
    const held = view.entries.length;
    if (payload.to <= held) return; // already have them
    if (payload.from > held) return this.resyncInBackground(); // a gap
    const added = payload.entries.slice(held - payload.from);
    view.entries = [...view.entries, ...added];
    this.emit({ type: "entries", added, view });
  }

  private resyncInBackground(): void {
    this.resync().catch((error: unknown) => this.lost(error));
  }

  private lost(error: unknown): void {
    const refusal = error instanceof RequestRefused ? error.refusal : undefined;
    this.emit({ type: "lost", reason: refusal?.reason ?? "unavailable", message: refusal?.message ?? String(error) });
  }

  /** Asks for what we are missing; one request at a time. */
  resync(): Promise<void> {
    if (!this.view) return Promise.resolve();
    this.syncing ??= (async () => {
      try {
        const view = this.view!;
        const { snapshot } = await request(this.socket, "session:sync", {
          sessionId: view.sessionId,
          have: { revision: view.clock.revision, cursor: view.entries.length },
        });
        this.applySnapshot(snapshot);
      } finally {
        this.syncing = undefined;
      }
    })();
    return this.syncing;
  }

  /**
   * After a reconnect: join again with what we hold. Only a refusal that
   * will not change (the session is gone or expired, the key is wrong) loses
   * the session; a busy or unavailable server is asked again with backoff,
   * and a connection that drops mid-way rejoins on its next reconnect.
   */
  private async rejoin(attempt = 0): Promise<void> {
    if (!this.view) return;
    const view = this.view;
    try {
      const response = await request(this.socket, "session:join", {
        sessionId: view.sessionId,
        ...(this.secret ? { secret: this.secret } : {}),
        have: { revision: view.clock.revision, cursor: view.entries.length },
      });
      this.applySnapshot(response.snapshot);
      if (this.detached) this.reportStatus();
      await this.sync.sync().catch(() => undefined); // a failed sync is retried by the periodic one
    } catch (error) {
      if (error instanceof RequestRefused && !TRANSIENT_REFUSALS.has(error.refusal.reason)) return this.lost(error);
      if (!this.socket.connected) return; // the next "reconnect" rejoins
      const delay = Math.min(10_000, 1000 * 2 ** attempt);
      setTimeout(() => void this.rejoin(attempt + 1), delay);
    }
  }

  private applySnapshot(snapshot: Snapshot): void {
    const view = this.view!;
    if (snapshot.clock.revision < view.clock.revision) {
      // An answer overtaken by a newer broadcast: ask again rather than apply it.
      setTimeout(() => this.resyncInBackground(), 0);
      return;
    }
    takeSnapshot(view, snapshot);
    this.emit({ type: "resynced", view });
  }

  private emit(event: ReplayEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/**
 * Applies a snapshot to what a client holds: keep the first `base` entries,
 * append the snapshot's, take its clock, pins and settings.
 */
function takeSnapshot(view: SessionView, snapshot: Snapshot): void {
  view.entries = [...view.entries.slice(0, Math.min(snapshot.base, view.entries.length)), ...snapshot.entries];
  Object.assign(view, {
    code: snapshot.code,
    clock: snapshot.clock,
    previousClock: snapshot.previousClock,
    pinnedCards: snapshot.pinnedCards,
    revealedCards: snapshot.revealedCards,
    settings: snapshot.settings,
    expiresAt: snapshot.expiresAt,
  });
}
