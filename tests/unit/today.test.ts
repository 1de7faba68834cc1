import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { todayOnEventDay, todayPhase } from "../../domain/replay/today";

describe("today's clock", () => {
  it("maps now's wall time in the event's zone onto the event day", () => {
    const now = DateTime.fromISO("2026-11-30T13:47:12", { zone: "Europe/Helsinki" }).toMillis();
    const mapped = DateTime.fromMillis(todayOnEventDay(now, "Europe/Helsinki", "2018-07-16"), { zone: "Europe/Helsinki" });
    expect(mapped.toFormat("yyyy-MM-dd HH:mm:ss")).toBe("2018-07-16 13:47:12");
    // Winter now, summer then: the wall time is kept, not the offset (UTC+2 now, UTC+3 then).
    expect(new Date(todayOnEventDay(now, "Europe/Helsinki", "2018-07-16")).toISOString()).toBe("2018-07-16T10:47:12.000Z");
  });

  it("uses the event's zone, not the viewer's: just after midnight UTC is 02:30 in Helsinki", () => {
    const now = Date.parse("2026-01-10T00:30:00Z");
    expect(new Date(todayOnEventDay(now, "Europe/Helsinki", "2018-07-16")).toISOString()).toBe("2018-07-15T23:30:00.000Z");
  });

  it("is the same for the same now: a reload keeps the mapping", () => {
    const now = Date.now();
    expect(todayOnEventDay(now, "America/New_York", "2020-03-08")).toBe(todayOnEventDay(now, "America/New_York", "2020-03-08"));
  });

  it("refuses a date that is not one", () => {
    expect(() => todayOnEventDay(Date.now(), "Europe/Helsinki", "2018-02-30")).toThrow(/not an event date/);
  });

  it("says whether the coverage is still to come, running, or over", () => {
    const coverage = { start: 1000, end: 5000 };
    expect(todayPhase(400, coverage)).toEqual({ phase: "before", startsInMs: 600 });
    expect(todayPhase(1000, coverage)).toEqual({ phase: "during" });
    expect(todayPhase(5001, coverage)).toEqual({ phase: "after" });
  });
});
