/**
 * What one address may do to others behind it, and what followers may see:
 * a guesser behind a school's NAT does not lock the class out, the
 * per-address caps on sockets and on new sessions, and followers never
 * receive the presenter's upcoming pause points. Real servers, real sockets
 * (each test a device of its own by its loopback address), real PostgreSQL.
 */
import http from "node:http";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReplayClient, request, type ReplayEvent, type ReplaySocket } from "../../client/replay-client";
import { JOIN_CODE_ALPHABET, PROTOCOL_VERSION, type ProtocolEntry, type Snapshot } from "../../domain/protocol";
import { GUESS_LIMIT } from "../../server/replay/join-guard";
import { createTestDatabase, delay, refusalOf, runFileCleanups, spawnServer, tempDataDir, type ServerProcess } from "./helpers";

const FEED = "sputnik-helsinki-2018";
/** Small caps for the server that tests them, so that the test is quick. */
const SMALL_CAPS = { sockets: 4, createsPerMinute: 3 };
const sockets: Socket[] = [];
/** Runs with the default caps. */
let main: ServerProcess;
/** Runs with SMALL_CAPS. */
let capped: ServerProcess;
let feedEntries: ProtocolEntry[];

const portOf = (server: ServerProcess) => new URL(server.url!).port;

/** A socket from a given loopback address (any of 127/8 reaches the server): a device of its own. */
function connect(server: ServerProcess, from: string, options: { reconnection?: boolean } = {}): ReplaySocket {
  const socket = io(`http://127.0.0.1:${portOf(server)}`, {
    auth: { protocol: PROTOCOL_VERSION },
    transports: ["websocket"],
    reconnectionDelay: 100,
    reconnection: options.reconnection ?? true,
    localAddress: from,
    forceNew: true,
  } as Parameters<typeof io>[1]);
  sockets.push(socket);
  return socket as ReplaySocket;
}

async function client(server: ServerProcess, from: string): Promise<ReplayClient> {
  const replay = new ReplayClient(connect(server, from));
  await replay.sync.sync();
  return replay;
}

/** Connected, or the connect_error that refused it. */
function connection(socket: ReplaySocket): Promise<{ ok: true } | { ok: false; message: string; data: unknown }> {
  const raw = socket as unknown as Socket;
  if (raw.connected) return Promise.resolve({ ok: true });
  return new Promise((resolve) => {
    raw.once("connect", () => resolve({ ok: true }));
    raw.once("connect_error", (error: Error & { data?: unknown }) => resolve({ ok: false, message: error.message, data: error.data }));
  });
}

/** GET from a given loopback address. */
function page(server: ServerProcess, path: string, from: string): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port: portOf(server), path, localAddress: from }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers }));
    });
    req.on("error", reject);
  });
}

/** A code no session has, different each call (the chance that a random one exists is nil here). */
let guesses = 0;
const unknownCode = () => {
  const i = guesses++;
  const letter = (n: number) => JOIN_CODE_ALPHABET[n % JOIN_CODE_ALPHABET.length];
  return `ZZ${letter(Math.floor(i / 31 ** 3))}${letter(Math.floor(i / 31 ** 2))}${letter(Math.floor(i / 31))}${letter(i)}`;
};

beforeAll(async () => {
  const [mainDatabase, cappedDatabase] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  main = await spawnServer({ DATABASE_URL: mainDatabase, RELIVE_DATA_DIR: await tempDataDir() });
  expect(main.url, main.output()).toBeDefined();
  capped = await spawnServer({
    DATABASE_URL: cappedDatabase,
    RELIVE_DATA_DIR: await tempDataDir(),
    RELIVE_MAX_SOCKETS_PER_ADDRESS: String(SMALL_CAPS.sockets),
    RELIVE_SESSION_CREATES_PER_MINUTE: String(SMALL_CAPS.createsPerMinute),
  });
  expect(capped.url, capped.output()).toBeDefined();
  feedEntries = (await (await fetch(`${main.url}/api/feeds/${FEED}`)).json()).entries;
});

afterAll(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  await runFileCleanups();
});

describe("one guessing address does not lock out the class behind it", () => {
  it("a presenter and 30 followers at the guesser's address join and rejoin throughout, by code, id, secret and `have`; their pages answer 200", async () => {
    const SCHOOL = "127.0.0.31";
    const presenter = await client(main, SCHOOL);
    const { code, secret } = await presenter.create(FEED, "shared");
    const sessionId = presenter.view!.sessionId;

    // The guesser uses up the address's allowance...
    const guesser = connect(main, SCHOOL);
    for (let i = 0; i < GUESS_LIMIT.burst; i++) expect(await refusalOf(request(guesser, "session:join", { code: unknownCode() }))).toBe("unknown_session");
    expect(await refusalOf(request(guesser, "session:join", { code: unknownCode() }))).toBe("rate_limited");
    // ...and goes on guessing, faster than one guess per refill (3 s), from two connections, for the whole test.
    const answers: string[] = [];
    let guessing = true;
    const guessers = [guesser, connect(main, SCHOOL)].map(async (socket) => {
      while (guessing) {
        answers.push(await refusalOf(request(socket, "session:join", { code: unknownCode() })));
        await delay(500);
      }
    });
    const limitedPages: number[] = [];

    const followers = await Promise.all(Array.from({ length: 30 }, () => client(main, SCHOOL)));
    const rejoined = (follower: ReplayClient) =>
      new Promise<void>((resolve, reject) => {
        const raw = follower.socket as unknown as Socket;
        const off = follower.on((event: ReplayEvent) => event.type === "lost" && reject(new Error(`lost: ${event.message}`)));
        const check = async () => {
          // A sync is answered only on a socket that has joined: the rejoin happened.
          if (raw.connected && (await refusalOf(request(follower.socket, "session:sync", { sessionId, have: { revision: 0, cursor: 0 } }))) === "ok") {
            off();
            return resolve();
          }
          setTimeout(() => void check(), 100);
        };
        void check();
      });

    for (let round = 0; round < 3; round++) {
      // By code (a class typing it), then by id on a connection of its own.
      for (const follower of followers) {
        if (round === 0) await expect(follower.join({ code: code! })).resolves.toMatchObject({ role: "follower" });
      }
      const byId = await Promise.all(followers.map(() => refusalOf(request(connect(main, SCHOOL), "session:join", { sessionId }))));
      expect(byId).toEqual(followers.map(() => "ok"));
      const byCode = await Promise.all(followers.map(() => refusalOf(request(connect(main, SCHOOL), "session:join", { code: code! }))));
      expect(byCode).toEqual(followers.map(() => "ok"));
      // The presenter, with the secret, by code and by id (a second device, a reload).
      const console = connect(main, SCHOOL);
      await expect(request(console, "session:join", { code: code!, secret })).resolves.toMatchObject({ role: "presenter" });
      await expect(request(connect(main, SCHOOL), "session:join", { sessionId, secret })).resolves.toMatchObject({ role: "presenter" });
      // Every follower's connection drops; each rejoins by itself with what it holds (`have`).
      for (const follower of followers) (follower.socket as unknown as Socket).io.engine.close();
      await Promise.all(followers.map(rejoined));
      // The same by hand: a fresh connection that says what it holds.
      const have = { revision: presenter.view!.clock.revision, cursor: presenter.cursor };
      await expect(request(connect(main, SCHOOL), "session:join", { sessionId, have })).resolves.toMatchObject({ ok: true, role: "follower" });
      // The pages of the session, from the same address.
      for (const path of [`/s/${code}`, `/s/${code!.slice(0, 3)}-${code!.slice(3)}`, `/s/${code}/present`, `/s/${code}/control`]) {
        expect((await page(main, path, SCHOOL)).status, path).toBe(200);
      }
      // ...while a page for a code that names nothing is still limited.
      const guessedPage = await page(main, `/s/${unknownCode()}`, SCHOOL);
      limitedPages.push(guessedPage.status);
      if (guessedPage.status === 429) expect(Number(guessedPage.headers["retry-after"])).toBeGreaterThan(0);
      await presenter.control({ type: "seek", to: presenter.view!.timeline.entryTimes[10 * (round + 1)]! });
    }
    // On a fast machine the rounds end within seconds: keep guessing until there are enough guesses to judge.
    while (answers.length <= 10) await delay(100);
    guessing = false;
    await Promise.all(guessers);

    // The guesser learned nothing new: only "unknown" (one a refill) or "rate limited", never a session.
    expect(answers.filter((answer) => answer !== "unknown_session" && answer !== "rate_limited")).toEqual([]);
    expect(answers.length).toBeGreaterThan(10);
    expect(answers.filter((answer) => answer === "rate_limited").length).toBeGreaterThan(answers.length / 2);
    expect(limitedPages.filter((status) => status === 429).length).toBeGreaterThan(0);
    expect(limitedPages.filter((status) => status !== 429 && status !== 404)).toEqual([]);
    // And the class is all there, in step with the presenter.
    for (const follower of followers) expect(follower.view!.clock).toEqual(presenter.view!.clock);
  });

  it("a connection that guessed while its address was limited waits out the limit for its next code; other connections do not", async () => {
    const SCHOOL = "127.0.0.32";
    const presenter = await client(main, SCHOOL);
    const { code } = await presenter.create(FEED, "shared");
    const guesser = connect(main, SCHOOL);
    for (let i = 0; i < GUESS_LIMIT.burst; i++) await refusalOf(request(guesser, "session:join", { code: unknownCode() }));
    expect(await refusalOf(request(guesser, "session:join", { code: unknownCode() }))).toBe("rate_limited");
    // Guessing on from that connection tells nothing: even a real code is not looked up for it, for now...
    await expect(request(guesser, "session:join", { code: code! })).rejects.toMatchObject({ refusal: { reason: "rate_limited", message: expect.stringMatching(/try again in \d+ s/) } });
    // ...while a pupil's own connection at the same address joins at once.
    await expect(request(connect(main, SCHOOL), "session:join", { code: code! })).resolves.toMatchObject({ ok: true });
    await delay(GUESS_LIMIT.refillMs + 100);
    await expect(request(guesser, "session:join", { code: code! })).resolves.toMatchObject({ ok: true });
  });
});

describe("followers do not receive the presenter's pause points", () => {
  it("not in the join snapshot, the sync snapshot, nor any state broadcast; presenters do", async () => {
    const presenter = await client(main, "127.0.0.33");
    const { code, secret } = await presenter.create(FEED, "shared");
    const sessionId = presenter.view!.sessionId;
    const marked = [feedEntries[20]!.key, feedEntries[40]!.key];
    await presenter.control({ type: "seek", to: Date.parse(feedEntries[20]!.publishedAt) - 30_000 });
    await presenter.control({ type: "pauseOn", mode: "marked", markedEntryKeys: marked });

    const states = new Map<string, Snapshot[]>();
    const record = (name: string, socket: ReplaySocket) => {
      states.set(name, []);
      (socket as unknown as Socket).on("session:state", (snapshot: Snapshot) => states.get(name)!.push(snapshot));
    };
    record("presenter", presenter.socket);
    const follower = connect(main, "127.0.0.34");
    record("follower", follower);
    const joined = await request(follower, "session:join", { code: code! });
    expect(joined.role).toBe("follower");
    expect(joined.snapshot.settings).toEqual({ pauseOn: "marked", markedEntryKeys: [], blanked: false });
    // A second console sees them, on joining and after.
    const remote = connect(main, "127.0.0.35");
    record("remote", remote);
    expect((await request(remote, "session:join", { code: code!, secret })).snapshot.settings.markedEntryKeys).toEqual(marked);
    // A console that turns into a follower (joins again without the key) stops seeing them.
    const demoted = connect(main, "127.0.0.36");
    await request(demoted, "session:join", { sessionId, secret });
    expect((await request(demoted, "session:join", { sessionId })).snapshot.settings.markedEntryKeys).toEqual([]);
    record("demoted", demoted);
    // And a follower's own connection after a reconnect (by id, with what it holds).
    const rejoined = connect(main, "127.0.0.34");
    record("rejoined", rejoined);
    const again = await request(rejoined, "session:join", { sessionId, have: { revision: joined.snapshot.clock.revision, cursor: joined.snapshot.cursor } });
    expect(again.snapshot.settings.markedEntryKeys).toEqual([]);

    // State broadcasts: marks changed, the clock played up to the first mark and stopped there.
    await presenter.control({ type: "pauseOn", mode: "marked", markedEntryKeys: [...marked, feedEntries[30]!.key] });
    await presenter.control({ type: "rate", rate: 600 });
    await presenter.control({ type: "play" });
    await delay(1500);
    const presenterClock = presenter.view!.clock;
    expect(presenterClock.playing).toBe(false); // stopped at the first mark

    for (const name of ["follower", "demoted", "rejoined"]) {
      expect(states.get(name)!.length, name).toBeGreaterThanOrEqual(4);
      for (const snapshot of states.get(name)!) expect(snapshot.settings, name).toMatchObject({ pauseOn: "marked", markedEntryKeys: [] });
      // The stop reaches them all the same, through the clock.
      expect(states.get(name)!.at(-1)!.clock, name).toEqual(presenterClock);
    }
    for (const name of ["presenter", "remote"]) {
      expect(states.get(name)!.length, name).toBeGreaterThanOrEqual(4);
      expect(states.get(name)!.at(-1)!.settings.markedEntryKeys, name).toEqual([...marked, feedEntries[30]!.key]);
    }
    const synced = await request(follower, "session:sync", { sessionId, have: { revision: 0, cursor: 0 } });
    expect(synced.snapshot.settings.markedEntryKeys).toEqual([]);
    const presenterSync = await request(presenter.socket, "session:sync", { sessionId, have: { revision: 0, cursor: 0 } });
    expect(presenterSync.snapshot.settings.markedEntryKeys).toEqual([...marked, feedEntries[30]!.key]);
    // Nothing a follower received names a marked entry's key as a pause point.
    expect(JSON.stringify([joined, again, synced, states.get("follower")]).includes("markedEntryKeys\":[\"")).toBe(false);
  });
});

describe("page addresses (as docs/RELIABILITY.md states them)", () => {
  it("answer 404 for a slug or code that names nothing, well-formed or not, and 400 only for a broken %-escape", async () => {
    const FROM = "127.0.0.37";
    const statuses: Record<string, number> = {};
    for (const path of [
      "/replay/no-such-feed",
      "/replay/Bad_Slug!",
      "/replay/%ZZ",
      "/s/ZZZ-ZZZ",
      "/s/hello",
      "/s/hello/present",
      `/s/${"Q".repeat(300)}`,
      "/s/%ZZ",
      "/api/feeds/Bad_Slug",
      "/api/feeds/no-such-feed",
    ]) {
      statuses[path] = (await page(main, path, FROM)).status;
    }
    expect(statuses).toEqual({
      "/replay/no-such-feed": 404,
      "/replay/Bad_Slug!": 404,
      "/replay/%ZZ": 400,
      "/s/ZZZ-ZZZ": 404,
      "/s/hello": 404,
      "/s/hello/present": 404,
      [`/s/${"Q".repeat(300)}`]: 404,
      "/s/%ZZ": 400,
      "/api/feeds/Bad_Slug": 400,
      "/api/feeds/no-such-feed": 404,
    });
  });
});

describe("per-address caps (a server with small caps)", () => {
  it(`caps concurrent sockets per address (${SMALL_CAPS.sockets} here), with a clear connect_error; other addresses are not affected`, async () => {
    const HOME = "127.0.0.41";
    const open = Array.from({ length: SMALL_CAPS.sockets }, () => connect(capped, HOME, { reconnection: false }));
    expect(await Promise.all(open.map(connection))).toEqual(open.map(() => ({ ok: true })));
    const over = connect(capped, HOME, { reconnection: false });
    const refused = await connection(over);
    expect(refused).toEqual({
      ok: false,
      message: expect.stringMatching(new RegExp(`Too many connections from this address \\(at most ${SMALL_CAPS.sockets}\\)`)),
      data: { reason: "rate_limited", max: SMALL_CAPS.sockets },
    });
    // The refused client let its connection go: the count is back at the cap, not over it.
    await expect(connection(connect(capped, "127.0.0.42"))).resolves.toEqual({ ok: true });
    // Closing one makes room for one.
    (open[0] as unknown as Socket).disconnect();
    await delay(200);
    await expect(connection(connect(capped, HOME, { reconnection: false }))).resolves.toEqual({ ok: true });
    await expect(connection(connect(capped, HOME, { reconnection: false }))).resolves.toMatchObject({ ok: false });
  });

  it("refuses new connections at twice the cap from an address whose connections never become sockets", async () => {
    const RAW = "127.0.0.43";
    // A bare engine.io handshake (long-polling) opens a connection and asks for no socket.
    const handshake = () =>
      new Promise<number>((resolve, reject) => {
        http
          .get({ host: "127.0.0.1", port: portOf(capped), path: "/socket.io/?EIO=4&transport=polling", localAddress: RAW, agent: false }, (res) => {
            res.resume();
            resolve(res.statusCode!);
          })
          .on("error", reject);
      });
    const statuses: number[] = [];
    for (let i = 0; i < 2 * SMALL_CAPS.sockets + 1; i++) statuses.push(await handshake());
    expect(statuses).toEqual([...Array<number>(2 * SMALL_CAPS.sockets).fill(200), 429]);
  });

  it(`caps session:create per address (${SMALL_CAPS.createsPerMinute} a minute here) with rate_limited`, async () => {
    const HOME = "127.0.0.44";
    const teacher = connect(capped, HOME);
    for (let i = 0; i < SMALL_CAPS.createsPerMinute; i++) {
      await expect(request(teacher, "session:create", { feed: FEED, kind: i % 2 ? "solo" : "shared" })).resolves.toMatchObject({ ok: true });
    }
    await expect(request(connect(capped, HOME), "session:create", { feed: FEED, kind: "solo" })).rejects.toMatchObject({
      refusal: { reason: "rate_limited", message: expect.stringMatching(/Too many new sessions from this address; try again in \d+ s/) },
    });
    // Another address creates as usual; joining is not creating.
    await expect(request(connect(capped, "127.0.0.45"), "session:create", { feed: FEED, kind: "solo" })).resolves.toMatchObject({ ok: true });
  });
});
