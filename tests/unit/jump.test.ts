import { describe, expect, it } from "vitest";
import { describeJump, formatForUrl, parseJumpTime } from "../../domain/replay/jump";

const helsinki = { eventDate: "2018-07-16", publishedZone: "GMT", eventZone: "Europe/Helsinki" };
const PRESS = Date.parse("2018-07-16T15:11:00.000Z");

function ms(input: string): number {
  const r = parseJumpTime(input, helsinki);
  if (!r.ok) throw new Error(`expected "${input}" to parse, got: ${r.reason}`);
  return r.ms;
}

function reason(input: string): string {
  const r = parseJumpTime(input, helsinki);
  if (r.ok) throw new Error(`expected "${input}" to be rejected, got ${new Date(r.ms).toISOString()}`);
  return r.reason;
}

describe("parseJumpTime", () => {
  // The one rule for a bare time: it is the big clock's time, the event zone (Helsinki here).
  it.each(["18:11", "18.11", "1811", " 18:11 ", "18:11:00"])("reads the bare %j in the event zone on the event date", (input) => {
    expect(parseJumpTime(input, helsinki)).toEqual({ ok: true, ms: PRESS, bare: true });
  });

  it("reads a bare time as the clock shows it, never in the published zone", () => {
    // A teacher reads 18:11 off the clock (Helsinki) and types it: 15:11 GMT, not 18:11 GMT.
    expect(ms("18:11")).toBe(ms("18:11 Helsinki"));
    expect(ms("15:11")).toBe(Date.parse("2018-07-16T12:11:00Z"));
    expect(ms("15:11")).not.toBe(ms("15:11 GMT"));
    // The rule follows the feed's event zone, whatever the blog published in.
    const washington = { eventDate: "2018-07-16", publishedZone: "GMT", eventZone: "America/New_York" };
    expect(parseJumpTime("11:11", washington)).toEqual({ ok: true, ms: PRESS, bare: true });
  });

  it("says whether the time was bare", () => {
    for (const input of ["18:11", "6:11 pm", "1811", "6 pm"]) expect(parseJumpTime(input, helsinki)).toMatchObject({ ok: true, bare: true });
    for (const input of ["18:11 Helsinki", "15:11 GMT", "15:11Z", "18:11 UTC+3", "2018-07-16T15:11Z", "2018-07-16T18:11+03:00"]) {
      expect(parseJumpTime(input, helsinki)).toMatchObject({ ok: true, bare: false });
    }
  });

  it("accepts H:MM and seconds", () => {
    expect(ms("9:05")).toBe(Date.parse("2018-07-16T06:05:00Z"));
    expect(ms("09:05")).toBe(Date.parse("2018-07-16T06:05:00Z"));
    expect(ms("18:11:30")).toBe(PRESS + 30_000);
    // Midnight in Helsinki on the event date is still the evening before in GMT.
    expect(ms("0:00")).toBe(Date.parse("2018-07-15T21:00:00Z"));
  });

  it.each(["6:11 pm", "6:11pm", "6:11 PM", "6:11 p.m.", "3:11 pm GMT", "3:11pm UTC", "6:11 pm Helsinki"])(
    "reads the 12-hour form %j",
    (input) => {
      expect(ms(input)).toBe(PRESS);
    },
  );

  it("reads hour-only 12-hour times and the 12 o'clock edge cases", () => {
    expect(ms("6 pm")).toBe(Date.parse("2018-07-16T15:00:00Z"));
    expect(ms("6pm")).toBe(Date.parse("2018-07-16T15:00:00Z"));
    expect(ms("12 am")).toBe(Date.parse("2018-07-15T21:00:00Z"));
    expect(ms("12:30 pm")).toBe(Date.parse("2018-07-16T09:30:00Z"));
    expect(ms("3 pm GMT")).toBe(Date.parse("2018-07-16T15:00:00Z"));
    expect(ms("6 pm Moscow")).toBe(Date.parse("2018-07-16T15:00:00Z"));
  });

  it.each([
    "18:11 Helsinki",
    "18:11 helsinki",
    "18:11 in Helsinki",
    "18:11 Helsinki time",
    "18:11 Moscow",
    "11:11 Washington",
    "11:11 New York",
    "11:11 new york",
    "16:11 London",
    "15:11 GMT",
    "15:11 UTC",
    "15:11 Z",
    "15:11Z",
    "18:11 Europe/Helsinki",
    "18:11 europe/helsinki",
    "11:11 America/New_York",
    "18:11 UTC+3",
    "18:11 GMT+03:00",
    "08:11 Los Angeles",
  ])("reads %j in the named place, on the event date there", (input) => {
    expect(ms(input)).toBe(PRESS);
  });

  it("takes the event date in the named zone, not in the published one", () => {
    // 00:30 on 16 July in Helsinki is still 15 July in GMT.
    expect(ms("00:30 Helsinki")).toBe(Date.parse("2018-07-15T21:30:00Z"));
    expect(ms("00:11 Tokyo")).toBe(Date.parse("2018-07-15T15:11:00Z"));
  });

  it.each(["2018-07-16T15:11:00Z", "2018-07-16T15:11:00.000Z", "2018-07-16T18:11+03:00", "2018-07-16T11:11:00-04:00", "2018-07-16 15:11Z", "2018-07-16t15:11z"])(
    "reads the ISO form %j",
    (input) => {
      expect(ms(input)).toBe(PRESS);
    },
  );

  it("rejects ISO date-times without an offset, saying how to fix them", () => {
    expect(reason("2018-07-16T15:11:00")).toMatch(/add Z .*offset/);
    expect(reason("2018-07-16T15:11")).toMatch(/ambiguous/);
    expect(reason("2018-07-16")).toMatch(/without a time/);
    expect(reason("2018-13-16T15:11Z")).toMatch(/not a valid ISO/);
  });

  it.each([
    ["25:00", /"25:00" is not a time of day/],
    ["15:60", /is not a time of day/],
    ["2500", /is not a time of day/],
    ["13 pm", /not a 12-hour time/],
    ["0:30 am", /not a 12-hour time/],
    ["15", /needs minutes/],
    ["15:11 Paris2", /unknown place "Paris2"/],
    ["15:11 Mars/Olympus", /unknown zone "Mars\/Olympus"/],
    ["15:11 local", /not supported/],
    ["15:11 my time", /not supported/],
    ["15:11 system", /not supported/],
    ["tea time", /is not a time/],
    ["15:1", /is not a time/],
    ["", /type a time/],
    ["   ", /type a time/],
    ["1".repeat(101), /too long/],
  ])("rejects %j with a reason", (input, expected) => {
    expect(reason(input)).toMatch(expected);
  });

  it("rejects a time that does not exist because the clocks changed", () => {
    const r = parseJumpTime("03:30 Helsinki", { ...helsinki, eventDate: "2018-03-25" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/did not exist/);
  });

  it("never throws, even on nonsense", () => {
    for (const input of ["\u0000", "99:99:99 Europe/", "12:00 /", "+", "2018-07-16T25:99+99:99", "1:00 pm pm", null as unknown as string]) {
      expect(() => parseJumpTime(input, helsinki)).not.toThrow();
      expect(parseJumpTime(input, helsinki).ok).toBe(false);
    }
    expect(parseJumpTime("18:11", { ...helsinki, eventZone: "Nowhere/Land" }).ok).toBe(false);
    // A zone named in the input does not need the feed's zone.
    expect(parseJumpTime("15:11 GMT", { ...helsinki, eventZone: "Nowhere/Land" })).toEqual({ ok: true, ms: PRESS, bare: false });
  });
});

describe("formatForUrl", () => {
  it("writes the moment with the event zone's offset, never as a bare time", () => {
    expect(formatForUrl(PRESS, helsinki)).toBe("2018-07-16T18:11+03:00");
    expect(formatForUrl(Date.parse("2018-07-16T00:00:00Z"), helsinki)).toBe("2018-07-16T03:00+03:00");
    expect(formatForUrl(PRESS + 30_000, helsinki)).toBe("2018-07-16T18:11:30+03:00");
    expect(formatForUrl(PRESS + 0.5, helsinki)).toBe("2018-07-16T18:11:00.001+03:00");
    expect(formatForUrl(Date.parse("2018-07-15T23:59:00Z"), helsinki)).toBe("2018-07-16T02:59+03:00");
    expect(formatForUrl(PRESS, { ...helsinki, eventZone: "UTC" })).toBe("2018-07-16T15:11Z");
  });

  it("round-trips through parseJumpTime, whatever zone a bare time would be read in", () => {
    for (const instant of [PRESS, PRESS + 30_000, PRESS + 123, Date.parse("2018-07-17T01:00:00Z"), Date.parse("2018-07-15T21:30:00Z")]) {
      const link = formatForUrl(instant, helsinki);
      expect(link).toMatch(/(?:Z|[+-]\d{2}:\d{2})$/);
      expect(ms(link)).toBe(instant);
      expect(parseJumpTime(link, { ...helsinki, eventZone: "America/New_York" })).toEqual({ ok: true, ms: instant, bare: false });
    }
  });

  it("survives a URL query: encoded, the + of the offset stays a +", () => {
    const query = new URLSearchParams(`t=${encodeURIComponent(formatForUrl(PRESS, helsinki))}`);
    expect(query.toString()).toBe("t=2018-07-16T18%3A11%2B03%3A00");
    expect(ms(query.get("t")!)).toBe(PRESS);
  });
});

describe("describeJump", () => {
  it("names the moment in the clock's zone and the blog's", () => {
    expect(describeJump(PRESS, helsinki)).toBe("18:11 Helsinki = 15:11 GMT");
    expect(describeJump(PRESS + 30_000, helsinki)).toBe("18:11:30 Helsinki = 15:11:30 GMT");
  });

  it("names the day when it is not the event date", () => {
    expect(describeJump(Date.parse("2018-07-16T22:30:00Z"), helsinki)).toBe("01:30 Helsinki on 17 July = 22:30 GMT");
    expect(describeJump(Date.parse("2018-07-15T21:30:00Z"), helsinki)).toBe("00:30 Helsinki = 21:30 GMT on 15 July");
  });

  it("says it once when both zones agree", () => {
    expect(describeJump(PRESS, { ...helsinki, eventZone: "GMT" })).toBe("15:11 GMT");
  });
});
