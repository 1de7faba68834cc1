/**
 * When a card unlocks, said the way a teacher reads the replay's clock: "shows from 14:05
 * Helsinki time", and where that falls among the updates. Pure; used by the card list and form.
 */
import { DateTime } from "luxon";
import { zoneLabel } from "@/domain/time";

export interface UnlockFeed {
  eventZone: string;
  coverageStart: string;
  coverageEnd: string;
  /** Replay order. */
  entries: ReadonlyArray<{ publishedAt: string; title: string }>;
}

export function describeUnlock(knownFrom: string, feed: UnlockFeed): string {
  const at = DateTime.fromISO(knownFrom, { setZone: true });
  if (!at.isValid) return "";
  const local = at.setZone(feed.eventZone);
  const when = `${local.toFormat("HH:mm")} ${zoneLabel(feed.eventZone)} time${local.toISODate() === DateTime.fromISO(feed.coverageStart, { zone: feed.eventZone }).toISODate() ? "" : `, ${local.toFormat("d LLL yyyy")}`}`;
  const ms = at.toMillis();
  if (ms <= Date.parse(feed.coverageStart)) return `Shows from ${when}: from the start of the replay.`;
  if (ms > Date.parse(feed.coverageEnd)) return `Shows from ${when}: after the last update, so it stays locked for the whole replay.`;
  const shown = feed.entries.filter((e) => Date.parse(e.publishedAt) <= ms).length;
  const last = feed.entries[shown - 1];
  return `Shows from ${when}: after update ${shown} of ${feed.entries.length}${last ? ` ("${last.title.length > 60 ? `${last.title.slice(0, 59)}…` : last.title}")` : ""}.`;
}

/** A date, a time and a zone as one ISO instant with the zone's offset, or undefined if they do not name one. */
export function instantFrom(date: string, time: string, zone: string): string | undefined {
  const local = DateTime.fromISO(`${date}T${time}`, { zone });
  if (!local.isValid) return undefined;
  // A time the clocks skipped (spring forward) is not a time anyone read on that day.
  if (local.toFormat("HH:mm") !== time.slice(0, 5)) return undefined;
  return local.toISO({ suppressMilliseconds: true }) ?? undefined;
}
