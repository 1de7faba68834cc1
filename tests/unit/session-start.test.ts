import { describe, expect, it } from "vitest";
import { soloStartFromLink } from "../../app/_replay/session-start";

const feed = { eventDate: "2018-07-16", publishedZone: "GMT", eventZone: "Europe/Helsinki" };

describe("a solo replay's start from its link", () => {
  it("asks for the link's moment, speed and play in the one create", () => {
    const { start, notices, jumpHint } = soloStartFromLink({ kind: "solo", t: "18:11", speed: "60", play: true }, feed);
    expect(start).toEqual({ sim: Date.parse("2018-07-16T15:11:00Z"), rate: 60, playing: true });
    expect(notices).toEqual([]);
    expect(jumpHint).toContain("18:11 Helsinki = 15:11 GMT");
  });

  it("starts at the beginning, at 1×, with a notice for each value it could not read", () => {
    const { start, notices, jumpHint } = soloStartFromLink({ kind: "solo", t: "half past nowhere", speed: "9999", play: false }, feed);
    expect(start).toEqual({});
    expect(notices).toHaveLength(2);
    expect(notices[0]).toContain('"half past nowhere" could not be read');
    expect(notices[1]).toContain("so it stays at 1×");
    expect(jumpHint).toBeUndefined();
  });

  it("asks for nothing when the link says nothing", () => {
    expect(soloStartFromLink({ kind: "solo", t: undefined, speed: undefined, play: false }, feed)).toEqual({ start: {}, notices: [], jumpHint: undefined });
  });
});
