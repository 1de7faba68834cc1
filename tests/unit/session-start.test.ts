import { describe, expect, it } from "vitest";
import { soloStartFromLink } from "../../app/_replay/session-start";
import * as jump from "../../domain/replay/jump";
import * as today from "../../domain/replay/today";

const feed = { eventDate: "2018-07-16", publishedZone: "GMT", eventZone: "Europe/Helsinki", coverageStart: "2018-07-16T09:44:00Z" };

const tools = { ...jump, ...today };

describe("a solo replay's start from its link", () => {
  it("asks for the link's moment, speed and play in the one create", () => {
    const { start, notices, jumpHint } = soloStartFromLink({ kind: "solo", t: "18:11", speed: "60", play: true }, feed, tools);
    expect(start).toEqual({ sim: Date.parse("2018-07-16T15:11:00Z"), rate: 60, playing: true });
    expect(notices).toEqual([]);
    expect(jumpHint).toContain("18:11 Helsinki = 15:11 GMT");
  });

  it("starts at the beginning, at 1×, with a notice for each value it could not read", () => {
    const { start, notices, jumpHint } = soloStartFromLink({ kind: "solo", t: "half past nowhere", speed: "9999", play: false }, feed, tools);
    expect(start).toEqual({});
    expect(notices).toHaveLength(2);
    expect(notices[0]).toContain('"half past nowhere" could not be read');
    expect(notices[1]).toContain("so it stays at 1×");
    expect(jumpHint).toBeUndefined();
  });

  it("asks for nothing when the link says nothing", () => {
    expect(soloStartFromLink({ kind: "solo", t: undefined, speed: undefined, play: false }, feed, tools)).toEqual({ start: {}, notices: [], jumpHint: undefined });
  });

  it("opens a kiosk playing at its speed, and says so when a linked update is not in the feed", () => {
    expect(soloStartFromLink({ kind: "solo", t: undefined, speed: "600", play: false, kiosk: true }, feed, tools).start).toEqual({ rate: 600, playing: true });
    const { notices } = soloStartFromLink({ kind: "solo", t: undefined, speed: undefined, play: false, missingEntry: true }, feed, tools);
    expect(notices).toEqual([expect.stringContaining("not in this feed")]);
  });

  it("runs today's clock at 1× from now's wall time on the event day, playing once the coverage has begun", () => {
    const { start } = soloStartFromLink({ kind: "solo", t: "18:11", speed: "60", play: false, today: true }, feed, tools);
    expect(start.rate).toBe(1);
    const helsinki = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Helsinki", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    expect(helsinki.format(start.sim!)).toBe(helsinki.format(Date.now()));
    expect(new Date(start.sim!).toISOString().slice(0, 10)).toMatch(/^2018-07-1[56]$/);
    expect(start.playing).toBe(start.sim! >= Date.parse(feed.coverageStart));
  });
});
