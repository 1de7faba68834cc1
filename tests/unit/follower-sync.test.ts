import { describe, expect, it } from "vitest";
import { JoinGuard } from "@/server/replay/join-guard";
import { summarize } from "@/server/replay/socket/presence";
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

describe("summarize: followers' sync state for the presenter", () => {
  const follower = (measure: Partial<FollowerMeasure>): FollowerMeasure => ({ detached: false, skewMs: 1, revision: 5, silent: false, ...measure });

  it("counts in sync, detached and lagging, with the median and largest |skew|", () => {
    const sync = summarize(
      [
        follower({ skewMs: 0.42 }),
        follower({ skewMs: -3.04 }),
        follower({ detached: true, skewMs: 2 }),
        follower({ skewMs: 80 }), // over the tolerance
        follower({ revision: 4 }), // an old state
        follower({ silent: true }), // did not answer
        follower({ skewMs: null, revision: null }), // just joined, not measured yet
      ],
      5,
    );
    expect(sync).toEqual({ inSync: 3, detached: 1, lagging: 3, maxSkewMs: 80, medianSkewMs: 1.5 });
  });

  it("reports no skew before any measurement", () => {
    expect(summarize([], 1)).toEqual({ inSync: 0, detached: 0, lagging: 0, maxSkewMs: null, medianSkewMs: null });
  });
});
