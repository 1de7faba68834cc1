/**
 * A session loaded in this process: its state, the entries this process has
 * pushed to its own sockets, and the timer that pushes the next ones.
 *
 * Emission is scheduled against absolute target times computed from the
 * clock (serverTimeOfSim), and every wake-up runs a catch-up loop that sends
 * everything due within the entry window from now (lead.ts): entries reach
 * clients before their instant, and clients show each at its instant. Nothing
 * accumulates per tick, so a late timer or a busy event loop never makes the
 * replay drift.
 */
import type { ProtocolEntry, Snapshot } from "../../domain/protocol";
import * as clock from "../../domain/replay/clock";
import type { FeedTimeline } from "./feed-timeline";
import { entryWindowMs, leadFor } from "./lead";
import type { StoredSession } from "./session-store";

export interface LocalBroadcast {
  /** The session changed; every local socket in its room gets this. */
  state(session: LiveSession, snapshot: Snapshot): void;
  /** Entries came within the entry window: entries[from..to). */
  entries(session: LiveSession, payload: { from: number; to: number; entries: ProtocolEntry[] }): void;
}

export interface LiveSessionOptions {
  now: () => number;
  broadcast: LocalBroadcast;
  /** A playing clock reached its stop (pause point or end): the owner pauses it there, through the store. */
  onStopReached: (session: LiveSession) => void;
}

export class LiveSession {
  /** The state in force before `state.clock` takes effect (anchored in the future). */
  private previousClock: clock.ClockState | null = null;
  /** Entries [0..cursor) have been pushed to this process's sockets. */
  private emitted = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** One queue per session: commands never interleave (write, then broadcast). */
  private queue: Promise<unknown> = Promise.resolve();
  lastUsed: number;
  /** How long the last change made on another process took to reach this one, ms (SessionManager.onRemoteChange). */
  relayMs = 0;
  /** How far ahead this session's clock changes take effect (SessionManager sizes it). */
  private lead = leadFor(null);
  private readonly now: () => number;
  private readonly broadcast: LocalBroadcast;
  private readonly onStopReached: (session: LiveSession) => void;

  constructor(
    public state: StoredSession,
    readonly feed: FeedTimeline,
    options: LiveSessionOptions,
  ) {
    ({ now: this.now, broadcast: this.broadcast, onStopReached: this.onStopReached } = options);
    this.lastUsed = this.now();
    this.emitted = this.dueCursor(this.now());
    this.schedule();
  }

  get id(): string {
    return this.state.id;
  }

  /** Runs `task` after every earlier task of this session has finished. */
  enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  get leadMs(): number {
    return this.lead;
  }

  /** A new lead, from a new measure of delivery; the entry window follows it. */
  set leadMs(ms: number) {
    if (ms === this.lead) return;
    this.lead = ms;
    this.schedule();
  }

  /** The clock a client should use at `serverNow`. */
  clockAt(serverNow: number): clock.ClockState {
    return clock.effectiveState(this.previousClock, this.state.clock, serverNow);
  }

  simTime(serverNow: number): number {
    return clock.simTimeAt(this.clockAt(serverNow), this.feed.timeline, serverNow);
  }

  /**
   * Adopts a new state (from this process's command or another process) and
   * tells local sockets: entries a forward move revealed are appended in the
   * same message; a backward move truncates.
   */
  adopt(next: StoredSession): void {
    const now = this.now();
    // Until the new state takes effect, the clock in force now applies. A
    // change made while an earlier one is still pending shares its anchor
    // (SessionManager.control), so the clock in force is never a state that
    // has not taken effect yet, and two clocks describe every instant.
    this.previousClock = next.clock.serverTimeAtAnchor > now ? this.clockAt(now) : null;
    this.state = next;
    const from = this.emitted;
    this.emitted = this.dueCursor(now);
    this.broadcast.state(this, this.snapshot(Math.min(from, this.emitted)));
    this.schedule();
  }

  /** What a client holding entries[0..have) needs to catch up. */
  snapshot(have: number): Snapshot {
    const base = Math.min(have, this.emitted);
    return {
      sessionId: this.state.id,
      feed: this.feed.slug,
      code: this.state.code,
      clock: this.state.clock,
      previousClock: this.previousClock,
      base,
      cursor: this.emitted,
      entries: this.feed.entries.slice(base, this.emitted),
      pinnedCards: this.state.pinnedCards,
      revealedCards: this.state.revealedCards,
      settings: this.state.settings,
      expiresAt: this.state.expiresAt.toISOString(),
    };
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  /**
   * Entries to send by `serverNow`: those due within the entry window from
   * then, under the newest state. A state anchored slightly in the future
   * counts from its anchor: it is announced at once, with its entries, so
   * that every client flips at the same server instant. The clock stops at
   * its stopAt, so nothing past a pause point goes out before the class
   * plays on (clients show an entry once their simulated time reaches it).
   */
  private dueCursor(serverNow: number): number {
    const current = this.state.clock;
    const at = Math.max(serverNow, current.serverTimeAtAnchor) + entryWindowMs(this.lead);
    return clock.entriesShownAt(this.feed.timeline, clock.simTimeAt(current, this.feed.timeline, at));
  }

  private tick = (): void => {
    if (this.closed) return;
    const now = this.now();
    const due = this.dueCursor(now);
    if (due > this.emitted) {
      const from = this.emitted;
      this.emitted = due;
      this.broadcast.entries(this, { from, to: due, entries: this.feed.entries.slice(from, due) });
    }
    const current = this.state.clock;
    if (current.playing && now >= current.serverTimeAtAnchor && clock.reachedStop(current, this.feed.timeline, now)) {
      this.onStopReached(this);
      return; // the stop transition adopts a new state, which reschedules
    }
    this.schedule();
  };

  /**
   * Sleeps until the next thing can happen: a state taking effect, a stop
   * falling due, or the next entry coming within half the entry window (so
   * that one message carries the entries of half a window, each sent between
   * half a window and a whole one ahead).
   */
  private schedule(): void {
    clearTimeout(this.timer);
    if (this.closed) return;
    const now = this.now();
    const current = this.state.clock;
    const t = this.feed.timeline;
    let wake = Number.POSITIVE_INFINITY;
    if (current.serverTimeAtAnchor > now) wake = current.serverTimeAtAnchor;
    if (current.playing) {
      const nextEntry = t.entryTimes[this.emitted];
      const due = nextEntry === undefined ? null : clock.serverTimeOfSim(current, t, nextEntry);
      if (due !== null) wake = Math.min(wake, due - entryWindowMs(this.lead) / 2);
      if (current.stopAt !== null) wake = Math.min(wake, clock.serverTimeOfSim(current, t, current.stopAt) ?? Number.POSITIVE_INFINITY);
    }
    if (!Number.isFinite(wake)) return;
    // setTimeout has millisecond granularity and may fire early by a fraction:
    // the catch-up loop in tick() re-checks against the clock either way.
    this.timer = setTimeout(this.tick, Math.max(0, Math.ceil(wake - now)));
  }
}
