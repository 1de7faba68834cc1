import { describe, expect, it } from "vitest";
import { clockTime, longDate, zoneLabel } from "../../domain/time";

describe("time formatting", () => {
  const pressConference = "2018-07-16T15:11:00.000Z";

  it("shows an instant in the event's zone, the published zone and others, via luxon", () => {
    expect(clockTime(pressConference, "Europe/Helsinki")).toBe("18:11");
    expect(clockTime(pressConference, "GMT")).toBe("15:11");
    expect(clockTime(pressConference, "Europe/Moscow")).toBe("18:11");
    expect(clockTime(pressConference, "America/New_York")).toBe("11:11");
  });

  it("gives the date in the zone, which can differ from UTC's", () => {
    expect(longDate("2018-07-16T22:30:00.000Z", "Europe/Helsinki")).toBe("17 July 2018");
    expect(longDate("2018-07-16T22:30:00.000Z", "GMT")).toBe("16 July 2018");
  });

  it("labels zones by city", () => {
    expect(zoneLabel("Europe/Helsinki")).toBe("Helsinki");
    expect(zoneLabel("America/New_York")).toBe("New York");
    expect(zoneLabel("GMT")).toBe("GMT");
  });
});
