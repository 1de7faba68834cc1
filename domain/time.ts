/**
 * Showing instants in a zone. Formatting goes through `Intl.DateTimeFormat`,
 * made once per zone and kept: the big clock is formatted every frame, and the
 * browser then needs no date library to draw the replay. Reading times and
 * zone arithmetic (parsing a jump, a day's bounds, offsets) stay with luxon
 * (domain/replay/jump.ts); nothing in the project does offset arithmetic by
 * hand. tests/unit/time.test.ts holds these to luxon's answers, DST
 * changes included.
 */

/** A fixed locale, so the server and every browser print the same names. */
const LOCALE = "en-GB";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string, shape: "time" | "seconds" | "date"): Intl.DateTimeFormat {
  const key = `${zone}|${shape}`;
  let format = formatters.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions =
      shape === "date"
        ? { timeZone: zone, day: "numeric", month: "long", year: "numeric" }
        : { timeZone: zone, hour: "2-digit", minute: "2-digit", ...(shape === "seconds" ? { second: "2-digit" } : {}), hourCycle: "h23" };
    format = new Intl.DateTimeFormat(LOCALE, options);
    formatters.set(key, format);
  }
  return format;
}

/** "18:11:07" (withSeconds) or "18:11" in `zone`, 24-hour. */
export function wallClock(ms: number, zone: string, withSeconds: boolean): string {
  return formatter(zone, withSeconds ? "seconds" : "time").format(ms);
}

/** "18:11" in `zone`. */
export function clockTime(iso: string, zone: string): string {
  return wallClock(Date.parse(iso), zone, false);
}

/** "16 July 2018" in `zone`. */
export function longDate(iso: string, zone: string): string {
  return formatter(zone, "date").format(Date.parse(iso));
}

/**
 * A readable label for a zone: the city of an IANA zone ("Europe/Helsinki" →
 * "Helsinki"), or the name itself for "GMT"/"UTC". Abbreviations such as
 * EEST are not used: outside the US, Intl mostly renders them as "GMT+3".
 */
export function zoneLabel(zone: string): string {
  const city = zone.split("/").pop() ?? zone;
  return city.replaceAll("_", " ");
}
