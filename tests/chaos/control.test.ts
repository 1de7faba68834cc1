/**
 * Two presenter devices sending conflicting commands at once, and a graceful
 * shutdown under load. The commands resolve in one order: every client ends
 * in the state the database holds. SIGTERM lets every request that reached
 * the server finish, closes the sockets, and leaves no process behind.
 */
import http from "node:http";
import { expect, it } from "vitest";
import { RequestRefused, type ReplayClient } from "../../client/replay-client";
import type { Command } from "../../domain/protocol";
import {
  cleanUpAfterFile,
  createTestDatabase,
  delay,
  FEED,
  processesMentioning,
  record,
  replayClient,
  sessionRow,
  spawnServer,
  tempDataDir,
} from "./harness";

cleanUpAfterFile();

function randomCommand(cards: string[], timeline: { start: number; end: number }): Command {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
  const minute = () => `${String(11 + Math.floor(Math.random() * 8)).padStart(2, "0")}:${String(Math.floor(Math.random() * 60)).padStart(2, "0")}`;
  switch (Math.floor(Math.random() * 10)) {
    case 0:
      return { type: "play" };
    case 1:
      return { type: "pause" };
    case 2:
      return { type: "seek", to: timeline.start + Math.random() * (timeline.end - timeline.start) };
    case 3:
      return { type: "jump", input: minute() };
    case 4:
      return { type: "rate", rate: pick([1, 2, 10, 30, 60, 600]) };
    case 5:
      return { type: "step", direction: pick([1, -1] as const) };
    case 6:
      return { type: "idle", limitMs: pick([null, 1000, 5000]) };
    case 7:
      return { type: "pauseOn", mode: pick(["off", "every"] as const) };
    case 8:
      return { type: "pin", card: pick(cards), pinned: Math.random() < 0.6 };
    default:
      return { type: "reveal", card: pick(cards), revealed: Math.random() < 0.5 };
  }
}

/** What a client shows: the clock in force, pins, reveals and settings. */
function shown(client: ReplayClient) {
  const view = client.view!;
  return { clock: client.currentClock(), pinnedCards: view.pinnedCards, revealedCards: view.revealedCards, settings: view.settings, entries: view.entries.length };
}

it("two presenters sending 100 random commands each, interleaved: every client ends in the database's state", async () => {
  const databaseUrl = await createTestDatabase();
  const server = await spawnServer({ DATABASE_URL: databaseUrl, RELIVE_DATA_DIR: await tempDataDir() });
  expect(server.url, server.output()).toBeDefined();
  const url = server.url!;
  const cards = ((await (await fetch(`${url}/api/feeds/${FEED}`)).json()) as { cards: Array<{ id: string }> }).cards.map((card) => card.id);

  const laptop = await replayClient(url);
  const { code, secret } = await laptop.create(FEED, "shared");
  const phone = await replayClient(url);
  await phone.join({ code: code! }, secret);
  const followers = await Promise.all([0, 1, 2, 3].map(() => replayClient(url)));
  for (const follower of followers) await follower.join({ code: code! });
  const timeline = laptop.view!.timeline;

  const outcomes = new Map<string, number>();
  const drive = async (presenter: ReplayClient) => {
    const pending: Array<Promise<void>> = [];
    for (let i = 0; i < 100; i++) {
      // Not waiting for each answer: up to a few commands in flight per device.
      pending.push(
        presenter.control(randomCommand(cards, timeline)).then(
          () => void outcomes.set("ok", (outcomes.get("ok") ?? 0) + 1),
          (error: unknown) => {
            const reason = error instanceof RequestRefused ? error.refusal.reason : String(error);
            outcomes.set(reason, (outcomes.get(reason) ?? 0) + 1);
          },
        ),
      );
      await delay(40 + Math.random() * 30);
    }
    await Promise.all(pending);
  };
  await Promise.all([drive(laptop), drive(phone)]);
  await laptop.control({ type: "pause" }); // a still picture to compare
  await delay(800);

  // Only refusals that say "this command made no sense here", never a failure.
  expect([...outcomes.keys()].filter((reason) => !["ok", "bad_time"].includes(reason))).toEqual([]);
  expect(outcomes.get("ok")).toBeGreaterThan(150);
  const row = (await sessionRow(databaseUrl, laptop.view!.sessionId))!;
  const reference = shown(laptop);
  for (const client of [phone, ...followers]) expect(shown(client)).toEqual(reference);
  const { clock } = reference;
  expect(row).toMatchObject({
    playing: clock!.playing,
    rate: clock!.rate,
    revision: clock!.revision,
    idleLimitMs: clock!.idleLimitMs,
    pauseOn: reference.settings.pauseOn,
    pinnedCards: reference.pinnedCards,
    revealedCards: reference.revealedCards,
  });
  expect(row.simAtAnchor).toBeCloseTo(clock!.simAtAnchor, 2);
  expect(row.revision).toBeGreaterThan(150);
  console.log(`conflicting controls: ${JSON.stringify(Object.fromEntries(outcomes))}; ${row.revision} revisions, all ${followers.length + 2} clients equal the row`);
  record({ faultsSurvived: 1 });
  expect((await server.stop("SIGTERM")).code).toBe(0);
});

type Outcome = "complete" | "not-accepted" | "dropped";

/** One GET; "dropped" means a response had begun and did not finish. */
function get(agent: http.Agent, url: string): Promise<Outcome> {
  return new Promise((resolve) => {
    let started = false;
    const request = http.get(url, { agent }, (response) => {
      started = true;
      const expected = Number(response.headers["content-length"] ?? Number.NaN);
      let received = 0;
      response.on("data", (chunk: Buffer) => (received += chunk.length));
      response.on("end", () => resolve(response.complete && (Number.isNaN(expected) || received === expected) ? "complete" : "dropped"));
      response.on("error", () => resolve("dropped"));
      response.on("aborted", () => resolve("dropped"));
    });
    request.on("error", () => resolve(started ? "dropped" : "not-accepted"));
  });
}

it("SIGTERM under load: in-flight requests finish, sockets close, nothing is left running", async () => {
  const dataDir = await tempDataDir();
  const server = await spawnServer({ RELIVE_DATA_DIR: dataDir });
  expect(server.url, server.output()).toBeDefined();
  const url = server.url!;
  const presenter = await replayClient(url);
  const { code } = await presenter.create(FEED, "shared");
  await presenter.control({ type: "rate", rate: 600 });
  await presenter.control({ type: "play" });
  const followers = await Promise.all(Array.from({ length: 20 }, () => replayClient(url)));
  for (const follower of followers) {
    await follower.join({ code: code! });
    follower.socket.io.reconnection(false);
  }
  const disconnected = Promise.all(followers.map((follower) => new Promise<void>((resolve) => follower.socket.once("disconnect", () => resolve()))));

  const paths = [`/api/feeds/${FEED}`, "/api/health", "/", `/replay/${FEED}?t=15:00`, "/api/feeds"];
  const tally: Record<Outcome, number> = { complete: 0, "not-accepted": 0, dropped: 0 };
  let inFlightAtSignal = 0;
  let inFlight = 0;
  let stopped = false;
  const loops = Array.from({ length: 8 }, async (_, index) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; !stopped; i++) {
      inFlight++;
      const outcome = await get(agent, `${url}${paths[(index + i) % paths.length]}`);
      inFlight--;
      tally[outcome]++;
      if (outcome === "not-accepted") await delay(20);
    }
    agent.destroy();
  });
  await delay(1500);
  const completeBefore = tally.complete;
  inFlightAtSignal = inFlight;
  const stopping = server.stop("SIGTERM");
  const { code: exitCode, ms } = await stopping;
  stopped = true;
  await Promise.all(loops);
  await disconnected;

  expect(exitCode).toBe(0);
  expect(tally.dropped).toBe(0);
  expect(completeBefore).toBeGreaterThan(20);
  expect(await processesMentioning(dataDir)).toEqual([]);
  console.log(
    `graceful shutdown: exit 0 in ${ms} ms; ${tally.complete} requests complete (${inFlightAtSignal} in flight at SIGTERM), ` +
      `${tally.dropped} dropped, ${tally["not-accepted"]} not accepted after the port closed; ${followers.length} sockets closed`,
  );
  record({ faultsSurvived: 1 });
});
