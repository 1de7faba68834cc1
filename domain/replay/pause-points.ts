/**
 * Where a playing session stops by itself, from its pause mode: the one rule,
 * used by the server's commands and by a solo client predicting its own.
 */
import type { SessionSettings } from "../protocol";
import type { Timeline } from "./clock";

/** A marked entry's pause point is this much simulated time before it, so the class can guess what comes next. */
export const PAUSE_BEFORE_MS = 1;

/**
 * Simulated instants where playback stops by itself. `keys` are the entry keys
 * in replay order as far as they are known; "marked" needs them all, and the
 * answer is undefined while some are missing (a client that holds only the
 * entries published so far cannot tell where the next marked one is).
 */
export function pausePoints(settings: Pick<SessionSettings, "pauseOn" | "markedEntryKeys">, timeline: Timeline, keys: readonly string[]): number[] | undefined {
  switch (settings.pauseOn) {
    case "off":
      return [];
    case "every":
      return timeline.entryTimes;
    case "marked": {
      if (settings.markedEntryKeys.length === 0) return [];
      if (keys.length < timeline.entryTimes.length) return undefined;
      const marked = new Set(settings.markedEntryKeys);
      return keys.flatMap((key, index) => (marked.has(key) ? [timeline.entryTimes[index]! - PAUSE_BEFORE_MS] : []));
    }
    default: {
      const exhaustive: never = settings.pauseOn;
      return exhaustive;
    }
  }
}
