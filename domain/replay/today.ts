/**
 * "Today's clock": history played on today's time of day. The moment shown is
 * now's wall time in the event's zone, on the event day: at 13:47 Helsinki
 * time today, 13:47 on the day. It depends on now and the feed alone, so a
 * reload finds the same mapping. Luxon does the zone work (a wall time that a
 * DST change skips on the event day moves forward, as luxon sets it).
 */
import { DateTime } from "luxon";

export function todayOnEventDay(nowMs: number, eventZone: string, eventDate: string): number {
  const day = DateTime.fromFormat(eventDate, "yyyy-MM-dd", { zone: eventZone });
  if (!day.isValid) throw new Error(`not an event date: ${eventDate}`);
  return DateTime.fromMillis(nowMs, { zone: eventZone }).set({ year: day.year, month: day.month, day: day.day }).toMillis();
}

/** Where today's clock stands against the coverage: before it (counting down), in it, or past its end. */
export type TodayPhase = { phase: "before"; startsInMs: number } | { phase: "during" } | { phase: "after" };

export function todayPhase(mappedMs: number, coverage: { start: number; end: number }): TodayPhase {
  if (mappedMs < coverage.start) return { phase: "before", startsInMs: coverage.start - mappedMs };
  if (mappedMs > coverage.end) return { phase: "after" };
  return { phase: "during" };
}
