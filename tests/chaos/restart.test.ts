/**
 * The server killed with SIGKILL mid-replay, then started again on the same
 * port and data: every session resumes where its clock says, within 100 ms;
 * followers reconnect by themselves and hold exactly the feed's prefix, with
 * nothing duplicated or missing; no session, pin or setting is lost.
 */
import { expect, it } from "vitest";
import type { ReplayEvent } from "../../client/replay-client";
import * as clock from "../../domain/replay/clock";
import {
  cleanUpAfterFile,
  delay,
  embeddedUrl,
  FEED,
  feedEntries,
  record,
  replayClient,
  sessionRow,
  spawnServer,
  stateOf,
  tempDataDir,
  unusedPort,
  watchStream,
} from "./harness";

cleanUpAfterFile();

it("resumes every session after SIGKILL; followers reconnect and converge with nothing lost", async () => {
  const dataDir = await tempDataDir();
  const port = await unusedPort();
  const env = { RELIVE_DATA_DIR: dataDir, PORT: String(port) };
  const first = await spawnServer(env);
  expect(first.url, first.output()).toBeDefined();
  const url = first.url!;
  const entries = await feedEntries(url);

  // A class playing with pins, a reveal and an idle limit; a paused class with
  // its own settings; a solo replay playing fast.
  const playing = await replayClient(url);
  const { code } = await playing.create(FEED, "shared");
  await playing.control({ type: "jump", input: "14:30 GMT" });
  await playing.control({ type: "pin", card: "syria", pinned: true });
  await playing.control({ type: "reveal", card: "syria", revealed: true });
  await playing.control({ type: "idle", limitMs: 3000 });
  await playing.control({ type: "rate", rate: 120 });
  const paused = await replayClient(url);
  const pausedSession = await paused.create(FEED, "shared");
  await paused.control({ type: "jump", input: "16:00 GMT" });
  await paused.control({ type: "pauseOn", mode: "every" });
  const solo = await replayClient(url);
  await solo.create(FEED, "solo");
  await solo.control({ type: "jump", input: "12:00 GMT" });
  await solo.control({ type: "rate", rate: 30 });

  const followers = await Promise.all(Array.from({ length: 6 }, () => replayClient(url)));
  const lostEvents: ReplayEvent[] = [];
  for (const follower of followers) {
    await follower.join({ code: code! });
    follower.on((event) => event.type === "lost" && lostEvents.push(event));
  }
  const pausedFollower = await replayClient(url);
  await pausedFollower.join({ code: pausedSession.code! });
  const streams = followers.map(watchStream);

  await playing.control({ type: "play" });
  await solo.control({ type: "play" });
  await delay(1500);

  const sessions = [playing, paused, solo].map((client) => client.view!.sessionId);
  const databaseUrl = await embeddedUrl(dataDir);
  const before = await Promise.all(sessions.map((id) => sessionRow(databaseUrl, id)));
  const clocks = [playing, paused, solo].map((client) => client.currentClock()!);
  const timeline = playing.view!.timeline;

  await first.stop("SIGKILL");
  const killedAt = playing.sync.serverNow();
  const second = await spawnServer(env);
  expect(second.url, second.output()).toBe(url);

  // Everyone reconnects by themselves (socket.io) and rejoins with what it holds.
  const everyone = [playing, paused, solo, pausedFollower, ...followers];
  const deadline = Date.now() + 30_000;
  while (everyone.some((client) => !client.socket.connected) && Date.now() < deadline) await delay(100);
  expect(everyone.filter((client) => !client.socket.connected)).toHaveLength(0);
  await delay(1500); // rejoined, clock re-synced, more entries streamed

  // No session lost, and each exactly as it was (no pin, reveal or setting lost).
  const databaseAfter = await embeddedUrl(dataDir);
  const after = await Promise.all(sessions.map((id) => sessionRow(databaseAfter, id)));
  const sessionsLost = after.filter((row) => row === undefined).length;
  expect(sessionsLost).toBe(0);
  for (const [index, row] of after.entries()) expect(stateOf(row!)).toEqual(stateOf(before[index]!));
  expect(after[0]).toMatchObject({ pinnedCards: expect.arrayContaining(["syria"]), revealedCards: ["syria"], idleLimitMs: 3000 });
  expect(after[1]).toMatchObject({ pauseOn: "every" });

  // Each session's simulated time is where its clock says, within 100 ms of wall time.
  let worstMs = 0;
  for (const [index, client] of [playing, paused, solo].entries()) {
    const fresh = await replayClient(url);
    await fresh.join({ sessionId: sessions[index]! });
    const now = fresh.sync.serverNow();
    const expected = clock.simTimeAt(clocks[index]!, timeline, now);
    const state = fresh.currentClock()!;
    const wallError = Math.abs(fresh.simTime(now)! - expected) / (state.playing ? state.rate : 1);
    expect(wallError, `session ${index}`).toBeLessThan(100);
    worstMs = Math.max(worstMs, wallError);
    expect(client.view!.clock.revision).toBe(state.revision);
  }

  // Freeze the class and compare what every follower holds with the feed.
  await playing.control({ type: "pause" });
  await delay(500);
  const shown = playing.view!.entries.length;
  expect(shown).toBeGreaterThan(clock.entriesShownAt(timeline, clocks[0]!.simAtAnchor));
  let entriesLost = 0;
  for (const [index, follower] of followers.entries()) {
    entriesLost += streams[index]!.lostAgainst(entries, shown);
    expect(streams[index]!.doubled()).toBe(0);
    expect(follower.view!.entries.length).toBe(shown);
    expect(follower.currentClock()).toEqual(playing.currentClock());
    expect(follower.view!.pinnedCards).toEqual(playing.view!.pinnedCards);
  }
  expect(entriesLost).toBe(0);
  expect(pausedFollower.view!.settings.pauseOn).toBe("every");
  expect(lostEvents).toEqual([]);
  record({ faultsSurvived: 1, entriesLost, sessionsLost });
  console.log(
    `restart: sessions resumed within ${worstMs.toFixed(2)} ms of their clocks; ${everyone.length} clients converged ` +
      `${Math.round(playing.sync.serverNow() - killedAt)} ms after the kill (checks included)`,
  );
  expect((await second.stop("SIGTERM")).code).toBe(0);
});
