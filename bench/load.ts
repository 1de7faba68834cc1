/**
 * The load process of the socket benchmarks (bench/sockets.ts starts it with
 * `node --import tsx bench/load.ts` and an IPC channel). It holds the
 * presenter and every follower connection in ONE process, so that all
 * instants are taken from one monotonic clock (performance.now()), and runs
 * the measurements the parent asks for, one request at a time.
 *
 * Followers come in two kinds:
 * - "replay": the project's own client (ReplayClient + ClockSync), each with
 *   its own NTP-style sync; used for sync skew, fan-out and emission lateness.
 * - "raw": the socket.io protocol alone (bench/lite-socket.ts), which joins
 *   with `session:join`, answers probes and timestamps what it receives;
 *   used for the 5,000+ fan-out and capacity, and against bare socket.io.
 *
 * Every wait here is bounded; the process exits by itself when the parent
 * goes away or after LIFETIME_MS.
 */
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { io } from "socket.io-client";
import { monotonicNow, ReplayClient, RequestRefused, type ReplaySocket } from "../client/replay-client";
import type { Command } from "../domain/protocol";
import { PROTOCOL_VERSION, RATE_LIMIT } from "../domain/protocol-constants";
import { percentile, percentileOfSorted } from "./lib";
import { LiteSocket, stateRevision } from "./lite-socket";
import { sharedDecodeParser } from "./shared-decode";
import * as clock from "../domain/replay/clock";

// ---------------------------------------------------------------------------
// The IPC protocol (the parent imports these types only)

export type LoadRequest =
  | { cmd: "presenter"; url: string; feed: string }
  | { cmd: "connect"; url: string; count: number; kind: "replay" | "raw"; group: string; timeBudgetMs: number }
  | { cmd: "changes"; commands: Command[]; groups: string[]; skew: boolean }
  | { cmd: "setup"; commands: Command[] }
  | { cmd: "emission"; rate: number; fromSim: number; toSim: number; groups: string[] }
  | { cmd: "versus"; bareUrl: string; commands: Command[]; realGroups: string[]; bareGroups: string[] }
  | { cmd: "disconnect"; groups: string[] }
  | { cmd: "status" };

export interface PresenterInfo {
  code: string;
  sessionId: string;
  timelineStart: number;
  timelineEnd: number;
  entryCount: number;
}

export interface ConnectResult {
  requested: number;
  joined: number;
  failed: number;
  /** Why opening stopped early, if it did. */
  stoppedBecause: string | null;
  firstError: string | null;
  ms: number;
  /** Where the time went: opening sockets, clock sync (replay followers), joining. */
  stages: { connectMs: number; syncMs: number; joinMs: number };
  /** For replay followers: the round trips of the sync samples they kept, ms. */
  syncRoundTrip: { p50: number; max: number } | null;
}

export interface ChangeResult {
  command: string;
  revision: number;
  rate: number;
  playing: boolean;
  /** Presenter's emit to each measured follower's receipt of the state, ms. */
  fanout: { p50: number; p99: number; max: number; n: number; missing: number };
  /** The earliest measured follower's receipt, ms after the emit: the server's own part plus one delivery. */
  firstMs: number;
  /** The presenter's acknowledgement, ms after the emit (the server acks after broadcasting). */
  ackMs: number;
  /** Receipts that came after the change took effect (its serverTimeAtAnchor, a lead after the command). */
  afterAnchor: number;
  /** The lead the server gave this change: its serverTimeAtAnchor − the emit, in server time. */
  leadMs: number;
  /** Presenter's emit → the last measured follower's flip (max of its receipt and the anchor), ms. */
  flipMs: number;
  /** Last flip − first flip over the measured followers, ms: late receipts flip late. */
  flipSpreadMs: number;
  /** Spread (max − min) of simulated time over followers and presenter at one instant; null without skew. */
  skewSimMs: number | null;
  /** The same, in wall-clock-equivalent ms (divided by the rate in force), or the flip spread if larger. */
  skewWallMs: number | null;
}

/** How much this (load) process itself stalled during a measurement. */
export interface LoadStalls {
  gcCount: number;
  gcTotalMs: number;
  gcMaxMs: number;
  /** Largest event-loop delay seen, ms (10 ms resolution). */
  loopDelayMaxMs: number;
  heapMiB: number;
}

export interface ChangesResult {
  changes: ChangeResult[];
  /** Every receipt of every change pooled. */
  pooled: { p50: number; p99: number; max: number; n: number; missing: number };
  /** Spread of the clock offsets the measured replay followers use, ms (diagnostic). */
  offsetSpreadMs: number | null;
  /** Their median offset minus the presenter's: how far apart two server processes' clocks look. */
  offsetVsPresenterMs: number | null;
  loadCpuMs: number;
  wallMs: number;
  stalls: LoadStalls;
}

export interface EmissionResult {
  /** One sample per (entry, follower): shown (released by the client) − due, in its server time. */
  n: number;
  events: number;
  max: number;
  /** The earliest follower's lateness per event: the server's timer plus the fastest delivery. */
  first: { p50: number; p99: number; max: number };
  /** Each message's p50 and p99 across followers. */
  perEventP50: number[];
  perEventP99: number[];
  /** The same over every sample pooled. */
  pooled: { p50: number; p99: number };
  unscheduled: number;
  /** How far ahead of its instant each entries message arrived (due − arrival, first entry), ms. */
  ahead: { p50: number; min: number };
  /** Entries a client showed before their instant (must be 0). */
  early: number;
  wallMs: number;
  loadCpuMs: number;
  stalls: LoadStalls;
}

/** One server's side of a versus run: fan-out per change, as in ChangeResult. */
export interface VersusSide {
  changes: Array<{ p50: number; p99: number; n: number; missing: number }>;
  pooled: { p50: number; p99: number; max: number; n: number };
  /** The state's size on the wire (JSON bytes). */
  payloadBytes: number;
}

export interface VersusResult {
  real: VersusSide;
  bare: VersusSide;
  loadCpuMs: number;
  wallMs: number;
  stalls: LoadStalls;
}

export interface StatusResult {
  connected: number;
  joined: number;
  disconnects: Record<string, number>;
  byGroup: Record<string, number>;
}

export interface LoadResults {
  presenter: PresenterInfo;
  connect: ConnectResult;
  changes: ChangesResult;
  setup: { revision: number };
  emission: EmissionResult;
  versus: VersusResult;
  disconnect: { closed: number };
  status: StatusResult;
}

export type LoadMessage =
  | { type: "reply"; id: number; ok: true; result: unknown }
  | { type: "reply"; id: number; ok: false; error: string }
  | { type: "mark"; name: string }
  | { type: "log"; line: string }
  | { type: "ready" };

// ---------------------------------------------------------------------------

const LIFETIME_MS = 15 * 60_000;
const WAIT_STATE_MS = 10_000;
const RESYNC_INTERVAL_MS = 30_000;
const CONNECT_TIMEOUT_MS = 20_000;
/** Followers whose initial clock sync runs at the same time. */
const SYNC_CONCURRENCY = 4;

const send = (message: LoadMessage) => process.send?.(message);
const log = (line: string) => send({ type: "log", line });
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `done` every millisecond until it holds or `timeoutMs` passes; says which. */
async function waitFor(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await sleep(1);
  }
  return true;
}

function stats(values: readonly number[]): { p50: number; p99: number; max: number } {
  const sorted = Float64Array.from(values).sort();
  return { p50: percentileOfSorted(sorted, 50), p99: percentileOfSorted(sorted, 99), max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN };
}

const minOf = (values: readonly number[]) => values.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
const maxOf = (values: readonly number[]) => values.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(workers);
}

function openSocket(url: string): ReplaySocket {
  // forceNew: one engine.io connection per follower (socket.io would otherwise multiplex them).
  return io(url, {
    auth: { protocol: PROTOCOL_VERSION },
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    // A broadcast decoded once for all of them, as each device would decode its own at once (shared-decode.ts).
    parser: sharedDecodeParser,
    timeout: CONNECT_TIMEOUT_MS,
  }) as ReplaySocket;
}

function whenConnected(socket: ReplaySocket): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error("connect timed out")), CONNECT_TIMEOUT_MS + 1000);
    const done = (error?: Error) => {
      clearTimeout(timer);
      socket.off("connect", onConnect);
      socket.off("connect_error", onError);
      if (error) reject(error);
      else resolve();
    };
    const onConnect = () => done();
    const onError = (error: Error) => done(error);
    socket.on("connect", onConnect);
    socket.on("connect_error", onError);
  });
}

/** Starts watching this process's GC pauses and event-loop delay; `stop` says what was seen. */
function watchStalls(): { stop: () => LoadStalls } {
  const gc = { count: 0, total: 0, max: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count++;
      gc.total += entry.duration;
      gc.max = Math.max(gc.max, entry.duration);
    }
  });
  observer.observe({ entryTypes: ["gc"] });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  return {
    stop() {
      observer.disconnect();
      loop.disable();
      return {
        gcCount: gc.count,
        gcTotalMs: gc.total,
        gcMaxMs: gc.max,
        loopDelayMaxMs: loop.max / 1e6,
        heapMiB: process.memoryUsage().heapUsed / 2 ** 20,
      };
    },
  };
}

// ---------------------------------------------------------------------------
// State

interface Follower {
  index: number;
  group: string;
  /** A replay follower's socket.io-client socket, or a raw follower's. */
  socket: ReplaySocket | LiteSocket;
  client: ReplayClient | undefined;
  /** performance.now() at receipt of each session:state, by clock revision. */
  stateAt: Map<number, number>;
  connected: boolean;
  joined: boolean;
  resyncTimer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * One client's release of entries, as it happened. Taken inside the client's
 * `entries` event, where every microsecond spent delays the clients whose
 * timers fire next in this shared event loop: so it keeps a timestamp and
 * references, and `lateness` works out the rest after the run.
 */
interface Release {
  /** When the client released them, in its server time. */
  shown: number;
  previousClock: clock.ClockState | null;
  clock: clock.ClockState;
  timeline: clock.Timeline;
  /** Index of the first entry released, and how many. */
  firstIndex: number;
  count: number;
}

interface EmissionRecorder {
  groups: Set<string>;
  releases: Release[];
  ahead: number[];
}

let followers: Follower[] = [];
let followerSerial = 0;
let liveJoined = 0;
const receipts = new Map<number, number>();
const disconnects: Record<string, number> = {};
let presenter: ReplayClient | undefined;
let presenterCode = "";
let emission: EmissionRecorder | undefined;
/** The newest session:state a raw follower of the real server received: the bare server broadcasts the same. */
let lastRealState: string | undefined;

/** The presenter's share of the server's token bucket (RATE_LIMIT): a margin, so that its own pings and status never tip it over. */
const PRESENTER_SHARE = 0.75;
const PRESENTER_BURST = RATE_LIMIT.burst * PRESENTER_SHARE;
const PRESENTER_PER_SECOND = RATE_LIMIT.perSecond * PRESENTER_SHARE;

/** Mirrors the server's token bucket for the presenter, at PRESENTER_SHARE of its burst and rate. */
const presenterBucket = {
  tokens: PRESENTER_BURST,
  last: performance.now(),
  async take(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const now = performance.now();
      this.tokens = Math.min(PRESENTER_BURST, this.tokens + ((now - this.last) / 1000) * PRESENTER_PER_SECOND);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await sleep(70);
    }
  },
};

function requirePresenter(): ReplayClient {
  if (!presenter?.view) throw new Error("no presenter: send `presenter` first");
  return presenter;
}

/** One presenter command, retried (bounded) if refused as rate-limited or conflicting. */
async function control(command: Command): Promise<{ next: clock.ClockState; emittedAt: number }> {
  const client = requirePresenter();
  for (let attempt = 0; ; attempt++) {
    await presenterBucket.take();
    const emittedAt = performance.now();
    try {
      return { next: await client.control(command), emittedAt };
    } catch (error) {
      // Refused as busy, or no answer within 10 s (a server swamped by thousands of joins): ask again.
      const reason = error instanceof RequestRefused ? error.refusal.reason : error instanceof Error ? error.message : String(error);
      const retry = reason === "rate_limited" || reason === "conflict" || reason === "operation has timed out";
      if (!retry || attempt >= 3) throw error;
      log(`presenter: ${reason}, retrying in 1 s`);
      await sleep(1000);
    }
  }
}

/** Waits until every live follower and the presenter hold `revision`; false on timeout. */
async function propagated(revision: number): Promise<boolean> {
  return waitFor(() => (receipts.get(revision) ?? 0) >= liveJoined && (presenter?.view?.clock.revision ?? 0) >= revision, WAIT_STATE_MS);
}

function forget(revision: number): void {
  receipts.delete(revision);
  for (const follower of followers) follower.stateAt.delete(revision);
}

function describe(command: Command): string {
  switch (command.type) {
    case "seek":
      return `seek ${new Date(command.to).toISOString().slice(11, 19)}`;
    case "rate":
      return `rate ${command.rate}`;
    default:
      return command.type;
  }
}

// ---------------------------------------------------------------------------
// Requests

async function startPresenter(url: string, feed: string): Promise<PresenterInfo> {
  const socket = openSocket(url);
  await whenConnected(socket);
  const client = new ReplayClient(socket);
  await client.sync.sync(8);
  const { code } = await client.create(feed, "shared");
  presenter = client;
  presenterCode = code ?? "";
  const view = client.view!;
  return { code: presenterCode, sessionId: view.sessionId, timelineStart: view.timeline.start, timelineEnd: view.timeline.end, entryCount: view.timeline.entryTimes.length };
}

function addFollower(url: string, group: string, kind: "replay" | "raw"): Follower {
  const follower: Follower = {
    index: followerSerial++,
    group,
    socket: kind === "replay" ? openSocket(url) : new LiteSocket(url, { protocol: PROTOCOL_VERSION }, CONNECT_TIMEOUT_MS),
    client: undefined,
    stateAt: new Map(),
    connected: false,
    joined: false,
    resyncTimer: undefined,
  };
  const received = (revision: number) => {
    const at = performance.now();
    if (!follower.joined || follower.stateAt.has(revision)) return;
    follower.stateAt.set(revision, at);
    receipts.set(revision, (receipts.get(revision) ?? 0) + 1);
  };
  const disconnected = (reason: string) => {
    if (!follower.connected) return;
    follower.connected = false;
    if (follower.joined) liveJoined--;
    follower.joined = false;
    disconnects[reason] = (disconnects[reason] ?? 0) + 1;
  };
  const socket = follower.socket;
  if (socket instanceof LiteSocket) {
    socket.on("session:state", (json) => {
      const revision = stateRevision(json);
      if (revision === undefined) return;
      received(revision);
      if (revision < 1_000_000) lastRealState = json;
    });
    // A real client answers the server's probes (socket/presence.ts); so does this one, on the presenter's clock.
    socket.on("session:probe", (_json, ack) => {
      const revisions = [...follower.stateAt.keys()];
      ack?.({ serverNow: monotonicNow() + (presenter?.sync.offset ?? 0), revision: revisions.length ? Math.max(...revisions) : 0, cursor: 0, detached: false });
    });
    socket.onDisconnect(disconnected);
    return follower;
  }
  // Registered before ReplayClient's own listeners, so the timestamp is taken first.
  socket.on("session:state", (snapshot) => received(snapshot.clock.revision));
  // Arrival, for the note: how far ahead of its instant each message came.
  socket.on("session:entries", (payload) => {
    const local = monotonicNow();
    const recorder = emission;
    const view = follower.client?.view;
    const first = payload.entries[0];
    if (!recorder || !view || !first || !recorder.groups.has(group)) return;
    const due = clock.serverTimeOfSim(follower.client!.liveClock()!, view.timeline, Date.parse(first.publishedAt));
    if (due !== null) recorder.ahead.push(due - (local + follower.client!.sync.offset));
  });
  socket.on("disconnect", disconnected);
  return follower;
}

/** Records, while an emission run lasts, when this follower's client shows entries (see Release). */
function watchReleases(follower: Follower): void {
  const client = follower.client!;
  client.on((event) => {
    const recorder = emission;
    if (event.type !== "entries" || !recorder || !recorder.groups.has(follower.group)) return;
    const { view, added } = event;
    recorder.releases.push({
      shown: monotonicNow() + client.sync.offset,
      previousClock: view.previousClock,
      clock: view.clock,
      timeline: view.timeline,
      firstIndex: view.entries.length - added.length,
      count: added.length,
    });
  });
}

/** Each entry's lateness per release (shown − due, under the clock in force when shown), by entry index; and how many were early or unscheduled. */
function lateness(releases: readonly Release[]): { samples: number[]; byEvent: Map<number, number[]>; early: number; unscheduled: number } {
  const result = { samples: [] as number[], byEvent: new Map<number, number[]>(), early: 0, unscheduled: 0 };
  for (const release of releases) {
    const live = clock.effectiveState(release.previousClock, release.clock, release.shown);
    for (let index = release.firstIndex; index < release.firstIndex + release.count; index++) {
      const sim = release.timeline.entryTimes[index]!;
      const due = clock.serverTimeOfSim(live, release.timeline, sim);
      if (due === null) {
        // Due under a clock no longer in force (a stop, say): it shows once reached, never before.
        if (clock.simTimeAt(live, release.timeline, release.shown) < sim) result.early++;
        result.unscheduled++;
        continue;
      }
      const late = release.shown - due;
      if (late < -0.01) result.early++;
      result.samples.push(late);
      let samples = result.byEvent.get(index);
      if (!samples) result.byEvent.set(index, (samples = []));
      samples.push(late);
    }
  }
  return result;
}

async function connectFollowers(request_: Extract<LoadRequest, { cmd: "connect" }>): Promise<ConnectResult> {
  const started = performance.now();
  const kind = request_.kind;
  const batchSize = kind === "replay" ? 100 : 200;
  let joined = 0;
  let failed = 0;
  let firstError: string | null = null;
  let stoppedBecause: string | null = null;
  const roundTrips: number[] = [];
  const stages = { connectMs: 0, syncMs: 0, joinMs: 0 };
  let stageStart = 0;
  const fail = (follower: Follower, error: unknown) => {
    failed++;
    firstError ??= error instanceof Error ? error.message : String(error);
    follower.client?.close();
    follower.socket.close();
  };

  for (let offset = 0; offset < request_.count; offset += batchSize) {
    if (performance.now() - started > request_.timeBudgetMs) {
      stoppedBecause = `time budget of ${(request_.timeBudgetMs / 1000).toFixed(0)} s for opening connections used up`;
      break;
    }
    const batch = Array.from({ length: Math.min(batchSize, request_.count - offset) }, () => addFollower(request_.url, request_.group, kind));
    const open: Follower[] = [];
    stageStart = performance.now();
    await Promise.all(
      batch.map(async (follower) => {
        try {
          await (follower.socket instanceof LiteSocket ? follower.socket.opened : whenConnected(follower.socket));
          follower.connected = true;
          open.push(follower);
        } catch (error) {
          fail(follower, error);
        }
      }),
    );
    stages.connectMs += performance.now() - stageStart;
    stageStart = performance.now();
    if (kind === "replay") {
      // Each follower's own NTP-style sync (8 pings, sequential), a few followers at a time so
      // that round trips stay representative of a follower's own link rather than of the herd
      // sharing this process (real followers do not share one event loop).
      await pool(open, SYNC_CONCURRENCY, async (follower) => {
        follower.client = new ReplayClient(follower.socket as ReplaySocket);
        watchReleases(follower);
        try {
          await follower.client.sync.sync(8);
          roundTrips.push(follower.client.sync.roundTrip);
        } catch (error) {
          follower.connected = false;
          fail(follower, error);
        }
      });
    }
    stages.syncMs += performance.now() - stageStart;
    stageStart = performance.now();
    await Promise.all(
      open
        .filter((follower) => follower.connected)
        .map(async (follower) => {
          try {
            if (follower.client) {
              await follower.client.join({ code: presenterCode });
              // join() starts the 30 s re-sync at the same moment for the whole batch;
              // restart it staggered so that re-syncs do not come as a herd.
              follower.client.sync.stop();
              const phase = (follower.index * 7919) % RESYNC_INTERVAL_MS;
              follower.resyncTimer = setTimeout(() => follower.client?.sync.start(RESYNC_INTERVAL_MS), phase);
            } else {
              const answer = (await (follower.socket as LiteSocket).emitWithAck("session:join", { code: presenterCode }, CONNECT_TIMEOUT_MS)) as { ok: boolean; message?: string };
              if (!answer.ok) throw new Error(`join refused: ${answer.message}`);
            }
            if (!follower.connected) throw new Error("disconnected while joining");
            follower.joined = true;
            liveJoined++;
            joined++;
            followers.push(follower);
          } catch (error) {
            fail(follower, error);
          }
        }),
    );
    stages.joinMs += performance.now() - stageStart;
    if (failed > 0 && failed >= 0.1 * (offset + batch.length)) {
      stoppedBecause = `connections failing (${failed} so far): ${firstError}`;
      break;
    }
  }
  return {
    requested: request_.count,
    joined,
    failed,
    stoppedBecause,
    firstError,
    ms: performance.now() - started,
    stages,
    syncRoundTrip: roundTrips.length ? { p50: percentile(roundTrips, 50), max: maxOf(roundTrips) } : null,
  };
}

async function runChanges(request_: Extract<LoadRequest, { cmd: "changes" }>): Promise<ChangesResult> {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const stalls = watchStalls();
  const groups = new Set(request_.groups);
  const results: ChangeResult[] = [];
  const pooled: number[] = [];
  let pooledMissing = 0;
  for (const command of request_.commands) {
    const measured = followers.filter((follower) => groups.has(follower.group) && follower.joined);
    const { next, emittedAt } = await control(command);
    const ackMs = performance.now() - emittedAt;
    const revision = next.revision;
    const complete = await propagated(revision);
    if (!complete) log(`revision ${revision}: only ${receipts.get(revision) ?? 0} of ${liveJoined} followers had it after ${WAIT_STATE_MS} ms`);

    const latencies: number[] = [];
    let missing = 0;
    let afterAnchor = 0;
    let firstFlip = Number.POSITIVE_INFINITY;
    let lastFlip = Number.NEGATIVE_INFINITY;
    for (const follower of measured) {
      const at = follower.stateAt.get(revision);
      if (at === undefined) {
        missing++;
        continue;
      }
      latencies.push(at - emittedAt);
      // Raw followers have no clock of their own: they borrow the presenter's offset.
      const offset = (follower.client ?? presenter)?.sync.offset ?? 0;
      const anchor = next.serverTimeAtAnchor - offset - performance.timeOrigin;
      if (at > anchor) afterAnchor++;
      // A screen flips when the change takes effect, or when it arrives if that is later.
      const flip = Math.max(at, anchor);
      firstFlip = Math.min(firstFlip, flip);
      lastFlip = Math.max(lastFlip, flip);
    }
    const flipSpreadMs = missing ? Number.POSITIVE_INFINITY : lastFlip - firstFlip;
    const leadMs = next.serverTimeAtAnchor - (performance.timeOrigin + emittedAt + requirePresenter().sync.offset);
    for (const latency of latencies) pooled.push(latency);
    pooledMissing += missing;

    let skewSimMs: number | null = null;
    let skewWallMs: number | null = null;
    const client = requirePresenter();
    if (request_.skew) {
      // Once the change is in force everywhere, a common instant a little ahead: each
      // follower turns it into server time with its own offset (as it would to draw).
      await waitFor(() => client.sync.serverNow() > next.serverTimeAtAnchor + 1, 2000);
      const local = monotonicNow() + 2;
      await waitFor(() => monotonicNow() >= local, 100);
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (const replay of [client, ...measured.map((follower) => follower.client)]) {
        if (!replay?.view) continue;
        const sim = replay.simTime(local + replay.sync.offset)!;
        if (sim < min) min = sim;
        if (sim > max) max = sim;
      }
      const inForce = client.currentClock()!;
      skewSimMs = max - min;
      skewWallMs = Math.max(skewSimMs / inForce.rate, flipSpreadMs);
    }
    const latencyStats = stats(latencies);
    results.push({
      command: describe(command),
      revision,
      rate: next.rate,
      playing: next.playing,
      fanout: { ...latencyStats, n: latencies.length, missing },
      firstMs: minOf(latencies),
      ackMs,
      afterAnchor,
      leadMs,
      flipMs: missing ? Number.POSITIVE_INFINITY : lastFlip - emittedAt,
      flipSpreadMs,
      skewSimMs,
      skewWallMs,
    });
    forget(revision);
    await sleep(20 + (revision % 3) * 10); // not in lockstep with anything periodic
  }
  const offsets = followers.filter((follower) => groups.has(follower.group) && follower.client?.sync.synced).map((follower) => follower.client!.sync.offset);
  const cpu = process.cpuUsage(cpuBefore);
  return {
    changes: results,
    pooled: { ...stats(pooled), n: pooled.length, missing: pooledMissing },
    offsetSpreadMs: offsets.length ? maxOf(offsets) - minOf(offsets) : null,
    offsetVsPresenterMs: offsets.length && presenter ? percentile(offsets, 50) - presenter.sync.offset : null,
    loadCpuMs: (cpu.user + cpu.system) / 1000,
    wallMs: performance.now() - started,
    stalls: stalls.stop(),
  };
}

async function runSetup(commands: Command[]): Promise<{ revision: number }> {
  let revision = requirePresenter().view!.clock.revision;
  for (const command of commands) {
    const { next } = await control(command);
    revision = next.revision;
    if (!(await propagated(revision))) log(`setup ${describe(command)}: not every follower had revision ${revision} in time`);
    forget(revision);
  }
  return { revision };
}

async function runEmission(request_: Extract<LoadRequest, { cmd: "emission" }>): Promise<EmissionResult> {
  const client = requirePresenter();
  await runSetup([{ type: "pause" }, { type: "rate", rate: request_.rate }, { type: "seek", to: request_.fromSim }]);
  const recorder: EmissionRecorder = { groups: new Set(request_.groups), releases: [], ahead: [] };
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const stalls = watchStalls();
  send({ type: "mark", name: "start" });
  emission = recorder;
  try {
    const { next } = await control({ type: "play" });
    if (!(await propagated(next.revision))) log("emission: not every follower had the play state in time");
    forget(next.revision);
    // The seek and the play take effect at their anchor, a lead ahead: until then the clock in
    // force is the one before them (the previous run's end, past toSim), and the run would end at once.
    await waitFor(() => client.sync.serverNow() >= next.serverTimeAtAnchor, 5000);
    const wallMs = (request_.toSim - request_.fromSim) / request_.rate;
    await waitFor(() => (client.simTime() ?? 0) >= request_.toSim, wallMs + 5000);
    await sleep(300); // the last entries' releases
  } finally {
    emission = undefined;
    send({ type: "mark", name: "end" });
  }
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const seen = stalls.stop();
  const { samples, byEvent, early, unscheduled } = lateness(recorder.releases);
  await runSetup([{ type: "pause" }]);
  const events = [...byEvent.values()];
  const firsts = events.map(minOf);
  return {
    n: samples.length,
    events: events.length,
    max: stats(samples).max,
    first: stats(firsts),
    perEventP50: events.map((perEvent) => percentile(perEvent, 50)),
    perEventP99: events.map((perEvent) => percentile(perEvent, 99)),
    pooled: { p50: percentile(samples, 50), p99: percentile(samples, 99) },
    unscheduled,
    ahead: { p50: percentile(recorder.ahead, 50), min: minOf(recorder.ahead) },
    early,
    wallMs,
    loadCpuMs: (cpu.user + cpu.system) / 1000,
    stalls: seen,
  };
}

/** Bare presenters, by the bare server's URL. */
const barePresenters = new Map<string, ReplaySocket>();

/**
 * Fan-out of the real server and of bare socket.io side by side: each round,
 * one change on the real session (its raw followers in `realGroups`), then
 * one broadcast of the same state by the bare server (its followers in
 * `bareGroups`). The parent reads both processes' CPU around the whole run.
 */
async function runVersus(request_: Extract<LoadRequest, { cmd: "versus" }>): Promise<VersusResult> {
  let bare = barePresenters.get(request_.bareUrl);
  if (!bare) {
    bare = openSocket(request_.bareUrl);
    await whenConnected(bare);
    barePresenters.set(request_.bareUrl, bare);
  }
  if (!lastRealState) {
    await control({ type: "pause" }); // a raw follower keeps the state it receives
    await waitFor(() => lastRealState !== undefined, WAIT_STATE_MS);
  }
  if (!lastRealState) throw new Error("no session:state reached a raw follower of the real server");
  const payload: unknown = JSON.parse(lastRealState);
  const payloadBytes = Buffer.byteLength(lastRealState);
  await (bare.timeout(10_000).emitWithAck as unknown as (event: string, payload: unknown) => Promise<unknown>).call(bare.timeout(10_000), "bare:payload", payload);
  const inGroups = (names: string[]) => {
    const set = new Set(names);
    return followers.filter((follower) => set.has(follower.group) && follower.joined);
  };
  const measure = async (measured: Follower[], revision: number, emittedAt: number, side: VersusSide, pooled: number[]) => {
    await waitFor(() => measured.every((follower) => follower.stateAt.has(revision) || !follower.joined), WAIT_STATE_MS);
    const latencies = measured.flatMap((follower) => {
      const at = follower.stateAt.get(revision);
      return at === undefined ? [] : [at - emittedAt];
    });
    pooled.push(...latencies);
    const { p50, p99 } = stats(latencies);
    side.changes.push({ p50, p99, n: latencies.length, missing: measured.length - latencies.length });
    for (const follower of measured) follower.stateAt.delete(revision);
    receipts.delete(revision);
  };
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const stalls = watchStalls();
  const real: VersusSide = { changes: [], pooled: { p50: 0, p99: 0, max: 0, n: 0 }, payloadBytes };
  const bareSide: VersusSide = { changes: [], pooled: { p50: 0, p99: 0, max: 0, n: 0 }, payloadBytes };
  const realPooled: number[] = [];
  const barePooled: number[] = [];
  for (const command of request_.commands) {
    // No real followers to measure (bare alone, at the 10,000 scale): the real session is left alone.
    if (request_.realGroups.length > 0) {
      const realFollowers = inGroups(request_.realGroups);
      const { next, emittedAt } = await control(command);
      await measure(realFollowers, next.revision, emittedAt, real, realPooled);
      await sleep(20 + (next.revision % 3) * 10);
    }
    const bareFollowers = inGroups(request_.bareGroups);
    const bareEmitted = performance.now();
    const answer = (await (bare.timeout(10_000).emitWithAck as unknown as (event: string, payload: unknown) => Promise<{ revision: number }>).call(
      bare.timeout(10_000),
      "session:control",
      { sessionId: "bare", command },
    )) as { revision: number };
    await measure(bareFollowers, answer.revision, bareEmitted, bareSide, barePooled);
    await sleep(20 + (answer.revision % 3) * 10);
  }
  const cpu = process.cpuUsage(cpuBefore);
  real.pooled = { ...stats(realPooled), n: realPooled.length };
  bareSide.pooled = { ...stats(barePooled), n: barePooled.length };
  return { real, bare: bareSide, loadCpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - started, stalls: stalls.stop() };
}

function closeFollower(follower: Follower): void {
  clearTimeout(follower.resyncTimer);
  follower.client?.close();
  if (follower.joined) liveJoined--;
  follower.joined = false;
  follower.connected = false;
  follower.socket.close();
}

function disconnectGroups(groups: string[]): { closed: number } {
  const set = new Set(groups);
  const closing = followers.filter((follower) => set.has(follower.group));
  for (const follower of closing) closeFollower(follower);
  followers = followers.filter((follower) => !set.has(follower.group));
  return { closed: closing.length };
}

function status(): StatusResult {
  const byGroup: Record<string, number> = {};
  for (const follower of followers) if (follower.joined) byGroup[follower.group] = (byGroup[follower.group] ?? 0) + 1;
  return { connected: followers.filter((follower) => follower.connected).length, joined: liveJoined, disconnects: { ...disconnects }, byGroup };
}

async function handle(message: LoadRequest): Promise<unknown> {
  switch (message.cmd) {
    case "presenter":
      return startPresenter(message.url, message.feed);
    case "connect":
      return connectFollowers(message);
    case "changes":
      return runChanges(message);
    case "setup":
      return runSetup(message.commands);
    case "emission":
      return runEmission(message);
    case "versus":
      return runVersus(message);
    case "disconnect":
      return disconnectGroups(message.groups);
    case "status":
      return status();
    default: {
      const exhaustive: never = message;
      throw new Error(`unknown request ${JSON.stringify(exhaustive)}`);
    }
  }
}

function shutdown(code: number): never {
  for (const follower of followers) closeFollower(follower);
  presenter?.close();
  presenter?.socket.close();
  for (const socket of barePresenters.values()) socket.close();
  process.exit(code);
}

if (!process.send) {
  console.error("bench/load.ts is started by bench/sockets.ts (it needs an IPC channel)");
  process.exit(2);
}
// Requests are handled one at a time, in order.
let queue: Promise<void> = Promise.resolve();
process.on("message", (raw: { id: number; request: LoadRequest | { cmd: "shutdown" } }) => {
  if (raw.request.cmd === "shutdown") shutdown(0);
  const request_ = raw.request;
  queue = queue.then(async () => {
    try {
      send({ type: "reply", id: raw.id, ok: true, result: await handle(request_) });
    } catch (error) {
      send({ type: "reply", id: raw.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  });
});
process.on("disconnect", () => shutdown(0));
process.on("unhandledRejection", (error) => log(`unhandled rejection: ${error instanceof Error ? error.message : String(error)}`));
send({ type: "ready" });
setTimeout(() => {
  log(`still running after ${LIFETIME_MS / 60_000} min: exiting`);
  shutdown(3);
}, LIFETIME_MS).unref();
