/**
 * Parses what a user types into a "jump to" box or a `?t=` parameter into an instant, and formats
 * an instant back for a shareable link. All zone work goes through luxon.
 *
 * One rule for a bare time: a time of day without a zone or offset ("18:11", "6:11 pm") is read in
 * the feed's eventZone, the zone the replay's big clock shows, on the feed's eventDate there. So a
 * time read off the clock and typed back lands exactly there. Links the app writes always carry an
 * offset (formatForUrl), so they never depend on this rule.
 */
import { DateTime, Info, type Zone } from "luxon";
import { zoneLabel } from "../time";

export interface JumpFeed {
  /** yyyy-MM-dd, the day the coverage took place. */
  eventDate: string;
  /** The zone the blog published its times in (e.g. "GMT"), shown beside the event's. */
  publishedZone: string;
  /** The zone of the event itself (e.g. "Europe/Helsinki"), shown by the big clock. Bare times are read in it. */
  eventZone: string;
}

/** `bare`: the input was a time of day without a zone or offset, so it was read in the event zone. */
export type JumpResult = { ok: true; ms: number; bare: boolean } | { ok: false; reason: string };

export const JUMP_INPUT_MAX = 100;

/** Place names that are not (the last part of) an IANA zone, or that we want to pin. */
const PLACE_ALIASES: Readonly<Record<string, string>> = {
  helsinki: "Europe/Helsinki",
  moscow: "Europe/Moscow",
  washington: "America/New_York",
  "washington dc": "America/New_York",
  "washington d.c.": "America/New_York",
  "new york": "America/New_York",
  nyc: "America/New_York",
  london: "Europe/London",
  gmt: "GMT",
  utc: "UTC",
  z: "UTC",
  zulu: "UTC",
};

const LOCAL_WORDS = new Set(["local", "local time", "my time", "mine", "my zone", "here", "system", "default"]);

let cityIndex: Map<string, string> | null = null;

/** "tokyo" → "Asia/Tokyo", "new york" → "America/New_York", from the runtime's zone list. */
function cityZone(place: string): string | undefined {
  if (cityIndex === null) {
    cityIndex = new Map();
    const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
    for (const zone of zones) {
      const city = zone.split("/").pop();
      if (!city) continue;
      const key = city.replaceAll("_", " ").toLowerCase();
      if (!cityIndex.has(key)) cityIndex.set(key, zone);
    }
  }
  return cityIndex.get(place);
}

function usableZone(name: string): Zone | null {
  const zone = Info.normalizeZone(name);
  if (!zone || !zone.isValid) return null;
  // normalizeZone maps "local"/"system"/"default" to the machine's zone: never wanted here.
  if (zone.type !== "iana" && zone.type !== "fixed") return null;
  return zone;
}

function localNotSupported(word: string): string {
  return `local time ("${word}") is not supported: name a place (e.g. Helsinki) or a zone (e.g. Europe/Helsinki)`;
}

/** Resolves a place or zone word; a string reason when it cannot. */
function resolveZone(word: string): Zone | string {
  let place = word.trim().replace(/\s+/g, " ");
  if (LOCAL_WORDS.has(place.toLowerCase())) return localNotSupported(place);
  place = place.replace(/^in\s+/i, "").replace(/\s+time$/i, "").trim();
  const lower = place.toLowerCase();
  if (LOCAL_WORDS.has(lower)) return localNotSupported(place);
  const alias = PLACE_ALIASES[lower];
  if (alias !== undefined) return usableZone(alias) ?? `unknown place "${place}"`;
  // "GMT+3" → luxon's "UTC+3" (a fixed offset, parsed by luxon, not by hand).
  const fixed = /^(?:gmt|utc)\s*([+-]\d{1,2}(?::\d{2})?)$/i.exec(lower);
  if (fixed) return usableZone(`UTC${fixed[1]}`) ?? `unknown offset "${place}"`;
  if (/^[a-z_+\-/0-9]+$/i.test(place) && place.includes("/")) {
    const zone = usableZone(place);
    if (zone) return zone;
    return `unknown zone "${place}"`;
  }
  const city = cityZone(lower);
  if (city !== undefined) {
    const zone = usableZone(city);
    if (zone) return zone;
  }
  // Other single-word IANA names and links ("EST", "Japan", "CET").
  if (/^[a-z][a-z0-9_+-]*$/i.test(place)) {
    const zone = usableZone(place);
    if (zone) return zone;
  }
  return `unknown place "${place}"`;
}

const ISO_START = /^\d{4}-\d{2}-\d{2}(?:[T\s]|$)/i;
const ISO_OFFSET = /(?:z|[+-]\d{2}(?::?\d{2})?)$/i;

function parseIso(input: string): JumpResult {
  if (/^\d{4}-\d{2}-\d{2}$/.test(input)) {
    return { ok: false, reason: `"${input}" is a date without a time: add one, e.g. ${input}T15:11Z` };
  }
  const iso = input.replace(/^(\d{4}-\d{2}-\d{2})\s+/, "$1T");
  if (!ISO_OFFSET.test(iso)) {
    return {
      ok: false,
      reason: `"${input}" has no time zone, so it is ambiguous: add Z (UTC) or an offset such as +03:00`,
    };
  }
  const dt = DateTime.fromISO(iso, { setZone: true });
  if (!dt.isValid) return { ok: false, reason: `"${input}" is not a valid ISO 8601 date and time` };
  return { ok: true, ms: dt.toMillis(), bare: false };
}

// 15:11, 15.11, 15:11:30, 1511, 3:11 pm, 3pm, 3 p.m. — then an optional place or zone.
const TIME_OF_DAY =
  /^(?:(?<hh>\d{2})(?<mm>\d{2})|(?<h>\d{1,2})(?:[:.](?<m>\d{2})(?::(?<s>\d{2}))?)?)(?!\d)(?:\s*(?<ampm>[ap])\.?\s?m\.?(?![a-z]))?(?<rest>|\s.*|z)$/i;

function parseTimeOfDay(input: string, feed: JumpFeed): JumpResult {
  const match = TIME_OF_DAY.exec(input);
  const g = match?.groups;
  if (!match || !g) {
    return { ok: false, reason: `"${input}" is not a time: try 18:11, 6:11 pm, "15:11 GMT" or an ISO time with Z` };
  }
  const ampm = g.ampm?.toLowerCase();
  const timeText = input.slice(0, input.length - (g.rest ?? "").length).trim();
  const rest = (g.rest ?? "").trim();

  let hour = Number(g.h ?? g.hh);
  const minuteText = g.m ?? g.mm;
  const minute = minuteText === undefined ? 0 : Number(minuteText);
  const second = g.s === undefined ? 0 : Number(g.s);
  if (minuteText === undefined && ampm === undefined) {
    return { ok: false, reason: `"${timeText}" needs minutes, e.g. ${hour}:00, or am/pm` };
  }
  if (ampm !== undefined) {
    if (g.hh !== undefined || hour < 1 || hour > 12) {
      return { ok: false, reason: `"${timeText}" is not a 12-hour time of day` };
    }
    hour = (hour % 12) + (ampm === "p" ? 12 : 0);
  }
  if (hour > 23 || minute > 59 || second > 59) {
    return { ok: false, reason: `"${timeText}" is not a time of day` };
  }

  let zone: Zone;
  const bare = rest === "";
  if (bare) {
    // The one rule for a bare time: the zone the big clock shows.
    const event = usableZone(feed.eventZone);
    if (!event) return { ok: false, reason: `the feed's zone "${feed.eventZone}" is not valid` };
    zone = event;
  } else {
    const resolved = resolveZone(rest);
    if (typeof resolved === "string") return { ok: false, reason: resolved };
    zone = resolved;
  }

  const day = DateTime.fromISO(feed.eventDate, { zone });
  if (!day.isValid) return { ok: false, reason: `the feed's date "${feed.eventDate}" is not valid` };
  const dt = DateTime.fromObject(
    { year: day.year, month: day.month, day: day.day, hour, minute, second },
    { zone },
  );
  if (!dt.isValid) return { ok: false, reason: `"${input}" is not a valid time` };
  if (dt.hour !== hour || dt.minute !== minute) {
    return { ok: false, reason: `${timeText} did not exist on ${feed.eventDate} in ${zone.name} (clocks changed)` };
  }
  return { ok: true, ms: dt.toMillis(), bare };
}

/**
 * "18:11", "18.11", "1811", "6:11 pm", "6 pm", each optionally followed by a place or zone
 * ("18:11 Helsinki", "11:11 Washington", "15:11 GMT", "18:11 Europe/Helsinki"), or an ISO 8601
 * date-time with Z or an offset. A time of day is taken on the feed's eventDate in the given zone;
 * without one, in the feed's eventZone (the big clock's zone). Never throws.
 */
export function parseJumpTime(input: string, feed: JumpFeed): JumpResult {
  try {
    if (typeof input !== "string") return { ok: false, reason: "type a time, e.g. 18:11" };
    const text = input.trim();
    if (text === "") return { ok: false, reason: "type a time, e.g. 18:11" };
    if (text.length > JUMP_INPUT_MAX) return { ok: false, reason: `too long (at most ${JUMP_INPUT_MAX} characters)` };
    if (ISO_START.test(text)) return parseIso(text);
    return parseTimeOfDay(text, feed);
  } catch {
    return { ok: false, reason: `"${String(input).trim().slice(0, JUMP_INPUT_MAX)}" could not be read as a time` };
  }
}

/**
 * For "copy link to this moment": an ISO 8601 date-time with the event zone's offset, e.g.
 * "2018-07-16T18:11+03:00" (seconds and milliseconds only when not zero). Never a bare time, so a
 * link means the same moment whatever rule reads it. parseJumpTime(formatForUrl(ms, feed), feed)
 * gives back ms (to the whole millisecond).
 */
export function formatForUrl(ms: number, feed: JumpFeed): string {
  if (!Number.isFinite(ms)) throw new RangeError(`formatForUrl needs a finite instant, got ${ms}`);
  const zone = usableZone(feed.eventZone) ?? "utc";
  const iso = DateTime.fromMillis(Math.round(ms), { zone }).toISO({ suppressMilliseconds: true, suppressSeconds: true });
  if (iso === null) throw new RangeError(`formatForUrl: ${ms} is out of range`);
  return iso;
}

/**
 * What a jump landed on, in the big clock's zone and the blog's: "18:11 Helsinki = 15:11 GMT"
 * (seconds when not zero; the date when it is not the feed's eventDate in that zone).
 */
export function describeJump(ms: number, feed: JumpFeed): string {
  const at = (zoneName: string) => {
    const zone = usableZone(zoneName) ?? "utc";
    const dt = DateTime.fromMillis(Math.round(ms), { zone });
    const time = dt.toFormat(dt.second === 0 && dt.millisecond === 0 ? "HH:mm" : "HH:mm:ss");
    const day = dt.toISODate() === feed.eventDate ? "" : ` on ${dt.toFormat("d LLLL")}`;
    return `${time} ${zoneLabel(zoneName)}${day}`; // labelled as the clock labels its zone
  };
  const event = at(feed.eventZone);
  const published = at(feed.publishedZone);
  return event === published ? event : `${event} = ${published}`;
}

/**
 * What a jump read, for the jump box's hint: "18:11 Helsinki = 15:11 GMT", and for a time typed
 * without a zone, the rule that placed it: such a time is the big clock's (the event's) time.
 */
export function jumpStatement(parsed: Extract<JumpResult, { ok: true }>, feed: JumpFeed): string {
  const landed = describeJump(parsed.ms, feed);
  return parsed.bare ? `${landed} · a time without a zone is ${zoneLabel(feed.eventZone)} time` : landed;
}
