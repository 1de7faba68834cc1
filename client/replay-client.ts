/**
 * The client side of a replay: clock sync with the server, and a session's
 * state kept exactly in step with it (snapshot, then stream). Used by the
 * browser UI, the command-line follower and the benchmarks; it runs in both
 * Node and browsers and takes its socket and clock as arguments.
 */
// Types only from the protocol: the browser bundle must not load zod.
import type {
  Command,
  FollowerSync,
  ProtocolEntry,
  ServerPayload,
  ServerToClientEvents,
  SessionStart,
  Snapshot,
} from "../domain/protocol";
// The protocol's constants without zod (domain/protocol-constants.ts).
import { ErrorReason, refusal } from "../domain/protocol-constants";
import * as clock from "../domain/replay/clock";
import { pausePoints } from "../domain/replay/pause-points";
import { request, RequestRefused, type ReplaySocket } from "./request";

// One request and its refusal are request.ts's; said here too for the client's users.
export { request, RequestRefused, type ReplaySocket } from "./request";

/** Refusals worth asking again about: the server was busy or its database away. */
const TRANSIENT_REFUSALS: ReadonlySet<string> = new Set([ErrorReason.rateLimited, ErrorReason.unavailable, ErrorReason.conflict, ErrorReason.internal]);

/** A monotonic wall clock in epoch milliseconds. */
export const monotonicNow = (): number => performance.timeOrigin + performance.now();

/**
 * How fast an estimate's error may grow with its age: NTP's PHI, 15 ppm
 * (RFC 5905), the frequency tolerance it assumes of a computer's clock.
 */
export const CLOCK_DRIFT = 15e-6;

/**
 * NTP-style offset estimate: several ping samples, keeping the one with the
 * smallest round trip (its midpoint is the least uncertain), re-run
 * periodically. serverNow() = local monotonic time + offset.
 *
 * A sample's offset is wrong by at most half its round trip, and an older
 * one's by that plus the drift since. A re-sync keeps the estimate in use
 * when that bound is still the smaller and the two agree within their bounds:
 * a re-sync in a busy moment (slow round trips, one way slower than the
 * other) does not throw away a better estimate and move this screen off the
 * class's, while a clock that jumped (a device that slept) is followed.
 */
export class ClockSync {
  offset = 0;
  /** Round-trip time of the sample in use, ms. */
  roundTrip = Number.POSITIVE_INFINITY;
  synced = false;
  /** When the sample in use was taken (local ms). */
  private takenAt = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly socket: ReplaySocket,
    private readonly now: () => number = monotonicNow,
  ) {}

  serverNow(): number {
    return this.now() + this.offset;
  }

  /** Takes `samples` pings; `fresh`: use their best even if the estimate in use is better (after a reconnect, the server may be another). */
  async sync(samples = 8, { fresh = false } = {}): Promise<void> {
    let best: { offset: number; roundTrip: number; takenAt: number } | undefined;
    for (let i = 0; i < samples; i++) {
      const t0 = this.now();
      const { serverTime } = await request(this.socket, "time:ping", { t0 });
      const t1 = this.now();
      const roundTrip = t1 - t0;
      if (!best || roundTrip < best.roundTrip) best = { offset: serverTime - (t0 + t1) / 2, roundTrip, takenAt: t1 };
    }
    if (!best) return;
    if (this.synced && !fresh) {
      const bound = best.roundTrip / 2;
      const inUse = this.roundTrip / 2 + CLOCK_DRIFT * (best.takenAt - this.takenAt);
      if (inUse < bound && Math.abs(best.offset - this.offset) <= inUse + bound) return;
    }
    this.offset = best.offset;
    this.roundTrip = best.roundTrip;
    this.takenAt = best.takenAt;
    this.synced = true;
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
  /**
   * Entries whose instant has come on the session's clock: the feed's first
   * `entries.length` entries in replay order. The server sends entries ahead
   * of their instant; the client holds them and adds each here at its instant.
   */
  entries: ProtocolEntry[];
  pinnedCards: string[];
  revealedCards: string[];
  settings: Snapshot["settings"];
  expiresAt: string;
}

export type ReplayEvent =
  | { type: "state"; view: SessionView }
  /** Entries whose instant came (on the session's clock), in order; sent at that instant, not on arrival. */
  | { type: "entries"; added: ProtocolEntry[]; view: SessionView }
  | { type: "resynced"; view: SessionView }
  | { type: "presence"; followers: number; presenters: number; projectors: number; sync: FollowerSync }
  /** How many follow the session (told to everyone, for a projector's lobby and answer count). */
  | { type: "audience"; followers: number }
  /** The session could not be followed any more (expired, deleted, refused). */
  | { type: "lost"; reason: string; message: string };

/**
 * What this client is to its session, one of four:
 * - `solo`: the only viewer of a solo session, and so its presenter;
 * - `presenting`: a class session's presenter (a console or a remote);
 * - `following`: a follower on the class's clock;
 * - `detached`: a follower reading on its own clock, never ahead of the class.
 */
export type ClientMode =
  | { kind: "solo"; secret: string }
  | { kind: "presenting"; secret: string }
  | { kind: "following" }
  | { kind: "detached"; clock: clock.ClockState };

/**
 * One session as a client sees it. Entries arrive once each and in order:
 * a message that does not continue from what the client holds (a gap after a
 * reconnect, say) triggers `session:sync`, and duplicates are ignored. They
 * arrive ahead of their instant; the client holds them and releases each to
 * `view.entries` and its listeners when the session's clock reaches it.
 */
export class ReplayClient {
  readonly sync: ClockSync;
  view: SessionView | undefined;
  /** Undefined until the client has created or joined a session. */
  mode: ClientMode | undefined;
  private readonly listeners = new Set<(event: ReplayEvent) => void>();
  private syncing: Promise<void> | undefined;
  /** Undoes everything the constructor added to the socket; run by close(). */
  private readonly disposers: Array<() => void> = [];
  private closed = false;
  /** Joined as a projector: said again on every rejoin. */
  private screen: "projector" | undefined;
  /** Every entry the server has sent and not taken back: `view.entries` is a prefix of it (or, until a backward move takes effect, of the feed). */
  private received: ProtocolEntry[] = [];
  /** Wakes the client when the next held entry's instant (or a pending clock) comes. */
  private releaseTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly socket: ReplaySocket,
    now: () => number = monotonicNow,
  ) {
    this.sync = new ClockSync(socket, now);
    this.listen("session:state", (snapshot) => this.onState(snapshot));
    this.listen("session:entries", (payload) => this.onEntries(payload));
    this.listen("session:presence", ({ sessionId, followers, presenters, projectors, sync }) => {
      if (sessionId === this.view?.sessionId) this.emit({ type: "presence", followers, presenters, projectors, sync });
    });
    this.listen("session:audience", ({ sessionId, followers }) => {
      if (sessionId === this.view?.sessionId) this.emit({ type: "audience", followers });
    });
    this.listen("session:ended", ({ sessionId, reason, message }) => {
      if (sessionId === this.view?.sessionId) this.emit({ type: "lost", reason, message });
    });
    // The server measuring how well we keep up: answer with our view of its clock.
    this.listen("session:probe", (_probe, ack) => {
      ack({
        serverNow: this.sync.serverNow(),
        revision: this.view?.clock.revision ?? 0,
        cursor: this.cursor,
        detached: this.detached,
      });
    });
    // socket.io reconnects by itself; rejoin with what we hold.
    const onReconnect = () => void this.rejoin();
    socket.io.on("reconnect", onReconnect);
    this.disposers.push(() => socket.io.off("reconnect", onReconnect));
  }

  /** Adds a handler to the socket that close() removes again (and only it: the socket may be shared). */
  private listen<E extends keyof ServerToClientEvents>(event: E, handler: ServerToClientEvents[E]): void {
    const socket = this.socket as unknown as { on(event: string, handler: unknown): void; off(event: string, handler: unknown): void };
    socket.on(event, handler);
    this.disposers.push(() => socket.off(event, handler));
  }

  on(listener: (event: ReplayEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Creates a session, already at `start` if given, and presents it. */
  async create(feed: string, kind: "solo" | "shared", start?: SessionStart): Promise<{ sessionId: string; secret: string; code: string | null; expiresAt: string }> {
    if (!this.sync.synced) await this.sync.sync();
    const response = await request(this.socket, "session:create", { feed, kind, ...(start ? { start } : {}) });
    this.mode = kind === "solo" ? { kind: "solo", secret: response.secret } : { kind: "presenting", secret: response.secret };
    this.adopt(response.snapshot, "presenter", response.timeline);
    this.sync.start();
    return { sessionId: response.sessionId, secret: response.secret, code: response.code, expiresAt: response.snapshot.expiresAt };
  }

  /** Joins a session: with its secret as presenter, else as a follower (`screen: "projector"` for a projector, not counted as following). */
  async join(target: { code: string } | { sessionId: string }, secret?: string, screen?: "projector"): Promise<SessionView> {
    if (!this.sync.synced) await this.sync.sync();
    this.screen = screen;
    const response = await request(this.socket, "session:join", { ...target, ...(secret ? { secret } : {}), ...(screen ? { screen } : {}) });
    if (response.role === "follower") this.mode = { kind: "following" };
    else this.mode = response.snapshot.code === null ? { kind: "solo", secret: secret! } : { kind: "presenting", secret: secret! };
    this.adopt(response.snapshot, response.role, response.timeline);
    this.sync.start();
    return this.view!;
  }

  /** How many entries the client holds, shown or not yet: its place in the entries stream. */
  get cursor(): number {
    return this.received.length;
  }

  /** Whether this follower reads on its own clock rather than the session's. */
  get detached(): boolean {
    return this.mode?.kind === "detached";
  }

  /** The presenter key this client joined with, if it presents. */
  private get secret(): string | undefined {
    return this.mode?.kind === "solo" || this.mode?.kind === "presenting" ? this.mode.secret : undefined;
  }

  async control(command: Command): Promise<clock.ClockState> {
    if (!this.view) throw new Error("Join a session first");
    if (this.mode?.kind === "following" || this.mode?.kind === "detached") return this.controlPrivately(command);
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
    if (!view || this.mode?.kind !== "solo" || !clock.isClockCommand(command)) return false;
    const points = pausePoints(view.settings, view.timeline, this.received.map((entry) => entry.key));
    if (points === undefined) return false; // the server knows where the next marked entry is; this client does not
    const opts = { pausePoints: points };
    const at = this.sync.serverNow();
    try {
      view.clock = clock.applyClockCommand(clock.effectiveState(view.previousClock, view.clock, at), view.timeline, at, command, opts);
    } catch {
      return false; // the server will refuse it with a reason
    }
    view.previousClock = null;
    this.release(true);
    this.emit({ type: "state", view });
    return true;
  }

  /**
   * A follower's controls move a private clock ("detached"): to read back or
   * scrub on their own, never past the session's moment, until backToLive().
   */
  private controlPrivately(command: Command): clock.ClockState {
    const view = this.view!;
    if (!clock.isClockCommand(command)) throw new RequestRefused(refusal(ErrorReason.notPresenter, "Only the presenter can change this for the class"));
    const at = this.sync.serverNow();
    const from = this.mode?.kind === "detached" ? this.mode.clock : { ...this.liveClock()!, stopAt: null };
    const wasDetached = this.detached;
    const privateClock = clock.applyClockCommand(from, view.timeline, at, command, { pausePoints: [] });
    this.mode = { kind: "detached", clock: privateClock };
    if (!wasDetached) this.reportStatus();
    this.emit({ type: "state", view });
    return privateClock;
  }

  /** Back on the session's clock after reading on one's own. */
  backToLive(): void {
    if (!this.detached || !this.view) return;
    this.mode = { kind: "following" };
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
    return this.mode?.kind === "detached" ? this.mode.clock : this.liveClock();
  }

  /**
   * The clock this screen's controls act on. A presenter's is the session's
   * newest, also while it is announced and not yet in force (up to the
   * lead): a second press within the lead builds on the first, so Pause
   * takes back a Play the class has not seen yet, and a second "faster"
   * goes faster again. A follower's controls act on its own clock, from now.
   */
  controlClock(): clock.ClockState | undefined {
    return this.secret !== undefined ? this.view?.clock : this.currentClock();
  }

  /** The simulated time those controls start from: where the newest clock takes the class once it is in force. */
  controlSimTime(): number | undefined {
    const view = this.view;
    if (!view || this.secret === undefined) return this.simTime();
    return clock.simTimeAt(view.clock, view.timeline, Math.max(this.sync.serverNow(), view.clock.serverTimeAtAnchor));
  }

  /** Simulated time shown now, computed locally from the clock state and the synced server time. */
  simTime(serverNow = this.sync.serverNow()): number | undefined {
    const live = this.liveSimTime(serverNow);
    if (this.mode?.kind !== "detached" || live === undefined) return live;
    return Math.min(clock.simTimeAt(this.mode.clock, this.view!.timeline, serverNow), live);
  }

  /** Entries whose time has come, in replay order. */
  visibleEntries(): ProtocolEntry[] {
    const sim = this.simTime();
    if (!this.view || sim === undefined) return [];
    const shown = clock.entriesShownAt(this.view.timeline, sim);
    return this.view.entries.slice(0, shown);
  }

  /** Stops everything this client started and removes every handler it added; the socket is left to its owner. */
  close(): void {
    this.closed = true;
    clearTimeout(this.releaseTimer);
    this.sync.stop();
    for (const dispose of this.disposers.splice(0)) dispose();
    this.listeners.clear();
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
      entries: [],
      pinnedCards: snapshot.pinnedCards,
      revealedCards: snapshot.revealedCards,
      settings: snapshot.settings,
      expiresAt: snapshot.expiresAt,
    };
    this.received = snapshot.entries; // a first snapshot is relative to nothing held: base 0
    this.release(false);
    this.emit({ type: "state", view: this.view });
  }

  private onState(snapshot: ServerPayload<"session:state">): void {
    const view = this.view;
    if (!view || snapshot.sessionId !== view.sessionId) return;
    if (snapshot.clock.revision < view.clock.revision) return; // stale (reordered) state
    if (snapshot.base > this.received.length) return this.resyncInBackground();
    this.takeSnapshot(snapshot);
    this.emit({ type: "state", view });
  }

  private onEntries(payload: ServerPayload<"session:entries">): void {
    const view = this.view;
    if (!view || payload.sessionId !== view.sessionId) return;
    const held = this.received.length;
    if (payload.to <= held) return; // already have them
    if (payload.from > held) return this.resyncInBackground(); // a gap
    this.received = [...this.received, ...payload.entries.slice(held - payload.from)];
    this.release(true);
  }

  /**
   * Moves the held entries whose instant has come on the session's clock
   * into `view.entries` (telling listeners if `announce`), and sleeps until
   * the next one's instant or the pending clock's anchor, whichever is first.
   * Scheduled against absolute instants and re-checked on waking: a timer
   * that fires early releases nothing and sleeps again.
   */
  private release(announce: boolean): void {
    clearTimeout(this.releaseTimer);
    const view = this.view;
    if (!view || this.closed) return;
    const serverNow = this.sync.serverNow();
    const pending = view.previousClock !== null && view.clock.serverTimeAtAnchor > serverNow;
    const live = clock.effectiveState(view.previousClock, view.clock, serverNow);
    const due = Math.min(this.received.length, clock.entriesShownAt(view.timeline, clock.simTimeAt(live, view.timeline, serverNow)));
    // A backward move takes entries away when it takes effect, not when it is announced.
    if (due < view.entries.length && !pending) view.entries = this.received.slice(0, due);
    else if (due > view.entries.length) {
      const added = this.received.slice(view.entries.length, due);
      view.entries = [...view.entries, ...added];
      if (announce) this.emit({ type: "entries", added, view });
    }
    if (due >= this.received.length && !pending) return;
    let wake = pending ? view.clock.serverTimeAtAnchor : Number.POSITIVE_INFINITY;
    const next = clock.serverTimeOfSim(live, view.timeline, view.timeline.entryTimes[due]!);
    if (next !== null) wake = Math.min(wake, next);
    if (!Number.isFinite(wake)) return;
    this.releaseTimer = setTimeout(() => this.release(true), Math.max(0, Math.ceil(wake - serverNow)));
  }

  /** A resync refused for a passing reason (busy, rate-limited, database away) is asked again; only a lasting one loses the session. */
  private resyncInBackground(attempt = 0): void {
    this.resync().catch((error: unknown) => {
      if (this.closed) return;
      if (error instanceof RequestRefused && !TRANSIENT_REFUSALS.has(error.refusal.reason)) return this.lost(error);
      if (!(error instanceof RequestRefused) && !this.socket.connected) return; // the rejoin after the reconnect catches up
      setTimeout(() => this.resyncInBackground(attempt + 1), Math.min(10_000, 1000 * 2 ** attempt));
    });
  }

  private lost(error: unknown): void {
    const refused = error instanceof RequestRefused ? error.refusal : undefined;
    this.emit({ type: "lost", reason: refused?.reason ?? ErrorReason.unavailable, message: refused?.message ?? String(error) });
  }

  /** Asks for what we are missing; one request at a time. */
  resync(): Promise<void> {
    if (!this.view) return Promise.resolve();
    this.syncing ??= (async () => {
      try {
        const view = this.view!;
        const { snapshot } = await request(this.socket, "session:sync", {
          sessionId: view.sessionId,
          have: { revision: view.clock.revision, cursor: this.cursor },
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
    if (!this.view || this.closed) return;
    const view = this.view;
    try {
      const response = await request(this.socket, "session:join", {
        sessionId: view.sessionId,
        ...(this.secret ? { secret: this.secret } : {}),
        ...(this.screen ? { screen: this.screen } : {}),
        have: { revision: view.clock.revision, cursor: this.cursor },
      });
      this.applySnapshot(response.snapshot);
      if (this.detached) this.reportStatus();
      await this.sync.sync(8, { fresh: true }).catch(() => undefined); // a failed sync is retried by the periodic one
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
    this.takeSnapshot(snapshot);
    this.emit({ type: "resynced", view });
  }

  /**
   * Applies a snapshot to what the client holds: keep the first `base`
   * entries, append the snapshot's, take its clock, pins and settings; then
   * release what is due under the new clock.
   */
  private takeSnapshot(snapshot: Snapshot): void {
    const view = this.view!;
    // Entries shown stay shown until the new clock takes effect (release), even if the stream took them back.
    this.received = [...this.received.slice(0, Math.min(snapshot.base, this.received.length)), ...snapshot.entries];
    Object.assign(view, {
      code: snapshot.code,
      clock: snapshot.clock,
      previousClock: snapshot.previousClock,
      pinnedCards: snapshot.pinnedCards,
      revealedCards: snapshot.revealedCards,
      settings: snapshot.settings,
      expiresAt: snapshot.expiresAt,
    });
    this.release(true);
  }

  private emit(event: ReplayEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
