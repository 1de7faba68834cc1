/**
 * Class sessions on the engine: followers reading on their own, the
 * server's measurements of how well followers keep up, join-code guessing,
 * the session pages' answers for bad codes, blanking and "What happens
 * next?" pause points. Real server, real sockets, real PostgreSQL.
 */
import http from "node:http";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReplayClient, request, type ReplayEvent, type ReplaySocket } from "../../client/replay-client";
import { JOIN_CODE_ALPHABET, PROTOCOL_VERSION, SYNC_TOLERANCE_MS, type ProtocolEntry } from "../../domain/protocol";
import { GUESS_LIMIT } from "../../server/replay/join-guard";
import { createTestDatabase, delay, runFileCleanups, spawnServer, tempDataDir, withClient, type ServerProcess } from "./helpers";

const FEED = "sputnik-helsinki-2018";
const sockets: Socket[] = [];
let server: ServerProcess;
let databaseUrl: string;
let port: string;
let feedEntries: ProtocolEntry[];

/**
 * A socket from a given loopback address (any of 127/8 reaches the server),
 * so that a test can be a device of its own for the guessing limit.
 */
function connect(from = "127.0.0.1"): ReplaySocket {
  const socket = io(`http://127.0.0.1:${port}`, {
    auth: { protocol: PROTOCOL_VERSION },
    transports: ["websocket"],
    reconnectionDelay: 100,
    localAddress: from,
  } as Parameters<typeof io>[1]);
  sockets.push(socket);
  return socket as ReplaySocket;
}

async function client(from?: string): Promise<ReplayClient> {
  const replay = new ReplayClient(connect(from));
  await replay.sync.sync();
  return replay;
}

/** The i-th of many codes no session has (ZZZZ + two letters). */
const unknownCode = (i: number) => `ZZZZ${JOIN_CODE_ALPHABET[Math.floor(i / JOIN_CODE_ALPHABET.length) % JOIN_CODE_ALPHABET.length]}${JOIN_CODE_ALPHABET[i % JOIN_CODE_ALPHABET.length]}`;

/** GET from a given loopback address: status, headers and body. */
function page(path: string, from: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path, localAddress: from }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on("error", reject);
  });
}

/** A page's text as a reader sees it: without tags, and without the comments React puts between text parts. */
const readable = (html: string) => html.replace(/<!-- -->/g, "").replace(/<[^>]*>/g, "");

/** Resolves with the first presence report that satisfies `test`. */
function presenceWhere(replay: ReplayClient, test: (event: Extract<ReplayEvent, { type: "presence" }>) => boolean, timeoutMs = 12_000) {
  return new Promise<Extract<ReplayEvent, { type: "presence" }>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no such presence report in time")), timeoutMs);
    const off = replay.on((event) => {
      if (event.type === "presence" && test(event)) {
        clearTimeout(timer);
        off();
        resolve(event);
      }
    });
  });
}

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  server = await spawnServer({ DATABASE_URL: databaseUrl, RELIVE_DATA_DIR: await tempDataDir() });
  expect(server.url, server.output()).toBeDefined();
  port = new URL(server.url!).port;
  feedEntries = (await (await fetch(`${server.url}/api/feeds/${FEED}`)).json()).entries;
});

afterAll(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  await runFileCleanups();
});

describe("followers", () => {
  it("read on their own without moving the class, the presenter sees it, and they come back to live", async () => {
    const presenter = await client();
    const { code } = await presenter.create(FEED, "shared");
    await presenter.control({ type: "jump", input: "16:00 GMT" });
    await delay(100); // shared sessions' changes take effect 40 ms ahead
    const follower = await client();
    await follower.join({ code: code! });
    const revision = presenter.view!.clock.revision;
    const live = follower.simTime()!;

    const detachedSeen = presenceWhere(presenter, (event) => event.sync.detached === 1);
    await follower.control({ type: "seek", to: live - 30 * 60_000 });
    expect(follower.detached).toBe(true);
    expect(follower.simTime()).toBeCloseTo(live - 30 * 60_000, -1);
    expect(follower.liveSimTime()).toBeCloseTo(live, -1);
    // A private seek past the class's moment stops at the moment: nothing is spoiled.
    await follower.control({ type: "seek", to: live + 60 * 60_000 });
    expect(follower.simTime()).toBeLessThanOrEqual(follower.liveSimTime()!);
    const report = await detachedSeen;
    expect(report).toMatchObject({ followers: 1, presenters: 1, sync: { detached: 1, inSync: 0 } });
    await delay(100);
    expect(presenter.view!.clock.revision).toBe(revision); // the class did not move

    const backSeen = presenceWhere(presenter, (event) => event.sync.detached === 0 && event.sync.inSync === 1);
    follower.backToLive();
    expect(follower.detached).toBe(false);
    expect(follower.simTime()).toBeCloseTo(follower.liveSimTime()!, 0);
    await backSeen;
  });

  it("are measured by the server: skew within a few ms on loopback, and a follower with a wrong clock shows as lagging", async () => {
    const presenter = await client();
    const { code } = await presenter.create(FEED, "shared");
    const good = await client();
    await good.join({ code: code! });
    const measured = await presenceWhere(presenter, (event) => event.sync.maxSkewMs !== null && event.sync.inSync === 1);
    // Loopback, but a busy two-core machine: well inside the tolerance (the bench measures it precisely).
    expect(measured.sync.maxSkewMs).toBeLessThan(SYNC_TOLERANCE_MS / 2);

    const drifting = await client();
    await drifting.join({ code: code! });
    drifting.sync.stop(); // no re-sync: its estimate stays 200 ms off
    drifting.sync.offset += 200;
    const lagging = await presenceWhere(presenter, (event) => event.sync.lagging === 1);
    expect(lagging.followers).toBe(2);
    expect(lagging.sync.maxSkewMs).toBeGreaterThan(SYNC_TOLERANCE_MS);
    expect(lagging.sync.maxSkewMs).toBeLessThan(250); // about 200: the probe measures what is off, not noise
  });
});

describe("join codes", () => {
  it("limits guessing per client, while other clients and real codes carry on", async () => {
    const presenter = await client();
    const { code } = await presenter.create(FEED, "shared");
    const guesser = connect("127.0.0.2");
    for (let i = 0; i < GUESS_LIMIT.burst; i++) {
      await expect(request(guesser, "session:join", { code: unknownCode(i) })).rejects.toMatchObject({ refusal: { reason: "unknown_session" } });
    }
    await expect(request(guesser, "session:join", { code: unknownCode(GUESS_LIMIT.burst) })).rejects.toMatchObject({ refusal: { reason: "rate_limited" } });
    // A new connection from the same address is the same client for codes that name nothing...
    await expect(request(connect("127.0.0.2"), "session:join", { code: unknownCode(GUESS_LIMIT.burst + 1) })).rejects.toMatchObject({
      refusal: { reason: "rate_limited", message: expect.stringMatching(/try again in \d+ s/) },
    });
    // ...but a code that exists is always joined, from that address too (a class behind one NAT address).
    await expect(request(connect("127.0.0.2"), "session:join", { code: code! })).resolves.toMatchObject({ role: "follower" });
    // Another device joins as usual.
    const student = await client("127.0.0.3");
    await expect(student.join({ code: code! })).resolves.toMatchObject({ role: "follower" });
  });

  it("answers the session pages with 404, 410 and 429, each with a clear message", async () => {
    const presenter = await client();
    const { code } = await presenter.create(FEED, "shared");
    const found = await page(`/s/${code}`, "127.0.0.4");
    expect(found.status).toBe(200);
    expect(found.text).toContain(`${code!.slice(0, 3)}-${code!.slice(3)}`);

    const unknown = await page("/s/ZZZ-ZZZ", "127.0.0.4");
    expect(unknown.status).toBe(404);
    expect(readable(unknown.text)).toMatch(/No class session has the code ZZZ-ZZZ\. .* A session ends 14 days after its last use\./);
    const invalid = await page("/s/hello%3Cb%3E/present", "127.0.0.4");
    expect(invalid.status).toBe(404);
    expect(invalid.text).not.toContain("<b>");

    for (let i = 0; i < GUESS_LIMIT.burst; i++) await page(`/s/${unknownCode(i)}`, "127.0.0.6");
    expect((await page(`/s/${code}`, "127.0.0.6")).status).toBe(200); // a session that exists is always found
    const limited = await page(`/s/${unknownCode(GUESS_LIMIT.burst)}`, "127.0.0.6");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(limited.text).toMatch(/Too many codes that do not exist/);
  });

  it("says a session expired, on the socket and on its pages", async () => {
    // A session whose last use was more than its lifetime ago (written as a past server would have).
    await withClient(databaseUrl, (db) =>
      db.query(
        `INSERT INTO replay_session (id, "feedId", kind, code, "secretHash", playing, rate, "simAtAnchor", "serverTimeAtAnchor", revision,
           "markedEntryKeys", "pinnedCards", "revealedCards", "lastActiveAt", "expiresAt")
         SELECT gen_random_uuid(), id, 'shared', 'XPRD23', 'unused', false, 1, 0, 0, 0, '{}', '{}', '{}', now() - interval '15 days', now() - interval '1 day'
         FROM feed WHERE slug = $1`,
        [FEED],
      ),
    );
    await expect(request(connect(), "session:join", { code: "XPR-D23" })).rejects.toMatchObject({ refusal: { reason: "session_expired" } });
    for (const path of ["/s/XPR-D23", "/s/XPRD23/present", "/s/xprd23/control"]) {
      const response = await page(path, "127.0.0.5");
      expect(response.status, path).toBe(410);
      expect(readable(response.text)).toMatch(/The class session XPR-D23 has expired/);
    }
  });
});

describe("presenter tools", () => {
  it("blanks the projector for everyone and persists it", async () => {
    const presenter = await client();
    const { code } = await presenter.create(FEED, "shared");
    const projector = await client();
    await projector.join({ code: code! });
    await presenter.control({ type: "blank", blanked: true });
    await delay(100);
    expect(projector.view!.settings.blanked).toBe(true);
    const row = await withClient(databaseUrl, (db) => db.query(`SELECT blanked FROM replay_session WHERE code = $1`, [code]));
    expect(row.rows[0].blanked).toBe(true);
  });

  it("pauses just before a marked entry, so the class sees everything up to it and not it", async () => {
    const presenter = await client();
    const { code } = await presenter.create(FEED, "shared");
    const follower = await client();
    await follower.join({ code: code! });
    const marked = feedEntries.findIndex((entry) => entry.title.includes("press conference") || entry.title.includes("Press conference"));
    const target = marked > 0 ? marked : 30;
    const entryTime = Date.parse(feedEntries[target]!.publishedAt);
    await presenter.control({ type: "seek", to: entryTime - 5 * 60_000 });
    await presenter.control({ type: "pauseOn", mode: "marked", markedEntryKeys: [feedEntries[target]!.key] });
    await presenter.control({ type: "rate", rate: 600 });
    await presenter.control({ type: "play" });
    await delay(900); // 5 simulated minutes at 600× is 500 ms
    expect(follower.currentClock()!.playing).toBe(false);
    expect(follower.simTime()).toBe(entryTime - 1);
    const shown = follower.visibleEntries();
    expect(shown.at(-1)!.key).not.toBe(feedEntries[target]!.key);
    expect(shown.length).toBe(feedEntries.filter((entry) => Date.parse(entry.publishedAt) < entryTime).length);
    // "Next" then shows it.
    await presenter.control({ type: "step", direction: 1 });
    await delay(100);
    expect(follower.visibleEntries().map((entry) => entry.key)).toContain(feedEntries[target]!.key);
  });
});
