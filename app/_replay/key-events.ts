/**
 * "Key events only": the entries that open each key moment (the first
 * published at or after it) and those the teacher marked to pause on.
 */
import { lowerBound, type Timeline } from "@/domain/replay/clock";
import type { KeyMoment } from "./scrubber-math";

export function keyEntryKeys(entries: ReadonlyArray<{ key: string }>, timeline: Timeline, keyMoments: readonly KeyMoment[], marked: readonly string[]): Set<string> {
  const keys = new Set(marked);
  for (const moment of keyMoments) {
    const index = lowerBound(timeline.entryTimes, moment.at);
    const entry = entries[index];
    if (entry) keys.add(entry.key);
  }
  return keys;
}
