/**
 * Who is in a session and how well its followers keep up, for its presenters.
 *
 * Counted across all server processes, debounced: a class joining at once is
 * one update. Each process sums up its own sockets in a session (a Census:
 * counts, skews and the slowest round trip) and sends that, not its sockets,
 * so a count of 10,000 followers over several processes moves their counts
 * and skews (tens of kB), not every socket's handshake and data.
 * Followers of sessions with a presenter watching are probed every
 * PROBE_INTERVAL_MS: the server sends its time, the follower answers with its
 * estimate of the server's time, and the difference (less half the round
 * trip) is its skew. The slowest answer's round trip, with the relay to its
 * process, sizes the session's lead (server/replay/lead.ts). Followers who
 * join between two rounds are probed when their join is counted, so a hall
 * that fills just before the teacher presses play already sizes the lead.
 */
import { probeAnswerSchema, SYNC_TOLERANCE_MS, type FollowerSync } from "../../../domain/protocol";
import { sessionRoom, type FollowerMeasure, type Peer, type Rooms } from "./transport";

/** How often the followers of a session with a presenter connected are measured. */
export const PROBE_INTERVAL_MS = 5_000;
const PROBE_TIMEOUT_MS = 2_000;
/** How long a count waits for the other processes to answer. */
const CENSUS_TIMEOUT_MS = 1_000;
/** A failed count is retried this often, this many times in a row (past a dead process's heartbeat timeout). */
const PRESENCE_RETRY_MS = 1_000;
const PRESENCE_RETRIES = 30;

/** One process's sockets in a session, summed up (what it tells the other processes). */
export interface Census {
  presenterIds: string[];
  /** Followers, projectors not included. */
  followers: number;
  projectors: number;
  inSync: number;
  detached: number;
  lagging: number;
  /** Each measured follower's |skew|, ms to 0.01 (projectors not included). */
  skews: number[];
  /** The slowest round trip of those that answered, relay included (slowestRoundTrip); null: none. */
  slowestRoundTripMs: number | null;
}

/** This process's sockets in a session, as a Census; `revision` is the session's clock revision here. */
export function censusOf(peers: ReadonlyArray<Pick<Peer, "id" | "data">>, sessionId: string, revision: number | undefined): Census {
  const presenterIds: string[] = [];
  const measures: FollowerMeasure[] = [];
  for (const peer of peers) {
    if (peer.data.roles?.[sessionId] === "presenter") presenterIds.push(peer.id);
    else measures.push(peer.data.sync?.[sessionId] ?? { detached: false, skewMs: null, revision: null, silent: false });
  }
  // Projectors show the class's screen: they are counted apart, not among those following.
  const following = measures.filter((measure) => !measure.projector);
  const census: Census = {
    presenterIds,
    followers: following.length,
    projectors: measures.length - following.length,
    inSync: 0,
    detached: 0,
    lagging: 0,
    skews: [],
    slowestRoundTripMs: slowestRoundTrip(measures),
  };
  for (const measure of following) {
    if (measure.skewMs !== null) census.skews.push(Math.round(Math.abs(measure.skewMs) * 100) / 100);
    if (measure.detached) census.detached++;
    else if (
      measure.silent ||
      (measure.skewMs !== null && Math.abs(measure.skewMs) > SYNC_TOLERANCE_MS) ||
      (measure.revision !== null && revision !== undefined && measure.revision < revision)
    )
      census.lagging++;
    else census.inSync++;
  }
  return census;
}

export class PresenceCounter {
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  /** Sessions whose last count here found a presenter. */
  private readonly watched = new Set<string>();
  private readonly lastSent = new Map<string, string>();
  /** The last follower count told to everyone in each session. */
  private readonly lastAudience = new Map<string, string>();
  /** Followers whose probe has not been answered (or timed out) yet: not probed again meanwhile on their join's account. */
  private readonly asked = new WeakSet<Peer>();
  /** Counts that failed in a row, per session. */
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly rooms: Rooms,
    private readonly revisionOf: (sessionId: string) => number | undefined,
    /** The slowest round trip among a session's answering followers on every process (null: none answered). */
    private readonly onDelivery: (sessionId: string, slowestRoundTripMs: number | null) => void = () => undefined,
    /** How long the session's last change took to reach this process from another (0: made here, or none yet). */
    private readonly relayOf: (sessionId: string) => number = () => 0,
    private readonly now: () => number = Date.now,
  ) {
    rooms.answerProcesses((question) => this.census(question.census));
  }

  changed(sessionId: string, delayMs = 250): void {
    if (this.pending.has(sessionId)) return;
    const timer = setTimeout(() => {
      this.pending.delete(sessionId);
      void this.send(sessionId, true).then(() => this.probeNewcomers(sessionId));
    }, delayMs);
    timer.unref?.();
    this.pending.set(sessionId, timer);
  }

  probeWatchedSessions(): void {
    for (const sessionId of this.watched) this.probeFollowers(sessionId, this.followersHere(sessionId));
  }

  /**
   * Probes the followers here that joined since the last probe round, at once:
   * until they answer, the lead knows nothing of them. A broadcast to twice as
   * many takes about twice as long, so once the newcomers are as many as those
   * measured, everyone here is probed again. A hall filling up is probed in
   * full about log2(N) times, about 2N probes in all.
   */
  private probeNewcomers(sessionId: string): void {
    if (!this.watched.has(sessionId)) return;
    const followers = this.followersHere(sessionId).filter((peer) => !this.asked.has(peer));
    const newcomers = followers.filter((peer) => isNewcomer(peer.data.sync[sessionId]));
    if (newcomers.length === 0) return;
    this.probeFollowers(sessionId, newcomers.length >= followers.length - newcomers.length ? followers : newcomers);
  }

  private followersHere(sessionId: string): Peer[] {
    return this.rooms.local(sessionRoom(sessionId)).filter((peer) => peer.data.roles[sessionId] === "follower");
  }

  /**
   * Probes these followers at once (probe() each), then counts again with
   * what they answered. At once on purpose, though asking is synchronous
   * work (240–330 ms for 10,000 on the bench machine) that a click arriving
   * meanwhile waits for: a broadcast is written to every follower in the
   * same way, so the slowest round trip carries what its delivery takes
   * (lead.ts). Asked in chunks of 250, the round trips at 10,000 came out
   * too short (skew 300 ms), and counted from the round's start, too long
   * at 1,000 (the lead doubled, to 117 ms).
   */
  private probeFollowers(sessionId: string, followers: Peer[]): void {
    if (followers.length === 0) return;
    const relayMs = this.relayOf(sessionId);
    const probes = followers.map((peer) => {
      this.asked.add(peer);
      return probe(peer, sessionId, this.now, relayMs).finally(() => this.asked.delete(peer));
    });
    void Promise.all(probes).then(() => this.send(sessionId, false));
  }

  close(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private async send(sessionId: string, always: boolean): Promise<void> {
    try {
      const censuses = [this.census(sessionId), ...(await this.rooms.askProcesses({ census: sessionId }, CENSUS_TIMEOUT_MS))];
      this.failures.delete(sessionId);
      const presenterIds = censuses.flatMap((census) => census.presenterIds);
      const followers = sum(censuses, "followers");
      const projectors = sum(censuses, "projectors");
      if (followers + projectors + presenterIds.length === 0) this.lastAudience.delete(sessionId);
      if (presenterIds.length > 0) this.watched.add(sessionId);
      else {
        this.watched.delete(sessionId);
        this.lastSent.delete(sessionId);
      }
      const slowest = censuses.reduce<number | null>((max, census) => (census.slowestRoundTripMs === null ? max : Math.max(max ?? 0, census.slowestRoundTripMs)), null);
      this.onDelivery(sessionId, slowest);
      const audience = { sessionId, followers };
      const audienceKey = JSON.stringify(audience);
      // After a join or leave (`always`), tell it again: the screen that just joined has not heard it.
      if (always || this.lastAudience.get(sessionId) !== audienceKey) {
        this.lastAudience.set(sessionId, audienceKey);
        this.rooms.emit({ rooms: [sessionRoom(sessionId)] }, "session:audience", audience);
      }
      const payload = { sessionId, followers, presenters: presenterIds.length, projectors, sync: summarize(censuses) };
      const key = JSON.stringify(payload);
      if (presenterIds.length === 0 || (!always && this.lastSent.get(sessionId) === key)) return;
      this.lastSent.set(sessionId, key);
      this.rooms.emit({ rooms: presenterIds }, "session:presence", payload);
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

  /** What this process answers another's count (Rooms.askProcesses). */
  census(sessionId: string): Census {
    return censusOf(this.rooms.local(sessionRoom(sessionId)), sessionId, this.revisionOf(sessionId));
  }
}

const sum = (censuses: Census[], field: "followers" | "projectors" | "inSync" | "detached" | "lagging") =>
  censuses.reduce((total, census) => total + census[field], 0);

/** Measures one follower's clock against ours (see PresenceCounter); `relayMs` is this process's relay. */
function probe(peer: Peer, sessionId: string, now: () => number, relayMs: number): Promise<void> {
  const sent = now();
  return peer.ask("session:probe", { sessionId, serverTime: sent }, PROBE_TIMEOUT_MS).then(
    (raw: unknown) => {
      const measure = peer.data.sync[sessionId];
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
        roundTripMs: received - sent,
        relayMs,
      });
    },
    () => {
      const measure = peer.data.sync[sessionId];
      if (measure) measure.silent = true;
    },
  );
}

/** A follower never probed here yet: it has neither answered nor stayed silent. */
const isNewcomer = (measure: FollowerMeasure | undefined) => measure !== undefined && measure.roundTripMs === undefined && !measure.silent;

/**
 * The slowest round trip of those that answered their last probe (projectors
 * included: they too must flip on time). A follower on another process than
 * the one making changes also waits for the relay to its process; it counts
 * twice, as a round trip counts delivery twice. A silent one is left out: a
 * backgrounded phone must not slow the class down; it catches up on its own.
 */
export function slowestRoundTrip(measures: FollowerMeasure[]): number | null {
  let slowest: number | null = null;
  for (const measure of measures) {
    if (!measure.silent && measure.roundTripMs !== undefined) slowest = Math.max(slowest ?? 0, measure.roundTripMs + 2 * (measure.relayMs ?? 0));
  }
  return slowest;
}

/** Followers in sync, detached and lagging over every process's census; skews rounded to 0.1 ms. */
export function summarize(censuses: Census[]): FollowerSync {
  const skews = censuses.flatMap((census) => census.skews).sort((a, b) => a - b);
  const round = (ms: number | undefined) => (ms === undefined ? null : Math.round(ms * 10) / 10);
  const middle = skews.length / 2;
  const median = skews.length === 0 ? undefined : skews.length % 2 ? skews[Math.floor(middle)] : (skews[middle - 1]! + skews[middle]!) / 2;
  return {
    inSync: sum(censuses, "inSync"),
    detached: sum(censuses, "detached"),
    lagging: sum(censuses, "lagging"),
    maxSkewMs: round(skews.at(-1)),
    medianSkewMs: round(median),
  };
}
