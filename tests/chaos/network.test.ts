/**
 * Followers' networks cut through a TCP proxy (real connections, really cut),
 * and a reconnect storm: a thousand followers dropped at once. Everyone ends
 * holding exactly the feed's prefix the presenter holds, with the same clock;
 * the server's memory comes back to where it was.
 *
 * A silent cut (packets stop, nobody is told) shorter than socket.io's
 * heartbeat (25 s interval + 20 s timeout) can leave the connection standing;
 * a longer one always ends it on both sides, so what follows no longer depends
 * on the length. The default run cuts for 1 s, 30 s and 50 s; with
 * RELIVE_CHAOS_FULL=1 the longest cut is the full 5 minutes.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { ReplayClient, ReplayEvent } from "../../client/replay-client";
import {
  cleanUpAfterFile,
  delay,
  FEED,
  feedEntries,
  FULL,
  INSPECTED_SERVER,
  liveHeapMiB,
  record,
  replayClient,
  rssMiB,
  spawnServer,
  TcpProxy,
  tempDataDir,
  watchStream,
  type ServerProcess,
} from "./harness";

let server: ServerProcess;
const proxies: TcpProxy[] = [];

beforeAll(async () => {
  server = await spawnServer({ RELIVE_DATA_DIR: await tempDataDir() }, { command: INSPECTED_SERVER });
  expect(server.url, server.output()).toBeDefined();
});

cleanUpAfterFile(async () => {
  for (const proxy of proxies) await proxy.close();
});

async function proxyTo(url: string): Promise<TcpProxy> {
  const proxy = new TcpProxy({ host: "127.0.0.1", port: Number(new URL(url).port) });
  await proxy.listen();
  proxies.push(proxy);
  return proxy;
}

/** Waits until every client is connected and holds what the presenter holds, with its clock. */
async function converged(presenter: ReplayClient, followers: ReplayClient[], timeoutMs: number): Promise<number> {
  const started = Date.now();
  const behind = () =>
    followers.filter(
      (follower) =>
        !follower.socket.connected ||
        follower.view!.clock.revision !== presenter.view!.clock.revision ||
        follower.view!.entries.length !== presenter.view!.entries.length,
    );
  while (behind().length > 0 && Date.now() - started < timeoutMs) await delay(200);
  expect(behind().length, `followers not converged after ${timeoutMs} ms`).toBe(0);
  return Date.now() - started;
}

// The two scenarios share one server and run side by side: the cuts mostly
// wait out socket.io's heartbeat, the storm keeps the server busy meanwhile.
describe.concurrent("client network cuts", () => {
  it(`followers cut for 1 s, 30 s and ${FULL ? "5 min" : "50 s"} catch up with nothing lost`, async () => {
    const entries = await feedEntries(server.url!);
    const presenter = await replayClient(server.url!);
    const { code } = await presenter.create(FEED, "shared");
    await presenter.control({ type: "jump", input: "12:00 GMT" });
    await presenter.control({ type: "rate", rate: 60 });

    const cuts = [
      { mode: "reset", ms: 1000 },
      { mode: "silent", ms: 1000 },
      { mode: "silent", ms: 30_000 },
      { mode: "silent", ms: FULL ? 300_000 : 50_000 },
    ] as const;
    const followers: ReplayClient[] = [];
    const lost: ReplayEvent[] = [];
    const reconnects = cuts.map(() => 0);
    const cutProxies: TcpProxy[] = [];
    for (const cut of cuts) {
      const proxy = await proxyTo(server.url!);
      cutProxies.push(proxy);
      // socket.io's own defaults (1 s to 5 s back-off), as a browser has them.
      const follower = await replayClient(proxy.url, { reconnectionDelay: 1000 });
      await follower.join({ code: code! });
      follower.on((event) => event.type === "lost" && lost.push(event));
      follower.socket.io.on("reconnect", () => reconnects[followers.indexOf(follower)]!++);
      followers.push(follower);
    }
    const streams = followers.map(watchStream);
    await presenter.control({ type: "play" });
    await delay(500);

    const cutsDone = cuts.map(async (cut, index) => {
      const proxy = cutProxies[index]!;
      proxy.cut(cut.mode);
      await delay(cut.ms);
      proxy.restore();
    });
    // Changes while they are away: a jump back, a pin, a new speed.
    await delay(800);
    await presenter.control({ type: "jump", input: "11:30 GMT" });
    await presenter.control({ type: "pin", card: "syria", pinned: true });
    await delay(10_000);
    await presenter.control({ type: "rate", rate: 90 });
    await Promise.all(cutsDone);
    const catchUpMs = await converged(presenter, followers, 70_000);
    await presenter.control({ type: "pause" });
    await converged(presenter, followers, 10_000);

    let entriesLost = 0;
    for (const [index, follower] of followers.entries()) {
      entriesLost += streams[index]!.lostAgainst(entries, presenter.view!.entries.length);
      expect(streams[index]!.doubled()).toBe(0);
      expect(follower.currentClock()).toEqual(presenter.currentClock());
      expect(follower.view!.pinnedCards).toEqual(presenter.view!.pinnedCards);
    }
    expect(entriesLost).toBe(0);
    expect(lost).toEqual([]);
    // The longest silent cut outlasts the heartbeat: that connection must have been replaced.
    expect(reconnects.at(-1)).toBeGreaterThan(0);
    console.log(
      `network cuts: all ${cuts.length} followers converged ${catchUpMs} ms after the last cut ended; ` +
        `reconnections ${cuts.map((cut, index) => `${cut.mode} ${cut.ms / 1000} s: ${reconnects[index]}`).join(", ")}`,
    );
    record({ faultsSurvived: cuts.length, entriesLost });
  }, (FULL ? 300_000 : 50_000) + 120_000);

  it("reconnect storms: 1,000 followers dropped at once, three times, all come back, and memory returns to its level", async () => {
    const entries = await feedEntries(server.url!);
    const presenter = await replayClient(server.url!);
    const { code } = await presenter.create(FEED, "shared");
    await presenter.control({ type: "jump", input: "13:00 GMT" });
    await presenter.control({ type: "rate", rate: 60 });
    let presence = { followers: 0, presenters: 0 };
    presenter.on((event) => event.type === "presence" && (presence = event));

    const proxy = await proxyTo(server.url!);
    const followers: ReplayClient[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const joined = await Promise.all(
        Array.from({ length: 100 }, async () => {
          const follower = await replayClient(proxy.url, { reconnectionDelay: 500 });
          await follower.join({ code: code! });
          return follower;
        }),
      );
      followers.push(...joined);
    }
    const lost: ReplayEvent[] = [];
    for (const follower of followers) follower.on((event) => event.type === "lost" && lost.push(event));
    const streams = followers.map(watchStream);
    await presenter.control({ type: "play" });
    await delay(3000);
    const baseline = { heap: await liveHeapMiB(server.output()), rss: rssMiB(server.child.pid!) };
    let lastSent = Date.now();
    for (const follower of followers) follower.socket.onAnyOutgoing(() => (lastSent = Date.now()));

    // Three storms. RSS rises and falls with V8's collections; the live heap
    // after a full collection is what the server keeps: it must not grow.
    let catchUpMs = 0;
    const rss: number[] = [];
    for (let storm = 0; storm < 3; storm++) {
      proxy.cut("reset");
      await delay(1000);
      proxy.restore();
      await delay(1000);
      if (storm === 2) await presenter.control({ type: "pause" });
      catchUpMs = Math.max(catchUpMs, await converged(presenter, followers, 90_000));
      rss.push(rssMiB(server.child.pid!));
      // Let every rejoin finish its clock sync (a drop in the middle of one is the known defect below).
      while (Date.now() - lastSent < 1500) await delay(250);
    }
    await delay(2000); // presence settles; the server's timers run down
    const heap = await liveHeapMiB(server.output());
    console.log(
      `reconnect storm: 1000 followers converged within ${catchUpMs} ms, three times; live heap ${baseline.heap.toFixed(1)} MiB before, ` +
        `${heap.toFixed(1)} MiB after; RSS ${baseline.rss.toFixed(0)} MiB before, ${rss.map((value) => value.toFixed(0)).join(" / ")} MiB after each storm`,
    );
    expect(heap).toBeLessThan(baseline.heap * 1.1 + 4);

    let entriesLost = 0;
    for (const [index, follower] of followers.entries()) {
      entriesLost += streams[index]!.lostAgainst(entries, presenter.view!.entries.length);
      expect(follower.currentClock()).toEqual(presenter.currentClock());
    }
    expect(entriesLost).toBe(0);
    expect(followers.reduce((sum, _, index) => sum + streams[index]!.doubled(), 0)).toBe(0);
    expect(lost).toEqual([]);
    // The server counts exactly the thousand: no socket left behind by the storm.
    expect(presence).toMatchObject({ followers: 1000, presenters: 1 });
    for (const follower of followers) follower.socket.disconnect();
    record({ faultsSurvived: 3, entriesLost });
  });
});

describe("flapping connections (client/replay-client.ts)", () => {
  // Once a defect: a drop while rejoin() was in flight (join, then 8 pings)
  // reported the session lost, though the next reconnect rejoined fine; in
  // back-to-back storms about half of 1,000 followers were told "lost".
  it("a connection that drops again during its rejoin is not reported lost", async () => {
    const presenter = await replayClient(server.url!);
    const { code } = await presenter.create(FEED, "shared");
    const follower = await replayClient(server.url!);
    await follower.join({ code: code! });
    const lost: ReplayEvent[] = [];
    follower.on((event) => event.type === "lost" && lost.push(event));
    follower.socket.io.once("reconnect", () => setTimeout(() => follower.socket.io.engine.close(), 1));
    follower.socket.io.engine.close();
    await delay(3000);
    expect(follower.socket.connected).toBe(true);
    expect(lost).toEqual([]);
  });
});
