import { describe, expect, it } from "vitest";
import {
  PRE_ROLL_MS,
  RATE_MAX,
  RATE_MIN,
  RATE_PRESETS,
  bounds,
  clampSim,
  createWarp,
  effectiveState,
  entriesShownAt,
  getWarp,
  initialClock,
  pause,
  play,
  reachedStop,
  seek,
  serverTimeOfSim,
  setIdleLimit,
  setRate,
  simTimeAt,
  step,
  stopTransition,
  warpBuilds,
  type ClockState,
  type Timeline,
} from "../../domain/replay/clock";
import { clockStateSchema } from "../../domain/replay/clock-schema";

const SEC = 1000;
const MIN = 60 * SEC;
/** The first entry: 2018-07-16T12:00:00Z. */
const T0 = Date.UTC(2018, 6, 16, 12, 0);
/** A fake "server now". */
const NOW = 1_700_000_000_000;
const none = { pausePoints: [] as number[] };

/**
 * Entries: T0, T0+2s, T0+2s (a pair), then a 30-minute silence, T0+30m02s, T0+30m05s.
 */
function makeTimeline(base = T0): Timeline {
  const entryTimes = [base, base + 2 * SEC, base + 2 * SEC, base + 30 * MIN + 2 * SEC, base + 30 * MIN + 5 * SEC];
  return { start: base, end: base + 30 * MIN + 5 * SEC, entryTimes };
}

function playingState(over: Partial<ClockState> = {}): ClockState {
  return {
    playing: true,
    rate: 1,
    simAtAnchor: T0,
    serverTimeAtAnchor: NOW,
    revision: 3,
    idleLimitMs: null,
    stopAt: null,
    ...over,
  };
}

describe("bounds and clamping", () => {
  const t = makeTimeline();

  it("starts one simulated minute before the first entry and ends at the last", () => {
    expect(PRE_ROLL_MS).toBe(60_000);
    expect(bounds(t)).toEqual({ min: T0 - MIN, max: t.end });
    expect(clampSim(t, T0 - 2 * MIN)).toBe(T0 - MIN);
    expect(clampSim(t, t.end + 1)).toBe(t.end);
    expect(clampSim(t, T0 + 0.5)).toBe(T0 + 0.5);
  });

  it("exports the rate range and presets", () => {
    expect(RATE_MIN).toBe(0.1);
    expect(RATE_MAX).toBe(3600);
    expect(RATE_PRESETS).toEqual([1, 2, 5, 10, 30, 60, 120, 600]);
  });

  it("starts paused at the pre-roll, at 1x, revision 0", () => {
    const c = initialClock(t, NOW);
    expect(c).toEqual({
      playing: false,
      rate: 1,
      simAtAnchor: T0 - MIN,
      serverTimeAtAnchor: NOW,
      revision: 0,
      idleLimitMs: null,
      stopAt: null,
    });
    expect(simTimeAt(c, t, NOW + 10 * MIN)).toBe(T0 - MIN);
  });
});

describe("simTimeAt", () => {
  const t = makeTimeline();

  it.each([
    [1, 1000, T0 + 1000],
    [60, 1000, T0 + MIN],
    [600, 1000, T0 + 10 * MIN],
    [3600, 100, T0 + 6 * MIN],
    [0.1, 1000, T0 + 100],
    [0.1, 0.5, T0 + 0.05],
  ])("at %sx, %s wall ms later", (rate, wall, expected) => {
    const s = playingState({ rate });
    expect(simTimeAt(s, t, NOW)).toBe(T0);
    expect(simTimeAt(s, t, NOW + wall)).toBeCloseTo(expected, 3);
  });

  it("clamps a playing clock at the end and a state outside the bounds into them", () => {
    expect(simTimeAt(playingState({ rate: 3600 }), t, NOW + 10 * MIN)).toBe(t.end);
    expect(simTimeAt(playingState({ simAtAnchor: T0 - 5 * MIN }), t, NOW)).toBe(T0 - MIN);
    expect(simTimeAt(playingState({ playing: false, simAtAnchor: t.end + MIN }), t, NOW)).toBe(t.end);
  });

  it("does not move while paused", () => {
    const s = playingState({ playing: false, simAtAnchor: T0 + 5 * SEC });
    for (const later of [0, 1, 1000, 10 * MIN, 1e9]) expect(simTimeAt(s, t, NOW + later)).toBe(T0 + 5 * SEC);
  });

  it("holds a future-anchored state at its anchor; effectiveState keeps the previous one until then", () => {
    const previous = playingState({ revision: 4 });
    const current = seek(previous, t, NOW + 200, T0 + 10 * MIN, none);
    expect(simTimeAt(current, t, NOW + 100)).toBe(T0 + 10 * MIN);
    expect(effectiveState(previous, current, NOW + 100)).toBe(previous);
    expect(effectiveState(previous, current, NOW + 200)).toBe(current);
    expect(effectiveState(previous, current, NOW + 300)).toBe(current);
    expect(effectiveState(null, current, NOW + 100)).toBe(current);
    // What a client shows: the previous clock until the switch, then the new one.
    expect(simTimeAt(effectiveState(previous, current, NOW + 100), t, NOW + 100)).toBe(T0 + 100);
    expect(simTimeAt(effectiveState(previous, current, NOW + 250), t, NOW + 250)).toBe(T0 + 10 * MIN + 50);
  });

  it("is closed-form: the result does not depend on how often it is asked", () => {
    const s = playingState({ rate: 60 });
    const direct = simTimeAt(s, t, NOW + 12_345.5);
    let last = 0;
    for (let w = 0; w <= 12_345.5; w += 17.3) last = simTimeAt(s, t, NOW + w);
    expect(last).toBeLessThanOrEqual(direct);
    expect(simTimeAt(s, t, NOW + 12_345.5)).toBe(direct);
  });
});

describe("serverTimeOfSim", () => {
  const t = makeTimeline();

  it("inverts simTimeAt and is null when the clock will not get there", () => {
    const s = playingState({ rate: 60, stopAt: T0 + 20 * MIN });
    expect(serverTimeOfSim(s, t, T0)).toBe(NOW);
    expect(serverTimeOfSim(s, t, T0 + MIN)).toBeCloseTo(NOW + 1000, 6);
    expect(serverTimeOfSim(s, t, T0 - 1)).toBeNull();
    expect(serverTimeOfSim(s, t, T0 + 20 * MIN + 1)).toBeNull();
    expect(serverTimeOfSim(playingState(), t, t.end + 1)).toBeNull();
    expect(serverTimeOfSim({ ...s, playing: false }, t, T0 + MIN)).toBeNull();
  });

  it("is consistent within 1e-6 ms on a small-magnitude timeline, at every rate", () => {
    const small = makeTimeline(1_000_000);
    for (const rate of [0.1, 1, 60, 600, 3600]) {
      for (const idleLimitMs of [null, 3000]) {
        const s = playingState({ rate, idleLimitMs, simAtAnchor: small.start - 30 * SEC, serverTimeAtAnchor: 5_000 });
        for (const x of [small.start, small.start + 1500.25, small.start + 2 * SEC, small.start + 17 * MIN, small.end]) {
          const at = serverTimeOfSim(s, small, x);
          expect(at).not.toBeNull();
          expect(Math.abs(simTimeAt(s, small, at!) - x)).toBeLessThan(1e-6);
        }
      }
    }
  });

  it("on real epoch times, returns an instant at which the sim time has been reached (never early)", () => {
    for (const rate of [0.1, 1, 60, 600, 3600]) {
      for (const idleLimitMs of [null, 3000]) {
        const s = playingState({ rate, idleLimitMs, simAtAnchor: T0 - 30 * SEC, serverTimeAtAnchor: NOW + 0.37 });
        for (const [i, x] of t.entryTimes.entries()) {
          const at = serverTimeOfSim(s, t, x)!;
          const sim = simTimeAt(s, t, at);
          expect(sim).toBeGreaterThanOrEqual(x);
          // Limited only by float64 steps of the server instant (~2.4e-4 ms) times the clock's speed.
          expect(sim - x).toBeLessThan(1);
          expect(entriesShownAt(t, sim)).toBeGreaterThanOrEqual(i + 1);
        }
      }
    }
  });
});

describe("transitions", () => {
  const t = makeTimeline();

  function expectContinuous(prev: ClockState, next: ClockState, at: number) {
    expect(next.serverTimeAtAnchor).toBe(at);
    expect(next.revision).toBe(prev.revision + 1);
    expect(next.simAtAnchor).toBe(simTimeAt(prev, t, at));
    expect(simTimeAt(next, t, at)).toBe(next.simAtAnchor);
  }

  it("re-anchor continuously and bump the revision every time", () => {
    let s = initialClock(t, NOW);
    let at = NOW;
    const ops: [string, (c: ClockState, at: number) => ClockState][] = [
      ["play", (c, a) => play(c, t, a, none)],
      ["rate 60", (c, a) => setRate(c, t, a, 60, none)],
      ["idle 3000", (c, a) => setIdleLimit(c, t, a, 3000, none)],
      ["pause", (c, a) => pause(c, t, a, none)],
      ["pause again", (c, a) => pause(c, t, a, none)],
      ["play", (c, a) => play(c, t, a, none)],
      ["rate 0.1", (c, a) => setRate(c, t, a, 0.1, none)],
      ["idle off", (c, a) => setIdleLimit(c, t, a, null, none)],
      ["rate 3600", (c, a) => setRate(c, t, a, 3600, none)],
    ];
    for (const [, op] of ops) {
      at += 1234.5;
      const next = op(s, at);
      expectContinuous(s, next, at);
      s = next;
    }
    expect(s.revision).toBe(ops.length);
    expect(s).toMatchObject({ playing: true, rate: 3600, idleLimitMs: null, stopAt: t.end });
  });

  it("anchor slightly in the future, continuing from the previous state there", () => {
    const s = playingState({ rate: 10 });
    const next = pause(s, t, NOW + 5000, none);
    expect(next.simAtAnchor).toBe(T0 + 50 * SEC);
    expect(next.playing).toBe(false);
    expect(simTimeAt(effectiveState(s, next, NOW + 4000), t, NOW + 4000)).toBe(T0 + 40 * SEC);
    expect(simTimeAt(effectiveState(s, next, NOW + 9000), t, NOW + 9000)).toBe(T0 + 50 * SEC);
  });

  it("seek clamps, keeps playing as it was, and rejects non-finite targets", () => {
    const paused = initialClock(t, NOW);
    const a = seek(paused, t, NOW + 1, T0 + 5 * MIN, none);
    expect(a).toMatchObject({ playing: false, simAtAnchor: T0 + 5 * MIN, revision: 1, stopAt: null });
    expect(seek(paused, t, NOW + 1, 0, none).simAtAnchor).toBe(T0 - MIN);
    expect(seek(paused, t, NOW + 1, t.end + MIN, none).simAtAnchor).toBe(t.end);
    const playing = seek(playingState(), t, NOW + 1, T0 + 5 * MIN, none);
    expect(playing).toMatchObject({ playing: true, simAtAnchor: T0 + 5 * MIN, revision: 4, stopAt: t.end });
    expect(() => seek(paused, t, NOW, Number.NaN, none)).toThrow(RangeError);
  });

  it("setRate and setIdleLimit reject values out of range", () => {
    const s = playingState();
    for (const bad of [0, 0.09, 3601, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => setRate(s, t, NOW, bad, none)).toThrow(RangeError);
    }
    expect(setRate(s, t, NOW, RATE_MIN, none).rate).toBe(RATE_MIN);
    expect(setRate(s, t, NOW, RATE_MAX, none).rate).toBe(RATE_MAX);
    for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => setIdleLimit(s, t, NOW, bad, none)).toThrow(RangeError);
    }
  });

  it("play at the end stays at the end, with the stop point reached at once", () => {
    const atEnd = seek(initialClock(t, NOW), t, NOW, t.end, none);
    const p = play(atEnd, t, NOW + 10, none);
    expect(p).toMatchObject({ playing: true, simAtAnchor: t.end, stopAt: t.end });
    expect(simTimeAt(p, t, NOW + 10 * MIN)).toBe(t.end);
    expect(reachedStop(p, t, NOW + 10)).toBe(true);
    expect(stopTransition(p, t)).toMatchObject({ playing: false, simAtAnchor: t.end, serverTimeAtAnchor: NOW + 10 });
  });
});

describe("step", () => {
  const t = makeTimeline();
  const [e0, e1, , e3, e4] = t.entryTimes as [number, number, number, number, number];
  const pausedAt = (sim: number) => playingState({ playing: false, simAtAnchor: sim });

  it("moves forward over equal entry times, then to the end", () => {
    let s = pausedAt(T0 - MIN);
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      s = step(s, t, NOW + i, 1, none);
      seen.push(s.simAtAnchor);
    }
    expect(seen).toEqual([e0, e1, e3, e4, t.end, t.end]);
    expect(s.revision).toBe(3 + 6);
    expect(s.playing).toBe(false);
  });

  it("moves back over equal entry times, then to the pre-roll", () => {
    let s = pausedAt(t.end);
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      s = step(s, t, NOW + i, -1, none);
      seen.push(s.simAtAnchor);
    }
    expect(seen).toEqual([e3, e1, e0, T0 - MIN, T0 - MIN]);
  });

  it("steps from between entries, and keeps a playing clock playing", () => {
    expect(step(pausedAt(T0 + 10 * MIN), t, NOW, 1, none).simAtAnchor).toBe(e3);
    expect(step(pausedAt(T0 + 10 * MIN), t, NOW, -1, none).simAtAnchor).toBe(e1);
    const s = step(playingState({ rate: 60 }), t, NOW + 1000, 1, none); // at T0 + 1 min
    expect(s).toMatchObject({ playing: true, simAtAnchor: e3, serverTimeAtAnchor: NOW + 1000, stopAt: t.end });
  });
});

describe("idle-gap mode", () => {
  const t = makeTimeline();
  const idle = (over: Partial<ClockState> = {}) => playingState({ idleLimitMs: 3000, ...over });

  it("passes a 30-minute silence in idleLimitMs at 1x, and a short gap at the normal rate", () => {
    const s = idle();
    expect(simTimeAt(s, t, NOW + 1000)).toBe(T0 + 1000); // 2 s gap: unchanged
    expect(simTimeAt(s, t, NOW + 2000)).toBe(T0 + 2 * SEC);
    expect(simTimeAt(s, t, NOW + 2000 + 1500)).toBeCloseTo(T0 + 2 * SEC + 15 * MIN, 3); // halfway
    expect(simTimeAt(s, t, NOW + 2000 + 3000)).toBeCloseTo(T0 + 30 * MIN + 2 * SEC, 3);
    expect(simTimeAt(s, t, NOW + 2000 + 3000 + 3000)).toBe(t.end); // then 3 s at 1x to the last entry
    const at = serverTimeOfSim(s, t, T0 + 30 * MIN + 2 * SEC)!;
    expect(at - NOW).toBeCloseTo(5000, 3);
    expect(simTimeAt(s, t, at)).toBeCloseTo(T0 + 30 * MIN + 2 * SEC, 3);
  });

  it("compresses the pre-roll too", () => {
    const s = idle({ simAtAnchor: T0 - MIN });
    expect(simTimeAt(s, t, NOW + 3000)).toBeCloseTo(T0, 3);
    expect(serverTimeOfSim(s, t, T0)! - NOW).toBeCloseTo(3000, 3);
  });

  it("only compresses gaps that would take longer than the limit at the current rate", () => {
    // 30 min at 600x takes exactly 3 s: not compressed. At 3600x it takes 0.5 s.
    const at600 = idle({ rate: 600, simAtAnchor: T0 + 2 * SEC });
    expect(simTimeAt(at600, t, NOW + 3000)).toBeCloseTo(T0 + 2 * SEC + 30 * MIN, 3);
    const at3600 = idle({ rate: 3600, simAtAnchor: T0 + 2 * SEC });
    expect(simTimeAt(at3600, t, NOW + 250)).toBeCloseTo(T0 + 2 * SEC + 15 * MIN, 3);
    // At 60x the silence (30 s of wall time) is compressed to 3 s.
    const at60 = idle({ rate: 60, simAtAnchor: T0 + 2 * SEC });
    expect(simTimeAt(at60, t, NOW + 3000)).toBeCloseTo(T0 + 30 * MIN + 2 * SEC, 3);
  });

  it("runs at the normal rate after the last entry (warp level)", () => {
    const w = createWarp(t, 1, 3000);
    const last = w.wallOf(t.end);
    expect(w.wallOf(t.end + 10 * MIN) - last).toBeCloseTo(10 * MIN, 6);
    expect(w.simOf(last + 5000)).toBeCloseTo(t.end + 5000, 3);
    expect(w.wallOf(bounds(t).min)).toBe(0);
    expect(w.wallOf(bounds(t).min - 1000)).toBe(-1000);
  });

  it("turning idle mode on mid-gap continues from the same simulated time", () => {
    const s = playingState();
    const at = NOW + 2000 + 60_000; // one minute into the silence
    const next = setIdleLimit(s, t, at, 3000, none);
    expect(next.simAtAnchor).toBe(T0 + 2 * SEC + MIN);
    // the remaining 29 minutes of the 30-minute gap: 29/30 of 3 s
    expect(serverTimeOfSim(next, t, T0 + 30 * MIN + 2 * SEC)! - at).toBeCloseTo(2900, 3);
  });
});

describe("stop points", () => {
  const t = makeTimeline();
  const p1 = T0 + 2 * SEC;
  const p2 = T0 + 30 * MIN + 2 * SEC;
  const opts = { pausePoints: [p2, p1, T0] };

  it("stops at the next pause point strictly after the anchor, never passing it", () => {
    const s = play(initialClock(t, NOW), t, NOW, opts);
    expect(s.stopAt).toBe(T0); // the first entry is a pause point, after the pre-roll
    const fromFirst = play(seek(initialClock(t, NOW), t, NOW, T0, opts), t, NOW, opts);
    expect(fromFirst.stopAt).toBe(p1);
    const fast = setRate(fromFirst, t, NOW, 3600, opts);
    expect(fast.stopAt).toBe(p1);
    expect(simTimeAt(fast, t, NOW + 0.5)).toBeCloseTo(T0 + 1800, 6);
    expect(reachedStop(fast, t, NOW + 0.5)).toBe(false);
    for (const later of [0.56, 1, 1000, 10 * MIN]) {
      expect(simTimeAt(fast, t, NOW + later)).toBe(p1);
      expect(reachedStop(fast, t, NOW + later)).toBe(true);
    }
  });

  it("stopTransition anchors exactly where and when the stop was reached", () => {
    const s = play(seek(initialClock(t, NOW), t, NOW, T0, opts), t, NOW + 100, opts);
    const stopped = stopTransition(s, t);
    expect(stopped).toMatchObject({ playing: false, simAtAnchor: p1, stopAt: null, revision: s.revision + 1 });
    expect(stopped.serverTimeAtAnchor).toBe(serverTimeOfSim(s, t, p1));
    expect(stopped.serverTimeAtAnchor).toBeCloseTo(NOW + 100 + 2000, 6);
    expect(reachedStop(s, t, stopped.serverTimeAtAnchor)).toBe(true);
    // Continuity at the stop instant, and the paused clock does not move afterwards.
    expect(simTimeAt(s, t, stopped.serverTimeAtAnchor)).toBe(p1);
    expect(simTimeAt(stopped, t, stopped.serverTimeAtAnchor + MIN)).toBe(p1);
    // Playing on from a pause point goes to the next one, then to the end.
    const again = play(stopped, t, NOW + 10_000, opts);
    expect(again.stopAt).toBe(p2);
    const last = play(stopTransition(again, t), t, NOW + 1e7, opts);
    expect(last.stopAt).toBe(t.end);
  });

  it("stops at a pause point inside a compressed gap, with idle mode on", () => {
    const mid = T0 + 2 * SEC + 15 * MIN;
    const s = play(seek(setIdleLimit(initialClock(t, NOW), t, NOW, 3000, none), t, NOW, T0, none), t, NOW, {
      pausePoints: [mid],
    });
    expect(s.stopAt).toBe(mid);
    const stopped = stopTransition(s, t);
    expect(stopped.serverTimeAtAnchor - NOW).toBeCloseTo(2000 + 1500, 3);
    expect(simTimeAt(s, t, NOW + 10_000)).toBe(mid);
  });

  it("reachedStop is false for paused clocks and before the anchor; stopTransition needs a stop point", () => {
    const s = play(seek(initialClock(t, NOW), t, NOW, T0, opts), t, NOW + 100, opts);
    expect(reachedStop(s, t, NOW)).toBe(false);
    expect(reachedStop(pause(s, t, NOW + 5000, opts), t, NOW + 1e6)).toBe(false);
    expect(() => stopTransition(pause(s, t, NOW + 5000, opts), t)).toThrow();
  });
});

describe("entriesShownAt", () => {
  const t = makeTimeline();
  it("counts the entries published at or before the simulated time", () => {
    expect(entriesShownAt(t, T0 - MIN)).toBe(0);
    expect(entriesShownAt(t, T0 - 0.001)).toBe(0);
    expect(entriesShownAt(t, T0)).toBe(1);
    expect(entriesShownAt(t, T0 + 2 * SEC - 1)).toBe(1);
    expect(entriesShownAt(t, T0 + 2 * SEC)).toBe(3);
    expect(entriesShownAt(t, T0 + 20 * MIN)).toBe(3);
    expect(entriesShownAt(t, t.end)).toBe(5);
    expect(entriesShownAt({ start: T0, end: T0, entryTimes: [] }, T0)).toBe(0);
  });
});

describe("a 10,000-entry timeline", () => {
  // Deterministic irregular gaps: bursts of seconds, pauses of minutes, some repeats, a few long silences.
  let seed = 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const entryTimes: number[] = [];
  let time = T0;
  for (let i = 0; i < 10_000; i++) {
    entryTimes.push(time);
    const r = rand();
    time += r < 0.1 ? 0 : r < 0.7 ? Math.floor(rand() * 20 * SEC) : r < 0.98 ? Math.floor(rand() * 10 * MIN) : 2 * 3600 * SEC;
  }
  const t: Timeline = { start: T0, end: entryTimes[entryTimes.length - 1]!, entryTimes };

  /** Reference: wall time to get from bounds.min to sim, summing every stretch (O(n)). */
  const knots = [...new Set([t.start - PRE_ROLL_MS, ...entryTimes])];
  function naiveWall(sim: number, rate: number, limit: number): number {
    let wall = 0;
    for (let i = 0; i + 1 < knots.length; i++) {
      const a = knots[i]!;
      const b = knots[i + 1]!;
      if (sim <= a) return wall;
      const full = (b - a) / rate > limit;
      const part = Math.min(sim, b) - a;
      wall += full ? (limit * part) / (b - a) : part / rate;
    }
    return wall + (sim - knots[knots.length - 1]!) / rate;
  }

  it("the warp agrees with a naive sum and inverts itself", () => {
    for (const rate of [1, 60]) {
      const w = createWarp(t, rate, 3000);
      for (let i = 0; i < 200; i++) {
        const sim = t.start - PRE_ROLL_MS + rand() * (t.end - t.start + PRE_ROLL_MS);
        expect(w.wallOf(sim)).toBeCloseTo(naiveWall(sim, rate, 3000), 4);
        expect(w.simOf(w.wallOf(sim))).toBeCloseTo(sim, 2);
      }
    }
  });

  it("simTimeAt and serverTimeOfSim agree and the clock reaches every entry in order", () => {
    const s = playingState({ rate: 10, idleLimitMs: 3000, simAtAnchor: t.start - PRE_ROLL_MS });
    let previous = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < entryTimes.length; i += 37) {
      const x = entryTimes[i]!;
      const at = serverTimeOfSim(s, t, x)!;
      expect(at).toBeGreaterThanOrEqual(previous);
      previous = at;
      const sim = simTimeAt(s, t, at);
      expect(sim).toBeGreaterThanOrEqual(x);
      expect(sim - x).toBeLessThan(1);
      expect(entriesShownAt(t, sim)).toBeGreaterThan(i);
    }
  });

  it("reuses the memoised warp across many calls", () => {
    const s = playingState({ rate: 30, idleLimitMs: 2000, simAtAnchor: t.start });
    const warp = getWarp(t, 30, 2000);
    expect(getWarp(t, 30, 2000)).toBe(warp);
    const built = warpBuilds();
    for (let i = 0; i < 5000; i++) {
      simTimeAt(s, t, NOW + i * 97.3);
      serverTimeOfSim(s, t, entryTimes[i]!);
    }
    expect(warpBuilds()).toBe(built);
    expect(getWarp(t, 30, 2000)).toBe(warp);
    // A different rate rebuilds (once), and a different timeline object has its own warp.
    const other = getWarp(t, 60, 2000);
    expect(other).not.toBe(warp);
    expect(warpBuilds()).toBe(built + 1);
    expect(getWarp(t, 60, 2000)).toBe(other);
    expect(getWarp({ ...t }, 60, 2000)).not.toBe(other);
  });
});

describe("clockStateSchema", () => {
  it("accepts a valid state and rejects malformed ones", () => {
    const good = playingState({ idleLimitMs: 3000, stopAt: T0 + MIN, serverTimeAtAnchor: NOW + 0.25 });
    expect(clockStateSchema.parse(good)).toEqual(good);
    expect(clockStateSchema.safeParse(initialClock(makeTimeline(), NOW)).success).toBe(true);
    const bad: unknown[] = [
      { ...good, rate: 0 },
      { ...good, rate: 4000 },
      { ...good, rate: Number.NaN },
      { ...good, simAtAnchor: Number.POSITIVE_INFINITY },
      { ...good, serverTimeAtAnchor: "now" },
      { ...good, revision: -1 },
      { ...good, revision: 1.5 },
      { ...good, idleLimitMs: 0 },
      { ...good, stopAt: T0 - 1 },
      { ...good, playing: undefined },
    ];
    for (const b of bad) expect(clockStateSchema.safeParse(b).success).toBe(false);
  });
});
