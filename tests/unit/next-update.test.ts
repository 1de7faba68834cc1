import { describe, expect, it } from "vitest";
import { duration, nextUpdateText } from "../../app/_replay/next-update";
import type { ClockState, Timeline } from "../../domain/replay/clock";

const MINUTE = 60_000;
const start = Date.parse("2018-07-16T09:45:00Z");
const timeline: Timeline = { start, end: start + 100 * MINUTE, entryTimes: [start, start + 40 * MINUTE, start + 100 * MINUTE] };
const clock = (playing: boolean, rate: number, idleLimitMs: number | null = null) => ({ playing, rate, idleLimitMs }) as unknown as ClockState;

describe("the next update line", () => {
  it("gives the time to the next entry in simulated time and at the speed, never its headline", () => {
    expect(nextUpdateText(timeline, start + 27 * MINUTE + 20_000, clock(true, 600))).toBe("Next update in 12:40 · 0:02 at 600×");
    expect(nextUpdateText(timeline, start + 30 * MINUTE, clock(true, 1))).toBe("Next update in 10:00 · 10:00 at 1×");
    expect(nextUpdateText(timeline, start + 30 * MINUTE, clock(false, 1))).toBe("Next update in 10:00 · paused");
  });

  it("counts a quiet stretch as the seconds it takes when they are skipped", () => {
    expect(nextUpdateText(timeline, start + 40 * MINUTE, clock(true, 1, 3000))).toBe("Next update in 1:00:00 · 0:03 at 1×");
  });

  it("says when there is none left, and nothing before the session is held", () => {
    expect(nextUpdateText(timeline, timeline.end, clock(true, 1))).toMatch(/No more updates/);
    expect(nextUpdateText(undefined, start, clock(true, 1))).toBe("");
  });

  it("formats a duration in whole seconds, rounded up", () => {
    expect(duration(0)).toBe("0:00");
    expect(duration(1)).toBe("0:01");
    expect(duration(3_723_000)).toBe("1:02:03");
  });
});
