import { describe, expect, it } from "vitest";
import {
  entryNear,
  fractionOfTime,
  layoutKeyMomentLabels,
  nudge,
  timeAtFraction,
  type ScrubberTimeline,
} from "../../app/_replay/scrubber-math";

const MIN = 60_000;
/** 2018-07-16T12:00:00Z */
const T0 = Date.UTC(2018, 6, 16, 12, 0);
/** 59 minutes of coverage, so the track (with its 1-minute pre-roll) is exactly one hour. */
const timeline: ScrubberTimeline = {
  start: T0,
  end: T0 + 59 * MIN,
  entryTimes: [T0, T0 + 10 * MIN, T0 + 10 * MIN, T0 + 30 * MIN, T0 + 59 * MIN],
};
const MIN_MS = T0 - MIN;
const MAX_MS = T0 + 59 * MIN;

describe("fraction ↔ time", () => {
  it("spans the pre-roll to the end", () => {
    expect(timeAtFraction(timeline, 0)).toBe(MIN_MS);
    expect(timeAtFraction(timeline, 1)).toBe(MAX_MS);
    expect(timeAtFraction(timeline, 0.5)).toBe(T0 + 29 * MIN);
    expect(fractionOfTime(timeline, MIN_MS)).toBe(0);
    expect(fractionOfTime(timeline, MAX_MS)).toBe(1);
    expect(fractionOfTime(timeline, T0)).toBeCloseTo(1 / 60, 12);
  });

  it("round-trips", () => {
    for (const f of [0, 0.001, 0.25, 1 / 3, 0.5, 0.9999, 1]) {
      expect(fractionOfTime(timeline, timeAtFraction(timeline, f))).toBeCloseTo(f, 9);
    }
    for (const ms of [MIN_MS, T0, T0 + 12_345, T0 + 30 * MIN, MAX_MS]) {
      expect(Math.abs(timeAtFraction(timeline, fractionOfTime(timeline, ms)) - ms)).toBeLessThan(1);
    }
  });

  it("clamps", () => {
    expect(timeAtFraction(timeline, -0.5)).toBe(MIN_MS);
    expect(timeAtFraction(timeline, 7)).toBe(MAX_MS);
    expect(timeAtFraction(timeline, Number.NaN)).toBe(MIN_MS);
    expect(fractionOfTime(timeline, MIN_MS - 10 * MIN)).toBe(0);
    expect(fractionOfTime(timeline, MAX_MS + 10 * MIN)).toBe(1);
    expect(fractionOfTime(timeline, Number.NaN)).toBe(0);
  });

  it("handles a single-entry feed (the track is just the pre-roll)", () => {
    const one: ScrubberTimeline = { start: T0, end: T0, entryTimes: [T0] };
    expect(timeAtFraction(one, 0)).toBe(T0 - MIN);
    expect(timeAtFraction(one, 1)).toBe(T0);
    expect(fractionOfTime(one, T0 - MIN / 2)).toBeCloseTo(0.5, 12);
  });

  it("nudges within the track", () => {
    expect(nudge(timeline, T0, MIN)).toBe(T0 + MIN);
    expect(nudge(timeline, MAX_MS, MIN)).toBe(MAX_MS);
    expect(nudge(timeline, MIN_MS + 1000, -MIN)).toBe(MIN_MS);
  });
});

describe("entry under the pointer", () => {
  // 600 px for 60 minutes: 10 px per minute.
  it("finds the nearest tick within the tolerance, with entries sharing it", () => {
    expect(entryNear(timeline, T0 + 10 * MIN + 30_000, 600, 6)).toEqual({ at: T0 + 10 * MIN, first: 1, count: 2 });
    expect(entryNear(timeline, T0 + 30 * MIN - 30_000, 600, 6)).toEqual({ at: T0 + 30 * MIN, first: 3, count: 1 });
    expect(entryNear(timeline, MIN_MS, 600, 6)).toBeNull(); // 10 px from the first tick
    expect(entryNear(timeline, T0 + 20 * MIN, 600, 6)).toBeNull();
    expect(entryNear(timeline, MAX_MS + MIN, 600, 6)).toEqual({ at: MAX_MS, first: 4, count: 1 });
  });

  it("finds nothing without entries or width", () => {
    expect(entryNear({ start: T0, end: T0, entryTimes: [] }, T0, 600)).toBeNull();
    expect(entryNear(timeline, T0, 0)).toBeNull();
  });
});

describe("key-moment label layout", () => {
  const width = 600; // 10 px per minute

  it("puts two labels 10 px apart on different rows", () => {
    const laid = layoutKeyMomentLabels(
      [
        { label: "Arrival", at: T0 + 20 * MIN },
        { label: "Handshake", at: T0 + 21 * MIN },
      ],
      timeline,
      width,
    );
    expect(laid.map((l) => l.row)).toEqual([0, 1]);
    expect(laid[1]!.anchorPx - laid[0]!.anchorPx).toBeCloseTo(10, 9);
  });

  it("keeps far-apart labels on row 0", () => {
    const laid = layoutKeyMomentLabels(
      [
        { label: "Press conference", at: T0 + 50 * MIN },
        { label: "Arrival", at: T0 },
        { label: "Talks", at: T0 + 25 * MIN },
      ],
      timeline,
      width,
    );
    expect(laid.map((l) => l.label)).toEqual(["Arrival", "Talks", "Press conference"]);
    expect(laid.map((l) => l.row)).toEqual([0, 0, 0]);
  });

  it("reuses the nearest free row and never overlaps within a row", () => {
    const moments = [0, 1, 2, 3, 30, 31].map((m, i) => ({ label: `Moment ${i}`, at: T0 + m * MIN }));
    const laid = layoutKeyMomentLabels(moments, timeline, width);
    expect(laid.map((l) => l.row)).toEqual([0, 1, 2, 3, 0, 1]);
    for (const a of laid) {
      for (const b of laid) {
        if (a === b || a.row !== b.row) continue;
        const overlap = Math.min(a.leftPx + a.widthPx, b.leftPx + b.widthPx) - Math.max(a.leftPx, b.leftPx);
        expect(overlap).toBeLessThanOrEqual(0);
      }
    }
  });

  it("estimates width from the character count and keeps labels inside the track", () => {
    const laid = layoutKeyMomentLabels(
      [
        { label: "Start", at: MIN_MS },
        { label: "End", at: MAX_MS },
        { label: "x".repeat(200), at: T0 + 30 * MIN },
      ],
      timeline,
      width,
      7,
    );
    const [start, long, end] = laid;
    expect(start!.leftPx).toBe(0);
    expect(start!.widthPx).toBe(5 * 7 + 8);
    expect(end!.leftPx + end!.widthPx).toBeCloseTo(width, 9);
    expect(long!.widthPx).toBe(width);
    expect(long!.leftPx).toBe(0);
    for (const l of laid) {
      expect(l.leftPx).toBeGreaterThanOrEqual(0);
      expect(l.leftPx + l.widthPx).toBeLessThanOrEqual(width + 1e-9);
    }
  });

  it("lays out nothing before the track is measured", () => {
    expect(layoutKeyMomentLabels([{ label: "A", at: T0 }], timeline, 0)).toEqual([]);
  });
});
