import { describe, expect, it } from "vitest";
import { JoinGuard } from "@/server/replay/join-guard";
import { censusOf, summarize } from "@/server/replay/socket/presence";
import type { FollowerMeasure } from "@/server/replay/socket/transport";

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
