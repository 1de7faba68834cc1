/**
 * A protocol fuzzer: more than 10,000 random and malformed messages from
 * strangers, followers, the session's own presenters and presenters of other
 * sessions, plus raw socket.io frames no client library would send. The
 * server never crashes; every message with an acknowledgement gets a typed
 * answer (never "internal"); the session's row and snapshot are unchanged.
 */
import type { Socket } from "socket.io-client";
import { expect, it } from "vitest";
import WebSocket from "ws";
import { clientEvents, ErrorReason, MAX_PAYLOAD_BYTES, PROTOCOL_VERSION, type ClientEventName } from "../../domain/protocol";
import {
  cleanUpAfterFile,
  connect,
  connected,
  createTestDatabase,
  delay,
  FEED,
  record,
  replayClient,
  sessionRow,
  spawnServer,
  stateOf,
  tempDataDir,
} from "./harness";

cleanUpAfterFile();

const REASONS = new Set<string>(Object.values(ErrorReason));
const EVENTS = Object.keys(clientEvents) as ClientEventName[];

/** mulberry32: a small seeded generator, so that a failing run can be replayed with RELIVE_FUZZ_SEED. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}

type Random = ReturnType<typeof generator>;

const NASTY_STRINGS = [
  "",
  " ",
  "\u0000\u0001\u0002\u001b[31m",
  "\ud800", // a lone surrogate
  "<script>alert(1)</script>",
  "'; DROP TABLE replay_session; --",
  "__proto__",
  "constructor",
  "ABC-DEF",
  "00000000-0000-0000-0000-000000000000",
  "%s%s%s%n",
  "\u202e\u200f",
  "𝕳𝖊𝖑𝖘𝖎𝖓𝖐𝖎",
];

function nastyValue(random: Random, depth = 0): unknown {
  switch (random.int(depth > 3 ? 9 : 12)) {
    case 0:
      return random.pick([null, undefined, true, false]);
    case 1:
      return random.pick([0, -0, -1, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2, -(2 ** 53), 0.1, 3601, 4e12]);
    case 2:
      return random.pick(NASTY_STRINGS);
    case 3:
      return "x".repeat(random.pick([101, 129, 200, 1000, 3000, 4000]));
    case 4:
      return random.int(2 ** 31) * random.pick([1, -1]);
    case 5:
      return random.pick(["play", "pause", "seek", "jump", "rate", "step", "idle", "pauseOn", "pin", "reveal", "warp"]);
    case 6:
      return random.pick([NaN, Infinity, -Infinity]); // JSON makes these null on the wire
    case 7:
      return new Date(random.int(2 ** 42)).toISOString();
    case 8:
      return random.next();
    case 9:
      return Array.from({ length: random.int(5) }, () => nastyValue(random, depth + 1));
    case 10:
      return Object.fromEntries(Array.from({ length: random.int(4) }, () => [random.pick(["type", "t0", "to", "rate", "sessionId", "code", "__proto__", "x"]), nastyValue(random, depth + 1)]));
    default:
      return deepNest(random.int(60));
  }
}

function deepNest(depth: number): unknown {
  let value: unknown = {};
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** A valid message for `event`, to be broken by `mutate`. */
function validPayload(event: ClientEventName, sessionId: string, code: string, random: Random): Record<string, unknown> {
  switch (event) {
    case "time:ping":
      return { t0: 1000 };
    case "session:create":
      return { feed: FEED, kind: "shared" };
    case "session:join":
      return random.next() < 0.5 ? { code } : { sessionId, have: { revision: 1, cursor: 3 } };
    case "session:sync":
      return { sessionId, have: { revision: 1, cursor: 0 } };
    case "session:control":
      return {
        sessionId,
        command: random.pick([
          { type: "play" },
          { type: "seek", to: 1531746000000 },
          { type: "rate", rate: 10 },
          { type: "jump", input: "15:11" },
          { type: "idle", limitMs: 1000 },
          { type: "pauseOn", mode: "marked", markedEntryKeys: ["a"] },
          { type: "pin", card: "syria", pinned: false },
          { type: "reveal", card: "syria", revealed: true },
          { type: "step", direction: 1 },
        ]),
      };
    default:
      // session:leave, and events added since: they all name a session.
      return { sessionId, detached: true };
  }
}

/** Breaks a message: a field removed, retyped, pushed out of range or buried. */
function mutate(payload: Record<string, unknown>, random: Random): unknown {
  const copy = structuredClone(payload) as Record<string, unknown>;
  const target = copy.command && random.next() < 0.6 ? (copy.command as Record<string, unknown>) : copy;
  const keys = Object.keys(target);
  const key = keys.length ? random.pick(keys) : "x";
  switch (random.int(6)) {
    case 0:
      delete target[key];
      return copy;
    case 1:
      target[key] = nastyValue(random);
      return copy;
    case 2:
      target[key] = random.pick([-1, -1e12, 1e12, 0, 3601, 0.01, 59_999.5, 1e300]);
      return copy;
    case 3:
      return nastyValue(random);
    case 4:
      return [copy];
    default:
      target[key] = "y".repeat(MAX_PAYLOAD_BYTES + 10);
      return copy;
  }
}

it("answers 10,000+ random and malformed messages with typed refusals, and changes nothing", async () => {
  const seed = Number(process.env.RELIVE_FUZZ_SEED ?? Date.now() % 1_000_000);
  console.log(`fuzz: seed ${seed} (RELIVE_FUZZ_SEED=${seed} replays this run)`);
  const databaseUrl = await createTestDatabase();
  const server = await spawnServer({ DATABASE_URL: databaseUrl, RELIVE_DATA_DIR: await tempDataDir() });
  expect(server.url, server.output()).toBeDefined();
  const url = server.url!;

  const presenter = await replayClient(url);
  const { code, secret } = await presenter.create(FEED, "shared");
  await presenter.control({ type: "jump", input: "15:00 GMT" });
  await presenter.control({ type: "pin", card: "syria", pinned: true });
  const sessionId = presenter.view!.sessionId;
  const before = (await sessionRow(databaseUrl, sessionId))!;

  // Who sends: strangers, followers, this session's presenters (schema-invalid
  // messages only: valid commands from them are meant to work), and presenters
  // of other sessions naming this one.
  type Role = "stranger" | "follower" | "presenter" | "other-presenter";
  const roles: Role[] = [...Array(20).fill("stranger"), ...Array(20).fill("follower"), ...Array(10).fill("presenter"), ...Array(10).fill("other-presenter")];
  const senders = await Promise.all(
    roles.map(async (role) => {
      const client = await replayClient(url);
      if (role === "follower") await client.join({ code: code! });
      if (role === "presenter") await client.join({ sessionId }, secret);
      if (role === "other-presenter") await client.create(FEED, "shared");
      return { role, socket: client.socket as unknown as Socket };
    }),
  );

  const tally = { sent: 0, answered: 0, ok: 0, dropped: 0, closed: 0, rawFrames: 0 };
  const reasons = new Map<string, number>();
  const problems: string[] = [];
  const answer = (description: string, response: unknown, valid: boolean) => {
    tally.answered++;
    const r = response as { ok?: unknown; reason?: unknown; message?: unknown };
    if (r?.ok === true) {
      tally.ok++;
      if (!valid) problems.push(`accepted an invalid message: ${description}`);
      return;
    }
    if (r?.ok !== false || typeof r.reason !== "string" || !REASONS.has(r.reason) || typeof r.message !== "string") {
      problems.push(`untyped answer ${JSON.stringify(response)?.slice(0, 120)} to ${description}`);
      return;
    }
    if (r.reason === ErrorReason.internal) problems.push(`internal error for ${description}`);
    reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
  };

  const PER_SENDER = 170;
  await Promise.all(
    senders.map(async ({ role, socket }, index) => {
      const random = generator(seed + index);
      for (let i = 0; i < PER_SENDER; i++) {
        // ~25 messages a second: a little over the sustained rate limit.
        if (i % 5 === 4) await delay(200);
        const unknown = random.next() < 0.08;
        const event = unknown ? random.pick(["session:delete", "admin", "", "x".repeat(300), "__proto__", "toString", "session:control ", "SESSION:CONTROL"]) : random.pick(EVENTS);
        let payload: unknown;
        if (unknown) payload = nastyValue(random);
        else if (random.next() < 0.15 && role !== "presenter") payload = validPayload(event as ClientEventName, sessionId, code!, random);
        else payload = mutate(validPayload(event as ClientEventName, sessionId, code!, random), random);
        // Judged as the server receives it: JSON turns NaN and Infinity into null and drops undefined
        // fields, so { type: "idle", limitMs: NaN } arrives as a valid "idle skipping off".
        const wire: unknown = payload === undefined ? null : JSON.parse(JSON.stringify(payload));
        const schemaValid = !unknown && clientEvents[event as ClientEventName].safeParse(wire).success;
        // This session's presenters may legitimately change it; only their broken messages are fuzz.
        if (role === "presenter" && schemaValid) continue;
        if (random.next() < 0.03) payload = Buffer.from(String(payload)); // a binary attachment
        const description = `${role} ${event.slice(0, 40)} ${JSON.stringify(payload)?.slice(0, 100)}`;
        const valid = schemaValid && event !== "session:control";
        tally.sent++;
        const shape = random.int(20);
        if (shape === 0) {
          socket.emit(event, payload); // no acknowledgement: dropped
          tally.dropped++;
        } else if (shape === 1) {
          answer(description, await socket.timeout(10_000).emitWithAck(event), false); // no payload at all
        } else if (shape === 2) {
          answer(description, await socket.timeout(10_000).emitWithAck(event, payload, "extra", 42), valid);
        } else {
          answer(description, await socket.timeout(10_000).emitWithAck(event, payload), valid);
        }
      }
    }),
  );

  // Floods: 120 messages at once from each of ten sockets, far over the burst of 40.
  const floodSockets = Array.from({ length: 10 }, () => connect(url) as unknown as Socket);
  await Promise.all(floodSockets.map((socket) => connected(socket)));
  const floodAnswers = await Promise.all(
    floodSockets.flatMap((socket) =>
      Array.from({ length: 120 }, () => socket.timeout(10_000).emitWithAck("session:control", { sessionId, command: { type: "play" } })),
    ),
  );
  tally.sent += floodAnswers.length;
  for (const response of floodAnswers) answer("flood session:control", response, false);
  const limited = floodAnswers.filter((response) => response.reason === ErrorReason.rateLimited).length;
  expect(limited).toBeGreaterThan(700);

  // Over the transport cap (16 KiB): the connection is closed, nothing else happens.
  for (let i = 0; i < 20; i++) {
    const socket = connect(url) as unknown as Socket;
    await connected(socket);
    const closed = new Promise<void>((resolve) => socket.once("disconnect", () => resolve()));
    socket.io.reconnection(false);
    socket.emit("session:control", { sessionId, command: { type: "jump", input: "z".repeat(20_000 + i) } }, () => problems.push("oversized message answered"));
    await closed;
    tally.sent++;
    tally.closed++;
  }

  // Raw socket.io frames over a bare WebSocket: broken packets, numbers JSON
  // cannot express through a client library (1e999 is Infinity), reserved names.
  const wsUrl = `${url.replace("http", "ws")}/socket.io/?EIO=4&transport=websocket`;
  const frames = [
    `42["session:control",{"sessionId":"${sessionId}","command":{"type":"rate","rate":1e999}}]`,
    `420["session:control",{"sessionId":"${sessionId}","command":{"type":"seek","to":-1e999}}]`,
    `421["time:ping",{"t0":1e999}]`,
    `422["session:sync",{"sessionId":"${sessionId}","have":{"revision":-1,"cursor":-5}}]`,
    `423["session:control",{"sessionId":"${sessionId}","command":{"type":"play"}}]`,
    `424["disconnect"]`,
    `425["connect",{}]`,
    `42[`,
    `42{"a":1}`,
    `4`,
    `49999999999999999999["time:ping",{"t0":1}]`,
    `43["x"]`,
    `45-["session:control",{"_placeholder":true,"num":99}]`,
    `99`,
    `\u0000\u0001`,
    `2probe`,
    `41`,
    `40/admin,`,
    `42/nope,["time:ping",{"t0":1}]`,
  ];
  const rawAnswers: string[] = [];
  for (let round = 0; round < 60; round++) {
    const ws = new WebSocket(wsUrl);
    const messages: string[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    ws.on("message", (data) => messages.push(String(data)));
    const done = new Promise<void>((resolve) => ws.once("close", () => resolve()));
    ws.send(`40${JSON.stringify({ protocol: PROTOCOL_VERSION })}`);
    await delay(30);
    for (const frame of frames.slice(round % frames.length).concat(frames.slice(0, round % frames.length))) {
      if (ws.readyState !== WebSocket.OPEN) break;
      ws.send(frame);
      tally.sent++;
      tally.rawFrames++;
    }
    await delay(50);
    ws.close();
    await done;
    rawAnswers.push(...messages.filter((message) => message.startsWith("43")));
  }
  for (const message of rawAnswers) {
    const [response] = JSON.parse(message.replace(/^43\d*/, "")) as [unknown];
    answer("raw frame", response, false);
  }

  await delay(500);
  expect(server.child.exitCode).toBeNull();
  expect((await fetch(`${url}/api/health`)).status).toBe(200);
  const after = (await sessionRow(databaseUrl, sessionId))!;
  expect(stateOf(after)).toEqual(stateOf(before));
  expect(presenter.view!.clock.revision).toBe(before.revision);
  const { snapshot } = await presenter.socket.timeout(5000).emitWithAck("session:sync", { sessionId, have: { revision: 0, cursor: 0 } }) as { snapshot: { clock: { revision: number }; pinnedCards: string[] } };
  expect(snapshot.clock.revision).toBe(before.revision);
  expect(snapshot.pinnedCards).toEqual(before.pinnedCards);
  expect(problems.slice(0, 10)).toEqual([]);
  expect(server.output()).not.toMatch(/failed:|uncaught|unhandled/i);

  console.log(
    `fuzz (seed ${seed}): ${tally.sent} messages (${tally.rawFrames} raw frames), ${tally.answered} answered ` +
      `(${tally.ok} valid and served), ${tally.dropped} without ack dropped, ${tally.closed} over the cap closed; reasons ${JSON.stringify(Object.fromEntries(reasons))}`,
  );
  expect(tally.sent).toBeGreaterThanOrEqual(10_000);
  record({ messagesFuzzed: tally.sent });
  expect((await server.stop("SIGTERM")).code).toBe(0);
});
