import { describe, expect, it } from "vitest";
import { JoinGuard } from "@/server/replay/join-guard";
import { censusOf, PresenceCounter, PROBE_CHUNK, summarize } from "@/server/replay/socket/presence";
import type { FollowerMeasure, Peer, Rooms } from "@/server/replay/socket/transport";

describe("JoinGuard: join-code guessing", () => {
  const limit = { burst: 3, refillMs: 1000 };

  it("lets a client miss up to the burst, then makes it wait for a refill", () => {
    let now = 0;
    const guard = new JoinGuard(() => now, limit);
    for (let i = 0; i < 3; i++) {
      expect(guard.retryAfterMs("a")).toBe(0);
      guard.missed("a");
    }
    expect(guard.retryAfterMs("a")).toBe(1000);
    now = 400;
    expect(guard.retryAfterMs("a")).toBe(600);
    now = 1000;
    expect(guard.retryAfterMs("a")).toBe(0); // one miss refilled
    guard.missed("a");
    expect(guard.retryAfterMs("a")).toBeGreaterThan(0);
  });

  it("keeps clients apart", () => {
    const guard = new JoinGuard(() => 0, limit);
    for (let i = 0; i < 3; i++) guard.missed("a");
    expect(guard.retryAfterMs("a")).toBeGreaterThan(0);
    expect(guard.retryAfterMs("b")).toBe(0);
  });

  it("forgives completely after enough time", () => {
    let now = 0;
    const guard = new JoinGuard(() => now, limit);
    for (let i = 0; i < 3; i++) guard.missed("a");
    now = 3000;
    for (let i = 0; i < 3; i++) {
      expect(guard.retryAfterMs("a")).toBe(0);
      guard.missed("a");
    }
    expect(guard.retryAfterMs("a")).toBeGreaterThan(0);
  });
});

describe("summarize: followers' sync state for the presenter, over every process's census", () => {
  const follower = (measure: Partial<FollowerMeasure>): FollowerMeasure => ({ detached: false, skewMs: 1, revision: 5, silent: false, ...measure });
  /** Peers of one process in session "s": one follower per measure. */
  const peers = (measures: FollowerMeasure[], presenters: string[] = []) => [
    ...presenters.map((id) => ({ id, data: { roles: { s: "presenter" as const }, sync: {}, devices: {} } })),
    ...measures.map((measure, i) => ({ id: `f${i}`, data: { roles: { s: "follower" as const }, sync: { s: measure }, devices: {} } })),
  ];

  it("counts in sync, detached and lagging, with the median and largest |skew|", () => {
    const census = censusOf(
      peers([
        follower({ skewMs: 0.42 }),
        follower({ skewMs: -3.04 }),
        follower({ detached: true, skewMs: 2 }),
        follower({ skewMs: 80 }), // over the tolerance
        follower({ revision: 4 }), // an old state
        follower({ silent: true }), // did not answer
        follower({ skewMs: null, revision: null }), // just joined, not measured yet
      ]),
      "s",
      5,
    );
    expect(summarize([census])).toEqual({ inSync: 3, detached: 1, lagging: 3, maxSkewMs: 80, medianSkewMs: 1.5 });
  });

  it("adds up two processes as one: counts, skews, presenters and the slowest round trip with its relay", () => {
    const here = censusOf(peers([follower({ skewMs: 0.4, roundTripMs: 30 }), follower({ skewMs: 2, projector: true, roundTripMs: 5 })], ["p1"]), "s", 5);
    const there = censusOf(
      peers([follower({ skewMs: -1.2, roundTripMs: 12, relayMs: 20 }), follower({ skewMs: 3, roundTripMs: 8, relayMs: 20 }), follower({ silent: true, skewMs: null, roundTripMs: 900 })]),
      "s",
      5,
    );
    expect(here).toMatchObject({ presenterIds: ["p1"], followers: 1, projectors: 1, skews: [0.4], slowestRoundTripMs: 30 });
    // 12 ms + twice the 20 ms relay; the silent follower is left out.
    expect(there).toMatchObject({ presenterIds: [], followers: 3, projectors: 0, skews: [1.2, 3], slowestRoundTripMs: 52 });
    // As all five would count on one process: the median of 0.4, 1.2 and 3 is 1.2.
    expect(summarize([here, there])).toEqual({ inSync: 3, detached: 0, lagging: 1, maxSkewMs: 3, medianSkewMs: 1.2 });
  });

  it("reports no skew before any measurement", () => {
    expect(summarize([censusOf([], "s", 1)])).toEqual({ inSync: 0, detached: 0, lagging: 0, maxSkewMs: null, medianSkewMs: null });
  });
});

describe("PresenceCounter: probing a hall", () => {
  it("asks a chunk of followers per turn of the event loop, so a click arriving meanwhile waits for one chunk, not the hall", async () => {
    const session = "s";
    const log: string[] = [];
    const peer = (i: number, role: "presenter" | "follower"): Peer => ({
      id: `p${i}`,
      address: "127.0.0.1",
      data: { roles: { [session]: role }, sync: role === "follower" ? { [session]: { detached: false, skewMs: null, revision: null, silent: false } } : {}, devices: {} },
      join: () => undefined,
      leave: () => undefined,
      emit: () => undefined,
      ask: (_event, payload) => {
        log.push(`ask ${i}`);
        // Something else the process has to do (a click's message), arriving as the first follower is asked.
        if (i === 1) setImmediate(() => log.push("click"));
        return Promise.resolve({ serverNow: payload.serverTime, revision: 1, cursor: 0, detached: false });
      },
    });
    const hall = 2.5 * PROBE_CHUNK;
    const peers = [peer(0, "presenter"), ...Array.from({ length: hall }, (_, i) => peer(i + 1, "follower"))];
    const rooms: Rooms = { emit: () => undefined, askProcesses: () => Promise.resolve([]), answerProcesses: () => undefined, local: () => peers };
    const delivered: Array<number | null> = [];
    const counter = new PresenceCounter(rooms, () => 1, (_id, slowest) => void delivered.push(slowest));
    counter.changed(session, 0); // a join counted: the newcomers are probed
    await expect.poll(() => delivered.length, { timeout: 5000 }).toBeGreaterThan(1);
    counter.close();
    // Every follower asked once, and the click handled after the first chunk, long before the last follower.
    expect(log.filter((line) => line.startsWith("ask"))).toHaveLength(hall);
    expect(log.indexOf("click")).toBe(PROBE_CHUNK);
    // Once all answered, the lead is told the slowest round trip.
    expect(delivered.at(-1)).not.toBeNull();
  });
});
