import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { clockTime, longDate, wallClock, zoneLabel } from "../../domain/time";

describe("time formatting", () => {
  const pressConference = "2018-07-16T15:11:00.000Z";

  it("shows an instant in the event's zone, the published zone and others", () => {
    expect(clockTime(pressConference, "Europe/Helsinki")).toBe("18:11");
    expect(clockTime(pressConference, "GMT")).toBe("15:11");
    expect(clockTime(pressConference, "Europe/Moscow")).toBe("18:11");
    expect(clockTime(pressConference, "America/New_York")).toBe("11:11");
    expect(wallClock(Date.parse(pressConference) + 7_000, "Europe/Helsinki", true)).toBe("18:11:07");
  });

  it("gives the date in the zone, which can differ from UTC's", () => {
    expect(longDate("2018-07-16T22:30:00.000Z", "Europe/Helsinki")).toBe("17 July 2018");
    expect(longDate("2018-07-16T22:30:00.000Z", "GMT")).toBe("16 July 2018");
  });

  it("agrees with luxon at every quarter hour across both of 2018's DST changes, in zones east and west", () => {
    const zones = ["Europe/Helsinki", "Europe/London", "America/New_York", "Australia/Adelaide", "Asia/Kolkata", "GMT", "UTC"];
    const spans = ["2018-03-24T00:00:00Z", "2018-10-27T00:00:00Z", "2018-11-03T00:00:00Z", "2018-04-01T00:00:00Z"].map(Date.parse);
    let compared = 0;
    for (const zone of zones) {
      for (const from of spans) {
        for (let ms = from; ms < from + 2 * 86_400_000; ms += 15 * 60_000 + 7_000) {
          const at = DateTime.fromMillis(ms, { zone });
          const iso = new Date(ms).toISOString();
          expect(wallClock(ms, zone, true), `${zone} ${iso}`).toBe(at.toFormat("HH:mm:ss"));
          expect(clockTime(iso, zone), `${zone} ${iso}`).toBe(at.toFormat("HH:mm"));
          expect(longDate(iso, zone), `${zone} ${iso}`).toBe(at.setLocale("en-GB").toFormat("d LLLL yyyy"));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(3000);
  });

  it("labels zones by city", () => {
    expect(zoneLabel("Europe/Helsinki")).toBe("Helsinki");
    expect(zoneLabel("America/New_York")).toBe("New York");
    expect(zoneLabel("GMT")).toBe("GMT");
  });
});
