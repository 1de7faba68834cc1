/**
 * Time-zone formatting for the UI. All zone work goes through luxon: no
 * hand-written offset arithmetic anywhere in the project.
 */
import { DateTime } from "luxon";

/** "18:11" in `zone`. */
export function clockTime(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone }).toFormat("HH:mm");
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

/** "16 July 2018" in `zone`. */
export function longDate(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone }).toFormat("d LLLL yyyy");
}
