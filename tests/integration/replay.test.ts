/**
 * The replay engine end to end: real servers, real socket.io clients, a real
 * PostgreSQL. Entries arrive once each and in order across seeks and
 * reconnects; only the presenter controls; bad input is refused and changes
 * nothing; sessions survive restarts; two processes serve one session.
 */
import { spawn } from "node:child_process";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReplayClient, request, type ReplaySocket } from "../../client/replay-client";
import { PROTOCOL_VERSION, type ProtocolEntry } from "../../domain/protocol";
import * as clock from "../../domain/replay/clock";
import { createTestDatabase, delay, projectRoot, runFileCleanups, spawnServer, tempDataDir, type ServerProcess } from "./helpers";

const FEED = "sputnik-helsinki-2018";
const sockets: Socket[] = [];

function connect(url: string, protocol = PROTOCOL_VERSION): ReplaySocket {
  const socket = io(url, { auth: { protocol }, transports: ["websocket"], reconnectionDelay: 100, reconnectionDelayMax: 200 });
  sockets.push(socket);
  return socket as ReplaySocket;
}

async function client(url: string): Promise<ReplayClient> {
  const replay = new ReplayClient(connect(url));
  await replay.sync.sync();
  return replay;
}

/**
 * Records a follower socket's raw stream and checks, message by message, that
 * it continues exactly from what the client holds: no gap, no duplicate.
 */
function strictStream(socket: ReplaySocket, initial: { held: number }) {
  const violations: string[] = [];
  const ids: string[] = [];
  let held = initial.held;
  socket.on("session:entries", ({ from, to, entries }) => {
    if (from !== held) violations.push(`entries from ${from} while holding ${held}`);
    if (entries.length !== to - from) violations.push(`entries ${from}..${to} carried ${entries.length}`);
    ids.splice(from, ids.length - from, ...entries.map((entry) => entry.id));
    held = to;
  });
  socket.on("session:state", ({ base, cursor, entries }) => {
    if (base > held) violations.push(`state base ${base} beyond held ${held}`);
    if (entries.length !== cursor - base) violations.push(`state ${base}..${cursor} carried ${entries.length}`);
    ids.splice(base, ids.length - base, ...entries.map((entry) => entry.id));
    held = cursor;
  });
  return { violations, ids, held: () => held };
}

let server: ServerProcess;
let feedEntries: ProtocolEntry[];

beforeAll(async () => {
  server = await spawnServer({ DATABASE_URL: await createTestDatabase(), RELIVE_DATA_DIR: await tempDataDir() });
  expect(server.url, server.output()).toBeDefined();
  const feed = await (await fetch(`${server.url}/api/feeds/${FEED}`)).json();
  feedEntries = feed.entries;
});

afterAll(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  await runFileCleanups();
});

describe("emission", () => {
  it("delivers every entry once and in order to every follower, across seeks forward and back", async () => {
    const presenter = await client(server.url!);
    const { code } = await presenter.create(FEED, "shared");
    const followers = await Promise.all([client(server.url!), client(server.url!)]);
    const streams = [];
    for (const follower of followers) {
      await follower.join({ code: code! });
      streams.push(strictStream(follower.socket, { held: follower.cursor }));
    }

    await presenter.control({ type: "jump", input: "15:00 GMT" });
    await presenter.control({ type: "rate", rate: 600 });
    await presenter.control({ type: "play" });
    await delay(1200); // ~12 simulated minutes: several entries stream in
    await presenter.control({ type: "seek", to: Date.parse("2018-07-16T17:00:00Z") });
    await delay(300);
    await presenter.control({ type: "step", direction: -1 });
    await presenter.control({ type: "jump", input: "12:00 GMT" });
    await delay(1000);
    await presenter.control({ type: "pause" });
    await delay(200);

    const sim = presenter.simTime()!;
    const expected = feedEntries.slice(0, clock.entriesShownAt(presenter.view!.timeline, sim)).map((entry) => entry.id);
    expect(expected.length).toBeGreaterThan(10);
    for (const [index, follower] of followers.entries()) {
      expect(streams[index]!.violations).toEqual([]);
      expect(streams[index]!.ids).toEqual(expected);
      expect(follower.view!.entries.map((entry) => entry.id)).toEqual(expected);
      expect(follower.visibleEntries().map((entry) => entry.id)).toEqual(expected);
      expect(Math.abs(follower.simTime()! - sim)).toBeLessThan(1); // paused: identical
    }
  });

  it("sends entries ahead of their instants, and the client shows each at its instant", async () => {
    const presenter = await client(server.url!);
    await presenter.create(FEED, "shared");
    await presenter.control({ type: "jump", input: "15:05 GMT" });
    await presenter.control({ type: "rate", rate: 120 });
    const ahead: number[] = [];
    const lateness: number[] = [];
    presenter.socket.on("session:entries", ({ from, to }) => {
      const received = presenter.sync.serverNow();
      const state = presenter.liveClock()!;
      for (let index = from; index < to; index++) {
        const due = clock.serverTimeOfSim(state, presenter.view!.timeline, presenter.view!.timeline.entryTimes[index]!);
        if (due !== null) ahead.push(due - received);
      }
    });
    presenter.on((event) => {
      if (event.type !== "entries") return;
      const shown = presenter.sync.serverNow();
      for (const entry of event.added) {
        const due = clock.serverTimeOfSim(presenter.liveClock()!, event.view.timeline, Date.parse(entry.publishedAt));
        if (due !== null) lateness.push(shown - due);
      }
    });
    await presenter.control({ type: "play" });
    await delay(6000); // 12 simulated minutes at 120×: 15:05 → 15:17, six entries
    expect(lateness.length).toBeGreaterThanOrEqual(3);
    expect(ahead.length).toBeGreaterThanOrEqual(lateness.length); // the last may still be held
    // Each arrives before its instant (sent up to the entry window ahead)…
    expect(Math.min(...ahead)).toBeGreaterThan(0);
    // …and the client shows it at its instant: never before, and late only by a timer. The bound
    // leaves room for a busy CI machine: `npm run bench` holds the tight numbers.
    expect(Math.min(...lateness)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...lateness)).toBeLessThan(250);
  });

  it("pauses by itself at each entry when asked to, and at the end of the feed", async () => {
    const presenter = await client(server.url!);
    await presenter.create(FEED, "solo");
    await presenter.control({ type: "jump", input: "15:05 GMT" });
    await presenter.control({ type: "pauseOn", mode: "every" });
    await presenter.control({ type: "rate", rate: 600 });
    await presenter.control({ type: "play" });
    await delay(1500);
    const state = presenter.currentClock()!;
    expect(state.playing).toBe(false);
    expect(new Date(state.simAtAnchor).toISOString()).toBe("2018-07-16T15:09:00.000Z"); // the first entry after 15:05

    await presenter.control({ type: "pauseOn", mode: "off" });
    await presenter.control({ type: "jump", input: "18:10 GMT" });
    await presenter.control({ type: "play" });
    await delay(1500);
    expect(presenter.currentClock()).toMatchObject({ playing: false, simAtAnchor: Date.parse("2018-07-16T18:18:00Z") });
    expect(presenter.visibleEntries()).toHaveLength(feedEntries.length);
  });
});

describe("reconnecting", () => {
  it("gets what it missed while away, with nothing duplicated or lost", async () => {
    const presenter = await client(server.url!);
    const { code } = await presenter.create(FEED, "shared");
    await presenter.control({ type: "jump", input: "15:00 GMT" });
    const follower = await client(server.url!);
    await follower.join({ code: code! });
    const before = follower.view!.entries.length;

    await presenter.control({ type: "rate", rate: 600 });
    await presenter.control({ type: "play" });
    follower.socket.io.engine.close(); // the network drops; socket.io reconnects by itself
    await delay(1500);
    await presenter.control({ type: "seek", to: Date.parse("2018-07-16T14:00:00Z") }); // a change while away too
    await delay(1500);
    await presenter.control({ type: "pause" });
    await delay(500);

    expect(follower.socket.connected).toBe(true);
    const ids = follower.view!.entries.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(presenter.view!.entries.map((entry) => entry.id));
    expect(ids).toEqual(feedEntries.slice(0, ids.length).map((entry) => entry.id));
    expect(ids.length).not.toBe(before);
    expect(follower.currentClock()).toEqual(presenter.currentClock());
  });
});

describe("who may do what", () => {
  it("lets only the presenter control a shared session", async () => {
    const presenter = await client(server.url!);
    const { code, secret } = await presenter.create(FEED, "shared");
    const follower = await client(server.url!);
    await follower.join({ code: code! });
    const revision = presenter.view!.clock.revision;

    await expect(request(follower.socket, "session:control", { sessionId: follower.view!.sessionId, command: { type: "play" } })).rejects.toMatchObject({
      refusal: { reason: "not_presenter" },
    });
    // The client library turns a follower's clock commands into a private view, and refuses the rest itself.
    await expect(follower.control({ type: "pin", card: "nato", pinned: true })).rejects.toMatchObject({ refusal: { reason: "not_presenter" } });
    const impostor = await client(server.url!);
    await expect(impostor.join({ code: code! }, "x".repeat(43))).rejects.toMatchObject({ refusal: { reason: "bad_secret" } });
    const other = await client(server.url!);
    const otherSession = await other.create(FEED, "shared");
    await expect(impostor.join({ code: code! }, otherSession.secret)).rejects.toMatchObject({ refusal: { reason: "bad_secret" } });
    await expect(
      request(connect(server.url!), "session:control", { sessionId: presenter.view!.sessionId, command: { type: "play" } }),
    ).rejects.toMatchObject({ refusal: { reason: "not_joined" } });

    const remote = await client(server.url!); // the presenter's phone
    await remote.join({ code: code! }, secret);
    expect(remote.view!.role).toBe("presenter");
    await remote.control({ type: "rate", rate: 30 });
    await delay(100);
    expect(presenter.view!.clock.rate).toBe(30);
    expect(presenter.view!.clock.revision).toBe(revision + 1);
  });

  it("answers unknown and malformed codes clearly", async () => {
    const socket = connect(server.url!);
    await expect(request(socket, "session:join", { code: "ZZZZZZ" })).rejects.toMatchObject({ refusal: { reason: "unknown_session" } });
    await expect(request(socket, "session:join", { code: "O0l1I!" })).rejects.toMatchObject({ refusal: { reason: "invalid_payload" } });
  });

  it("refuses a client that speaks another protocol version at the handshake", async () => {
    const socket = connect(server.url!, PROTOCOL_VERSION + 1);
    const error = await new Promise<Error & { data?: { reason?: string } }>((resolve) => socket.once("connect_error", resolve));
    expect(error.data?.reason).toBe("protocol_mismatch");
    socket.disconnect();
  });
});

describe("hostile input", () => {
  it("refuses malformed, oversized and unknown messages without changing the session", async () => {
    const presenter = await client(server.url!);
    await presenter.create(FEED, "shared");
    const sessionId = presenter.view!.sessionId;
    const revision = presenter.view!.clock.revision;
    const socket = presenter.socket as unknown as Socket;
    const send = (event: string, payload: unknown) => socket.timeout(5000).emitWithAck(event, payload);

    const cases: Array<[string, unknown, string]> = [
      ["session:control", { sessionId, command: { type: "rate", rate: "fast" } }, "invalid_payload"],
      ["session:control", { sessionId, command: { type: "rate", rate: -1 } }, "invalid_payload"],
      ["session:control", { sessionId, command: { type: "rate", rate: 1e9 } }, "invalid_payload"],
      ["session:control", { sessionId, command: { type: "seek", to: null } }, "invalid_payload"],
      ["session:control", { sessionId, command: { type: "warp" } }, "invalid_payload"],
      ["session:control", { sessionId }, "invalid_payload"],
      ["session:control", null, "invalid_payload"],
      ["session:control", { sessionId, command: { type: "jump", input: "25:99" } }, "bad_time"],
      ["session:control", { sessionId, command: { type: "pin", card: "no-such-card", pinned: true } }, "unknown_card"],
      ["session:control", { sessionId: "not-a-uuid", command: { type: "play" } }, "invalid_payload"],
      ["session:control", { sessionId, command: { type: "jump", input: "x".repeat(5000) } }, "too_large"],
      ["session:create", { feed: "no-such-feed", kind: "solo" }, "unknown_feed"],
      ["no:such:event", {}, "invalid_payload"],
      ["time:ping", { t0: "now" }, "invalid_payload"],
    ];
    for (const [event, payload, reason] of cases) {
      const response = await send(event, payload);
      expect(response, `${event} ${JSON.stringify(payload)?.slice(0, 80)}`).toMatchObject({ ok: false, reason });
      expect(typeof response.message).toBe("string");
    }
    socket.emit("session:control", { sessionId, command: { type: "play" } }); // no ack: dropped
    await delay(200);
    const { snapshot } = await request(presenter.socket, "session:sync", { sessionId, have: { revision, cursor: 0 } });
    expect(snapshot.clock.revision).toBe(revision);
    expect(snapshot.clock.playing).toBe(false);
  });

  it("rate-limits a flood, and closes a connection that sends more than the size cap", async () => {
    const flooder = connect(server.url!) as unknown as Socket;
    await new Promise<void>((resolve) => flooder.once("connect", () => resolve()));
    const responses = await Promise.all(Array.from({ length: 200 }, (_, i) => flooder.timeout(5000).emitWithAck("time:ping", { t0: i })));
    const limited = responses.filter((response) => response.ok === false && response.reason === "rate_limited").length;
    expect(limited).toBeGreaterThan(100);
    expect(responses.filter((response) => response.ok === true).length).toBeGreaterThanOrEqual(30);

    const big = connect(server.url!) as unknown as Socket;
    await new Promise<void>((resolve) => big.once("connect", () => resolve()));
    const closed = new Promise<void>((resolve) => big.once("disconnect", () => resolve()));
    big.emit("time:ping", { t0: 1, padding: "x".repeat(64 * 1024) }, () => undefined);
    await closed;
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  });
});

describe("the command-line follower", () => {
  it("prints each entry once, in order, as the presenter plays", async () => {
    const presenter = await client(server.url!);
    const { code } = await presenter.create(FEED, "shared");
    await presenter.control({ type: "jump", input: "15:00 GMT" }); // 21 entries already shown

    const follower = spawn(process.execPath, ["--import", "tsx", "scripts/follow.ts", code!, "--url", server.url!, "--json", "--once", "25"], {
      cwd: projectRoot,
    });
    let stdout = "";
    follower.stdout.on("data", (chunk) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => follower.once("exit", resolve));
    await delay(2500); // connected and printed what was already shown
    await presenter.control({ type: "rate", rate: 600 });
    await presenter.control({ type: "play" });
    const exit = await Promise.race([exited, delay(20_000).then(() => "timeout" as const)]);
    if (exit === "timeout") follower.kill("SIGKILL");
    expect(exit).toBe(0);

    const records = stdout.trim().split("\n").map((line) => JSON.parse(line));
    const entries = records.filter((record) => record.type === "entry");
    expect(entries.map((entry) => entry.key)).toEqual(feedEntries.slice(0, 25).map((entry) => entry.key));
    expect(entries.map((entry) => entry.index)).toEqual([...Array(25).keys()]);
    expect(records.some((record) => record.type === "clock")).toBe(true);
  });
});

describe("restart recovery", () => {
  it("resumes a playing session at the right simulated time after the server is killed", async () => {
    const dataDir = await tempDataDir();
    const first = await spawnServer({ RELIVE_DATA_DIR: dataDir });
    const presenter = await client(first.url!);
    const { code } = await presenter.create(FEED, "shared");
    await presenter.control({ type: "jump", input: "12:00 GMT" });
    await presenter.control({ type: "rate", rate: 10 });
    await presenter.control({ type: "pin", card: "syria", pinned: true });
    await presenter.control({ type: "play" });
    await delay(300);
    const state = presenter.currentClock()!;
    const timeline = presenter.view!.timeline;
    presenter.socket.disconnect();
    await first.stop("SIGKILL");

    const second = await spawnServer({ RELIVE_DATA_DIR: dataDir });
    expect(second.url, second.output()).toBeDefined();
    const follower = await client(second.url!);
    await follower.join({ code: code! });
    const now = follower.sync.serverNow();
    const expected = clock.simTimeAt(state, timeline, now);
    // Within 100 ms of wall time of where it would have been (1 s simulated at 10×).
    expect(Math.abs(follower.simTime(now)! - expected) / 10).toBeLessThan(100);
    expect(follower.view!.pinnedCards).toContain("syria");
    expect(follower.view!.entries.length).toBe(clock.entriesShownAt(timeline, expected));
    expect((await second.stop()).code).toBe(0);
  });
});

describe("two server processes sharing one PostgreSQL", () => {
  /** Servers a and b on a database of their own, a class session created on a and followed on b. */
  async function twoProcesses() {
    const databaseUrl = await createTestDatabase();
    const a = await spawnServer({ DATABASE_URL: databaseUrl, RELIVE_DATA_DIR: await tempDataDir() });
    const b = await spawnServer({ DATABASE_URL: databaseUrl, RELIVE_DATA_DIR: await tempDataDir() });
    expect(a.url && b.url, a.output() + b.output()).toBeTruthy();
    const presenter = await client(a.url!);
    const { code } = await presenter.create(FEED, "shared");
    // a counts b's sockets through b's own census of them (socket/presence.ts).
    const counted = new Promise<void>((resolve) => presenter.on((event) => event.type === "presence" && event.followers === 1 && resolve()));
    const follower = await client(b.url!);
    await follower.join({ code: code! });
    await counted;
    return { a, b, presenter, follower };
  }

  it("carry a control change from one to followers on the other, who compute the same clock", async () => {
    const { a, b, presenter, follower } = await twoProcesses();
    const stream = strictStream(follower.socket, { held: follower.cursor });

    const changed = new Promise<void>((resolve) => follower.on((event) => event.type === "state" && event.view.clock.rate === 600 && resolve()));
    await presenter.control({ type: "jump", input: "15:00 GMT" });
    await presenter.control({ type: "rate", rate: 600 });
    await changed;
    await presenter.control({ type: "play" });
    await delay(1500);

    const at = presenter.sync.serverNow();
    expect(Math.abs(follower.simTime(at)! - presenter.simTime(at)!)).toBeLessThan(1);
    expect(follower.view!.entries.length).toBeGreaterThan(21);
    expect(stream.violations).toEqual([]);
    // Another database than the other tests': compare by key, not id.
    expect(follower.view!.entries.map((entry) => entry.key)).toEqual(feedEntries.slice(0, follower.view!.entries.length).map((entry) => entry.key));
    await presenter.control({ type: "pause" });
    expect((await a.stop()).code).toBe(0);
    expect((await b.stop()).code).toBe(0);
  });

  it("do not wait for one that was killed: a console on the other still hears who is following", async () => {
    // The two know each other: a change on a reaches a follower on b.
    const { a, b, presenter: first, follower: other } = await twoProcesses();
    const carried = new Promise<void>((resolve) => other.on((event) => event.type === "state" && event.view.clock.rate === 60 && resolve()));
    await first.control({ type: "rate", rate: 60 });
    await carried;
    other.socket.disconnect();
    await b.stop("SIGKILL");

    // a still counts b until b's heartbeats are missed; its counts of who follows fail until then.
    const presenter = await client(a.url!);
    const { code: classCode } = await presenter.create(FEED, "shared");
    const counted = new Promise<number>((resolve) =>
      presenter.on((event) => event.type === "presence" && event.followers === 1 && resolve(event.followers)),
    );
    const follower = await client(a.url!);
    await follower.join({ code: classCode! });
    expect(await counted).toBe(1);
    expect((await a.stop()).code).toBe(0);
  }, 40_000);
});
