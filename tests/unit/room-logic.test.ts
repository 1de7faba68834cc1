/**
 * The room logic, fast and deterministic: the real SessionManager, handlers,
 * dispatch and ReplayClient, over in-memory stores and an in-memory socket
 * pair that the test flushes by hand (tests/support/test-socket-pair.ts),
 * with fake time. The PostgreSQL and Chromium tests still cover the same
 * flows end to end; these pin down orders and races exactly.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ReplayClient, RequestRefused } from "@/client/replay-client";
import type { ServerPayload, Snapshot } from "@/domain/protocol";
import * as clock from "@/domain/replay/clock";
import { ClassQuestions } from "@/server/classroom/questions";
import type { FeedTimeline } from "@/server/replay/feed-timeline";
import { JoinGuard } from "@/server/replay/join-guard";
import { entryWindowMs } from "@/server/replay/lead";
import { LEAD_MS, SessionManager } from "@/server/replay/session-manager";
import { localBroadcast } from "@/server/replay/socket/broadcast";
import { replayConnections, type ReplayConnections } from "@/server/replay/socket/connections";
import { PROBE_INTERVAL_MS } from "@/server/replay/socket/presence";
import { MemoryQuestionStore } from "../support/memory-question-store";
import { MemorySessionStore } from "../support/memory-session-store";
import { FIRST, libraryOf, spacedFeed } from "../support/test-feed";
import { LEAD_BOUNDS_MS } from "@/domain/protocol-constants";
import { PAUSE_BEFORE_MS } from "@/domain/replay/pause-points";
import { settle, TestHub, type TestSocketPair } from "../support/test-socket-pair";

const MIN = 60_000;

const makeFeed = () => spacedFeed("room-logic");

interface Room {
  hub: TestHub;
  manager: SessionManager;
  sessions: MemorySessionStore;
  feed: FeedTimeline;
  /** A connected client on its own pair. */
  client(address?: string): { pair: TestSocketPair; client: ReplayClient };
}

let open: Array<{ close(): void }> = [];

function room(): Room {
  const feed = makeFeed();
  const hub = new TestHub();
  const now = () => Date.now();
  const sessions = new MemorySessionStore(() => feed.slug);
  const manager = new SessionManager({
    store: sessions,
    timelines: libraryOf(feed),
    now,
    broadcast: localBroadcast(hub.rooms),
    publish: () => undefined,
  });
  const connections: ReplayConnections = replayConnections({
    manager,
    guard: new JoinGuard(now),
    questions: new ClassQuestions(new MemoryQuestionStore(), now),
    rooms: hub.rooms,
    now,
    sessionCreatesPerMinute: 0,
  });
  hub.attach(connections);
  open.push(manager, connections);
  return {
    hub,
    manager,
    sessions,
    feed,
    client(address) {
      const pair = hub.connect(address);
      const client = new ReplayClient(pair.clientSocket, now);
      open.push(client);
      return { pair, client };
    },
  };
}

/** A shared session with a presenter and `followers` followers, all joined. */
async function classOf(followers: number) {
  const r = room();
  const presenter = r.client();
  const created = await r.hub.until(presenter.client.create(r.feed.slug, "shared"));
  const class_ = [];
  for (let i = 0; i < followers; i++) {
    const follower = r.client(`198.51.100.${i + 1}`);
    await r.hub.until(follower.client.join({ code: created.code! }));
    class_.push(follower);
  }
  return { ...r, presenter, followers: class_, created };
}

/**
 * How far ahead of its command the presenter's next change takes effect (a
 * rate change); waits until it has, so that the next one is not joined to it.
 */
async function leadOfNextChange(hub: TestHub, presenter: { client: ReplayClient }): Promise<number> {
  const before = Date.now();
  const next = await hub.until(presenter.client.control({ type: "rate", rate: 2 + (Date.now() % 7) }));
  vi.advanceTimersByTime(LEAD_BOUNDS_MS.max + 1);
  await hub.flush();
  return next.serverTimeAtAnchor - before;
}

/** A probe interval, with every message delivered as it is sent (a probe unanswered in time would be left out). */
async function probeRound(hub: TestHub): Promise<void> {
  for (let waited = 0; waited < PROBE_INTERVAL_MS; waited += 100) {
    await vi.advanceTimersByTimeAsync(100);
    await hub.flush();
  }
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_800_000_000_000, toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
});

afterEach(() => {
  for (const thing of open.splice(0).reverse()) thing.close();
  vi.useRealTimers();
});

describe("room logic over an in-memory socket pair", () => {
  it("nothing moves until the test flushes", async () => {
    const r = room();
    const { pair, client } = r.client();
    const creating = client.create(r.feed.slug, "solo");
    await vi.advanceTimersByTimeAsync(0);
    expect(pair.received.map((m) => m.event)).toEqual([]); // not even the hello
    await r.hub.until(creating);
    expect(pair.received[0]!.event).toBe("server:hello");
  });

  it("create, join by code, control: every client holds the presenter's clock", async () => {
    const { hub, presenter, followers, created } = await classOf(2);
    expect(created.code).toMatch(/^[A-Z2-9]{6}$/);
    expect(presenter.client.mode?.kind).toBe("presenting");
    for (const { client } of followers) expect(client.mode).toEqual({ kind: "following" });

    const to = FIRST + 2 * 60 * MIN;
    const next = await hub.until(presenter.client.control({ type: "seek", to }));
    await hub.flush();
    // The change takes effect LEAD_MS ahead, so that every follower has it first.
    expect(next.serverTimeAtAnchor).toBe(Date.now() + LEAD_MS);
    for (const { client } of [presenter, ...followers]) {
      expect(client.view!.clock).toEqual(next);
      expect(client.simTime()).not.toBe(to);
    }
    vi.advanceTimersByTime(LEAD_MS);
    for (const { client } of [presenter, ...followers]) expect(client.simTime()).toBe(to);
  });

  it("a follower's control moves only its own clock; the server refuses control from a follower", async () => {
    const { hub, presenter, followers } = await classOf(1);
    const [follower] = followers;
    await hub.until(follower!.client.control({ type: "seek", to: FIRST }));
    expect(follower!.client.mode?.kind).toBe("detached");
    expect(presenter.client.view!.clock.revision).toBe(0);
    const refused = await hub.until(follower!.client.socket.timeout(1000).emitWithAck("session:control", { sessionId: presenter.client.view!.sessionId, command: { type: "play" } }));
    expect(refused).toMatchObject({ ok: false, reason: "not_presenter" });
  });

  it("followers never receive the presenter's pause points (markedEntryKeys)", async () => {
    const { hub, presenter, followers } = await classOf(2);
    await hub.until(presenter.client.control({ type: "pauseOn", mode: "marked", markedEntryKeys: ["k3", "k9"] }));
    await hub.until(presenter.client.control({ type: "play" }));
    await hub.flush();
    expect(presenter.client.view!.settings.markedEntryKeys).toEqual(["k3", "k9"]);
    for (const { pair, client } of followers) {
      expect(client.view!.settings).toMatchObject({ pauseOn: "marked", markedEntryKeys: [] });
      const states = pair.received.filter((m) => m.event === "session:state").map((m) => m.payload as Snapshot);
      expect(states.length).toBeGreaterThan(0);
      for (const state of states) expect(state.settings.markedEntryKeys).toEqual([]);
      // The stop itself is public: the clock's stopAt.
      expect(client.view!.clock.stopAt).toBe(presenter.client.view!.clock.stopAt);
    }
    // A follower joining now, and one asking to sync, get none either.
    const { sessionId } = presenter.client.view!;
    const late = await hub.until(followers[0]!.client.socket.timeout(1000).emitWithAck("session:sync", { sessionId, have: { revision: 0, cursor: 0 } }));
    expect((late as { snapshot: Snapshot }).snapshot.settings.markedEntryKeys).toEqual([]);
  });

  it("entries arrive as they fall due, in order, once each", async () => {
    const { hub, presenter, followers, feed } = await classOf(1);
    await hub.until(presenter.client.control({ type: "rate", rate: 600 }));
    await hub.until(presenter.client.control({ type: "play" }));
    // 7 simulated minutes between entries at 600×: 700 ms of wall time each.
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(700);
      await hub.flush();
    }
    const shown = clock.entriesShownAt(feed.timeline, presenter.client.liveSimTime()!);
    expect(shown).toBeGreaterThan(5);
    for (const { client } of [presenter, ...followers]) {
      expect(client.view!.entries.map((entry) => entry.key)).toEqual(feed.entryKeys.slice(0, client.view!.entries.length));
      expect(client.view!.entries.length).toBeGreaterThanOrEqual(shown);
    }
  });

  it("a gap in the entries makes the client ask for session:sync, and it catches up", async () => {
    const { hub, presenter, followers, feed } = await classOf(1);
    const [follower] = followers;
    await hub.until(presenter.client.control({ type: "rate", rate: 600 }));
    await hub.until(presenter.client.control({ type: "play" }));
    vi.advanceTimersByTime(700 * 3);
    await hub.flush();
    const held = follower!.client.view!.entries.length;
    // The next entries message to the follower is lost on the way.
    vi.advanceTimersByTime(700);
    expect(follower!.pair.dropServerSent().map((m) => m.event)).toContain("session:entries");
    vi.advanceTimersByTime(700);
    await hub.flush();
    const events = follower!.pair.received.map((m) => m.event);
    expect(events.lastIndexOf("session:entries")).toBeGreaterThan(-1);
    // It noticed the gap and synced: it holds every entry due, with none missing.
    expect(follower!.client.view!.entries.length).toBeGreaterThan(held + 1);
    expect(follower!.client.view!.entries.map((entry) => entry.key)).toEqual(feed.entryKeys.slice(0, follower!.client.view!.entries.length));
    expect(follower!.client.view!.entries.length).toBe(presenter.client.view!.entries.length);
  });

  it("a reconnect: the client rejoins with what it holds (`have`) and gets only what it missed", async () => {
    const { hub, presenter, followers, feed } = await classOf(1);
    const [follower] = followers;
    await hub.until(presenter.client.control({ type: "rate", rate: 600 }));
    await hub.until(presenter.client.control({ type: "play" }));
    vi.advanceTimersByTime(700 * 3);
    await hub.flush();
    const held = follower!.client.cursor; // shown, and received ahead of their instant

    follower!.pair.disconnect();
    vi.advanceTimersByTime(700 * 4); // entries fall due while it is away
    await hub.flush();
    const revision = follower!.client.view!.clock.revision;
    follower!.pair.reconnect();
    await hub.flush();
    const joins = follower!.pair.sent.filter((m) => m.event === "session:join").map((m) => m.payload);
    expect(joins.at(-1)).toEqual({ sessionId: presenter.client.view!.sessionId, have: { revision, cursor: held } });
    // The answer holds only what it missed: entries[held..].
    const acks = follower!.pair.received.filter((m) => m.event === "ack").map((m) => m.payload as { role?: string; snapshot: Snapshot });
    const rejoined = acks.filter((ack) => ack.role === "follower").at(-1)!;
    expect(rejoined.snapshot.base).toBe(held);
    expect(follower!.client.view!.entries.map((entry) => entry.key)).toEqual(feed.entryKeys.slice(0, presenter.client.view!.entries.length));
    // It is in the session's rooms again: the next change reaches it.
    await hub.until(presenter.client.control({ type: "pause" }));
    await hub.flush();
    expect(follower!.client.view!.clock).toEqual(presenter.client.view!.clock);
  });

  it("the new state reaches every client before the presenter's acknowledgement (docs/PROTOCOL.md, Order)", async () => {
    const { hub, presenter } = await classOf(1);
    const before = presenter.pair.received.length;
    const answered = presenter.client.control({ type: "play" });
    await hub.until(answered);
    const after = presenter.pair.received.slice(before).map((m) => m.event);
    expect(after).toEqual(["session:state", "ack"]);
    expect(presenter.client.view!.clock).toEqual(await answered);
  });

  it("two presenters commanding 5 ms apart: one order everywhere, both take effect together", async () => {
    const { hub, presenter, followers, created } = await classOf(2);
    const second = hub.connect("192.0.2.9");
    const console2 = new ReplayClient(second.clientSocket, () => Date.now());
    open.push(console2);
    await hub.until(console2.join({ sessionId: created.sessionId }, created.secret));
    expect(console2.mode?.kind).toBe("presenting");

    const first = presenter.client.control({ type: "seek", to: FIRST + 60 * MIN });
    await presenter.pair.flush();
    vi.advanceTimersByTime(5);
    const other = console2.control({ type: "rate", rate: 60 });
    await hub.until(Promise.all([first, other]));
    await hub.flush();
    const [a, b] = await Promise.all([first, other]);
    expect(b.revision).toBe(a.revision + 1);
    // The second joins the first's instant rather than taking effect 5 ms later.
    expect(b.serverTimeAtAnchor).toBe(a.serverTimeAtAnchor);
    for (const client of [presenter.client, console2, ...followers.map((f) => f.client)]) {
      expect(client.view!.clock).toEqual(b);
      // What each computes at any instant is the clock in force then.
      expect(clock.effectiveState(client.view!.previousClock, client.view!.clock, a.serverTimeAtAnchor - 1).revision).toBe(a.revision - 1);
    }
  });

  it("refusals cross the pair with their reason", async () => {
    const r = room();
    const { client } = r.client();
    await expect(r.hub.until(client.join({ code: "ZZZZZZ" }))).rejects.toMatchObject({ refusal: { reason: "unknown_session" } });
    await expect(r.hub.until(client.create("no-such-feed", "solo"))).rejects.toBeInstanceOf(RequestRefused);
  });

  it("the question flow: open, answer, close, reveal", async () => {
    const { hub, presenter, followers } = await classOf(2);
    const { sessionId } = presenter.client.view!;
    const ask = <T>(pair: TestSocketPair, event: string, payload: unknown) =>
      hub.until(pair.socket.timeout(1000).emitWithAck(event, payload)) as Promise<T>;
    type Ack = { ok: boolean; question: { question: { id: string } } };

    const opened = await ask<Ack>(presenter.pair, "question:open", { sessionId, question: { prompt: "Who wins?", kind: "choice", options: ["A", "B"] } });
    expect(opened.ok).toBe(true);
    const questionId = opened.question.question.id;
    await hub.flush();
    for (const { pair } of followers) expect(pair.received.filter((m) => m.event === "question:state")).toHaveLength(1);

    const devices = ["device-one-0123456789", "device-two-0123456789"];
    for (const [i, { pair }] of followers.entries()) {
      const answered = await ask<Ack>(pair, "question:answer", { sessionId, questionId, device: devices[i], choice: i });
      expect(answered.ok).toBe(true);
    }
    // Answers are announced together, ANSWER_ANNOUNCE_MS later; the class learns a count only.
    vi.advanceTimersByTime(250);
    await hub.flush();
    const lastState = (pair: TestSocketPair) => pair.received.filter((m) => m.event === "question:state").at(-1)!.payload as ServerPayload<"question:state">;
    const lastAnswers = presenter.pair.received.filter((m) => m.event === "question:answers").at(-1)!.payload as ServerPayload<"question:answers">;
    expect(lastAnswers.question).toMatchObject({ question: { status: "open" }, answeredCount: 2 });
    expect((lastAnswers.question as { answers: unknown[] }).answers).toHaveLength(2);
    for (const { pair } of followers) {
      expect(lastState(pair).question).toMatchObject({ status: "open", answeredCount: 2 });
      expect(lastState(pair).question).not.toHaveProperty("answers");
      expect(lastState(pair).question).not.toHaveProperty("results");
    }

    // A presenter cannot answer; a follower cannot close.
    expect(await ask(presenter.pair, "question:answer", { sessionId, questionId, device: devices[0], choice: 0 })).toMatchObject({ ok: false, reason: "invalid_answer" });
    expect(await ask(followers[0]!.pair, "question:close", { sessionId, questionId })).toMatchObject({ ok: false, reason: "not_presenter" });

    expect(await ask<Ack>(presenter.pair, "question:close", { sessionId, questionId })).toMatchObject({ ok: true, question: { question: { status: "closed" } } });
    expect(await ask(followers[1]!.pair, "question:answer", { sessionId, questionId, device: devices[1], choice: 0 })).toMatchObject({ ok: false, reason: "question_closed" });
    expect(await ask<Ack>(presenter.pair, "question:reveal", { sessionId, questionId, correctOption: 1 })).toMatchObject({ ok: true, question: { question: { status: "revealed", correctOption: 1 } } });
    await hub.flush();
    for (const { pair } of followers) expect(lastState(pair).question).toMatchObject({ status: "revealed", correctOption: 1, results: { kind: "choice", counts: [1, 1], total: 2 } });
  });

  it("a projector is counted apart from those following, and every screen hears how many follow", async () => {
    const { hub, presenter, followers, created, client } = await classOf(2);
    const projector = client("192.0.2.50");
    await hub.until(projector.client.join({ code: created.code! }, undefined, "projector"));
    vi.advanceTimersByTime(250);
    await hub.flush();
    const last = <E extends "session:presence" | "session:audience">(pair: TestSocketPair, event: E) =>
      pair.received.filter((m) => m.event === event).at(-1)?.payload as ServerPayload<E> | undefined;
    expect(last(presenter.pair, "session:presence")).toMatchObject({ followers: 2, projectors: 1, presenters: 1 });
    // The projector joined last, yet it hears the count (for its lobby and "12 of 25 answered").
    expect(last(projector.pair, "session:audience")).toMatchObject({ followers: 2 });
    expect(last(followers[0]!.pair, "session:audience")).toMatchObject({ followers: 2 });
    expect(projector.pair.received.some((m) => m.event === "session:presence")).toBe(false);
    // A rejoin after a dropped connection says again that it is a projector.
    projector.pair.reconnect();
    await hub.flush();
    expect(projector.pair.sent.filter((m) => m.event === "session:join").at(-1)!.payload).toMatchObject({ screen: "projector" });
  });

  it("presence: the presenter hears who follows, and a count that fails (a dead process) is retried", async () => {
    const { hub, presenter, followers } = await classOf(2);
    vi.advanceTimersByTime(250);
    await hub.flush();
    const presences = () => presenter.pair.received.filter((m) => m.event === "session:presence").map((m) => m.payload as ServerPayload<"session:presence">);
    expect(presences().at(-1)).toMatchObject({ followers: 2, presenters: 1 });
    expect(followers[0]!.pair.received.some((m) => m.event === "session:presence")).toBe(false);

    // Another process does not answer for a while: counts fail, and are tried again every second.
    const ask = hub.rooms.askProcesses;
    let failures = 3;
    hub.rooms.askProcesses = (question, timeoutMs) => (failures-- > 0 ? Promise.reject(new Error("timeout reached")) : ask(question, timeoutMs));
    followers[1]!.pair.disconnect();
    const before = presences().length;
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(1000);
      await hub.flush();
    }
    expect(failures).toBeLessThan(0);
    expect(presences().length).toBeGreaterThan(before);
    expect(presences().at(-1)).toMatchObject({ followers: 1, presenters: 1 });
  });

  it("entries reach followers ahead of their instant, and each is shown at its instant, not on arrival", async () => {
    const { hub, presenter, followers, feed } = await classOf(1);
    const follower = followers[0]!.client;
    const released: Array<{ key: string; at: number }> = [];
    follower.on((event) => {
      if (event.type === "entries") for (const entry of event.added) released.push({ key: entry.key, at: Date.now() });
    });
    await hub.until(presenter.client.control({ type: "seek", to: FIRST - 1000 }));
    await hub.until(presenter.client.control({ type: "rate", rate: 600 }));
    const playing = await hub.until(presenter.client.control({ type: "play" }));
    const due = feed.timeline.entryTimes.slice(0, 4).map((sim) => clock.serverTimeOfSim(playing, feed.timeline, sim)!);
    const window = entryWindowMs(LEAD_BOUNDS_MS.min);
    // Half a window before the second entry is due: it is held, not shown.
    vi.advanceTimersByTime(Math.ceil(due[1]! - window / 2 - Date.now()));
    await hub.flush();
    expect(follower.cursor).toBeGreaterThanOrEqual(2);
    expect(follower.view!.entries.map((entry) => entry.key)).toEqual(["k0"]);
    vi.advanceTimersByTime(Math.floor(due[1]! - Date.now()));
    await hub.flush();
    expect(follower.view!.entries).toHaveLength(1);
    while (Date.now() < due[3]!) {
      vi.advanceTimersByTime(Math.min(50, Math.ceil(due[3]! - Date.now()))); // delivering as it goes
      await hub.flush();
    }
    // Each shown at its due instant (the first whole millisecond of fake time), never before.
    expect(released.map((r) => r.key)).toEqual(feed.entryKeys.slice(0, 4));
    for (const [i, { at }] of released.entries()) expect(at - due[i]!).toBeGreaterThanOrEqual(0), expect(at - due[i]!).toBeLessThan(1);
    // Nothing went out more than a window ahead.
    expect(follower.cursor).toBe(clock.entriesShownAt(feed.timeline, clock.simTimeAt(playing, feed.timeline, Date.now() + window)));
  });

  it("no entry past a pause point reaches a follower before the class plays on", async () => {
    const { hub, presenter, followers, feed } = await classOf(1);
    const follower = followers[0]!;
    await hub.until(presenter.client.control({ type: "pauseOn", mode: "marked", markedEntryKeys: ["k3"] }));
    await hub.until(presenter.client.control({ type: "rate", rate: 3600 }));
    const playing = await hub.until(presenter.client.control({ type: "play" }));
    expect(playing.stopAt).toBe(feed.timeline.entryTimes[3]! - PAUSE_BEFORE_MS);
    const sentKeys = () =>
      follower.pair.received.flatMap((m) =>
        m.event === "session:entries" || m.event === "session:state" ? (m.payload as { entries: Array<{ key: string }> }).entries.map((entry) => entry.key) : [],
      );
    // At 3600× the window reaches hours ahead; the stop still holds k3 back, before and after the stop.
    for (let i = 0; i < 20; i++) {
      vi.advanceTimersByTime(100);
      await hub.flush();
      expect(sentKeys()).not.toContain("k3");
    }
    expect(presenter.client.currentClock()!.playing).toBe(false);
    expect(follower.client.cursor).toBe(3);
    expect(follower.client.view!.entries).toHaveLength(3);
    // The class plays on: k3 comes, and shows at its instant.
    await hub.until(presenter.client.control({ type: "play" }));
    vi.advanceTimersByTime(LEAD_BOUNDS_MS.min + 10);
    await hub.flush();
    expect(sentKeys()).toContain("k3");
    expect(follower.client.view!.entries.map((entry) => entry.key)).toContain("k3");
  });

  it("a shared session's lead follows its measured delivery, within its bounds", async () => {
    const { hub, manager, presenter, created } = await classOf(1);
    const leadAfter = (slowestRoundTripMs: number | null) => {
      manager.measuredDelivery(created.sessionId, slowestRoundTripMs);
      return leadOfNextChange(hub, presenter);
    };
    expect(await leadAfter(null)).toBe(LEAD_BOUNDS_MS.min);
    expect(await leadAfter(5)).toBe(LEAD_BOUNDS_MS.min);
    expect(await leadAfter(180.2)).toBe(Math.ceil(1.5 * 180.2)); // 1.5 × the slowest round trip (lead.ts)
    expect(await leadAfter(60_000)).toBe(LEAD_BOUNDS_MS.max);
  });

  it("every process probes at the same instants, the multiples of the probe interval in server time", async () => {
    vi.setSystemTime(Date.now() + 1_234); // this process started between two rounds
    const { hub, followers } = await classOf(1);
    await probeRound(hub); // past the probe of the follower's join, at its count
    const probedAt: number[] = [];
    followers[0]!.pair.clientSocket.on("session:probe", (probe) => void probedAt.push(probe.serverTime));
    await probeRound(hub);
    await probeRound(hub);
    expect(probedAt).toHaveLength(2);
    for (const at of probedAt) expect(at % PROBE_INTERVAL_MS).toBe(0);
  });

  it("a change that took long to reach a process makes the lead longer at the next probe round", async () => {
    const { hub, manager, presenter, created, sessions } = await classOf(1);
    await probeRound(hub);
    expect(await leadOfNextChange(hub, presenter)).toBe(LEAD_BOUNDS_MS.min); // round trips on an in-memory pair take no time
    // Another process made a change (written to the store as that process would), sent 60 ms ago.
    const stored = (await sessions.findById(created.sessionId))!;
    const { secretHash: _secretHash, ...change } = { ...stored, clock: { ...stored.clock, revision: stored.clock.revision + 1 } };
    expect(await sessions.save({ ...change, secretHash: stored.secretHash }, stored.clock.revision)).toBe(true);
    manager.onRemoteChange(change, Date.now() - 60);
    await vi.advanceTimersByTimeAsync(0);
    expect(manager.relayMs(created.sessionId)).toBe(60);
    expect(await leadOfNextChange(hub, presenter)).toBe(LEAD_BOUNDS_MS.min); // not before the probes carry it
    await probeRound(hub);
    // 1.5 × (the probe's round trip, under one 100 ms step here, + twice the relay: it counts twice, as a round trip does).
    const lead = await leadOfNextChange(hub, presenter);
    expect(lead).toBeGreaterThanOrEqual(1.5 * 2 * 60);
    expect(lead).toBeLessThanOrEqual(Math.ceil(1.5 * (100 + 2 * 60)));
  });

  it("a change's lead also counts the slowest of the latest writes: nobody hears of a change before it is written", async () => {
    // No follower, so no probe round moves the lead while the writes are counted.
    const { hub, presenter, sessions } = await classOf(0);
    const save = sessions.save.bind(sessions);
    let writeMs = 25;
    sessions.save = async (...args) => {
      vi.setSystemTime(Date.now() + writeMs); // the write takes that long
      return save(...args);
    };
    expect(await leadOfNextChange(hub, presenter)).toBe(LEAD_BOUNDS_MS.min); // the first write has not been timed yet
    expect(await leadOfNextChange(hub, presenter)).toBe(LEAD_BOUNDS_MS.min + 25);
    writeMs = 0;
    const leads = [];
    for (let i = 0; i < 9; i++) leads.push(await leadOfNextChange(hub, presenter));
    // A write is remembered for eight writes: the second slow one, until the tenth change.
    expect(leads).toEqual([...Array(8).fill(LEAD_BOUNDS_MS.min + 25), LEAD_BOUNDS_MS.min]);
  });

  it("a follower who joins between probe rounds is probed when its join is counted: the next change's lead already counts it", async () => {
    const { hub, presenter, created, client } = await classOf(1);
    await probeRound(hub);
    expect(await leadOfNextChange(hub, presenter)).toBe(LEAD_BOUNDS_MS.min);
    const late = client("198.51.100.200");
    await hub.until(late.client.join({ code: created.code! }));
    await vi.advanceTimersByTimeAsync(250); // the join is counted…
    await settle();
    expect(late.pair.flushServerSent()).toBe(true); // …and the newcomer probed; it answers at once,
    expect(late.pair.received.at(-1)!.event).toBe("session:probe");
    vi.advanceTimersByTime(200); // and its answer takes 200 ms to come back.
    await hub.flush();
    // Well before the next round (5 s after the last): 1.5 × the newcomer's round trip.
    expect(await leadOfNextChange(hub, presenter)).toBe(1.5 * 200);
  });

  it("newcomers as many as those measured get everyone probed again; fewer get only themselves probed", async () => {
    const { hub, created, client, followers } = await classOf(1);
    await probeRound(hub);
    const probes = (pair: TestSocketPair) => pair.received.filter((m) => m.event === "session:probe").length;
    const join = async () => {
      const newcomer = client(`198.51.100.${200 + probes.length}`);
      await hub.until(newcomer.client.join({ code: created.code! }));
      await vi.advanceTimersByTimeAsync(250);
      await hub.flush();
      return newcomer.pair;
    };
    const first = followers[0]!.pair;
    expect(probes(first)).toBe(2); // when its join was counted, and at the round
    const second = await join(); // one newcomer, one measured: a broadcast now goes to twice as many
    expect([probes(first), probes(second)]).toEqual([3, 1]);
    const third = await join(); // one newcomer, two measured
    expect([probes(first), probes(second), probes(third)]).toEqual([3, 1, 1]);
  });

  it("a newcomer whose probe is still unanswered is not probed again when the next join is counted", async () => {
    const { hub, created, client } = await classOf(3);
    await probeRound(hub);
    const probes = (pair: TestSocketPair) => pair.received.filter((m) => m.event === "session:probe").length;
    const slow = client("198.51.100.200");
    await hub.until(slow.client.join({ code: created.code! }));
    await vi.advanceTimersByTimeAsync(250);
    await settle();
    expect(slow.pair.dropServerSent().map((m) => m.event)).toContain("session:probe"); // lost on the way: it stays unanswered
    const next = client("198.51.100.201");
    await hub.until(next.client.join({ code: created.code! }));
    await vi.advanceTimersByTimeAsync(250);
    await hub.flush();
    expect([probes(slow.pair), probes(next.pair)]).toEqual([0, 1]);
  });

  it("another process's census is counted: its followers, their skews, and its slowest delivery in the lead", async () => {
    const { hub, presenter, created } = await classOf(1);
    hub.otherProcesses.push((question) => ({
      presenterIds: [],
      followers: question.census === created.sessionId ? 2 : 0,
      projectors: 1,
      inSync: 1,
      detached: 0,
      lagging: 1,
      skews: [0.5, 30],
      slowestRoundTripMs: 200,
    }));
    await probeRound(hub);
    const presence = presenter.pair.received.filter((m) => m.event === "session:presence").at(-1)!.payload as ServerPayload<"session:presence">;
    expect(presence).toMatchObject({ followers: 3, presenters: 1, projectors: 1, sync: { inSync: 2, lagging: 1, maxSkewMs: 30 } });
    expect(await leadOfNextChange(hub, presenter)).toBe(1.5 * 200);
  });

  it("a backward seek takes entries off followers' screens when it takes effect, not when it is announced", async () => {
    const { hub, presenter, followers } = await classOf(1);
    const follower = followers[0]!.client;
    await hub.until(presenter.client.control({ type: "seek", to: FIRST + 60 * MIN }));
    vi.advanceTimersByTime(LEAD_BOUNDS_MS.max);
    await hub.flush();
    const shown = follower.view!.entries.length;
    expect(shown).toBeGreaterThan(5);
    const back = await hub.until(presenter.client.control({ type: "seek", to: FIRST }));
    await hub.flush();
    expect(follower.cursor).toBe(1); // the stream is truncated at once…
    expect(follower.view!.entries).toHaveLength(shown); // …the screen keeps its entries while the old clock is in force…
    vi.advanceTimersByTime(Math.ceil(back.serverTimeAtAnchor - Date.now()));
    expect(follower.view!.entries).toHaveLength(1); // …and drops them as the clock jumps back
    expect(follower.simTime()).toBe(FIRST);
  });
});
