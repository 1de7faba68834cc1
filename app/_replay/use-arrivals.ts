"use client";

/**
 * Which entries have just arrived, for their highlight and the screen
 * reader's announcement. What was published before the moment the page
 * opened at does not "arrive", even if its text comes later; nor does
 * anything while the scrubber previews another moment.
 */
import { useEffect, useRef, useState } from "react";
import type { ProtocolEntry } from "@/domain/protocol";
import { entriesShownAt, type Timeline } from "@/domain/replay/clock";
import { useSimValue, type SimClock } from "./sim-clock";

/** How long a new entry stays highlighted, in wall time. */
const FRESH_MS = 4000;

export interface Arrivals {
  /** Entries shown on the session's clock (not the preview's). */
  shownCount: number;
  /** Ids of the entries highlighted as new. */
  fresh: ReadonlySet<string>;
  announcement: string;
}

const NONE: ReadonlySet<string> = new Set();

export function useArrivals(entries: ProtocolEntry[] | undefined, timeline: Timeline | undefined, clock: SimClock): Arrivals {
  const shownCount = useSimValue(clock, (c) => (entries && timeline && c.sim !== undefined ? Math.min(entries.length, entriesShownAt(timeline, c.sim)) : 0));
  const previewing = useSimValue(clock, (c) => c.preview !== null);
  const [fresh, setFresh] = useState(NONE);
  const [announcement, setAnnouncement] = useState("");
  const lastShown = useRef(0);
  const openedAt = useRef<number | undefined>(undefined);
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());
  useEffect(() => {
    const pending = timers.current;
    return () => pending.forEach(clearTimeout);
  }, []);

  useEffect(() => {
    const sim = clock.sim;
    if (!entries || !timeline || previewing || sim === undefined) return;
    const opened = (openedAt.current ??= sim);
    const from = lastShown.current;
    lastShown.current = shownCount;
    const added = entries.slice(from, shownCount).filter((_, i) => timeline.entryTimes[from + i]! > opened);
    if (added.length === 0) return;
    setAnnouncement(`${added.length === 1 ? "New update" : `${added.length} new updates`}: ${added.at(-1)!.title}`);
    const ids = added.map((entry) => entry.id);
    setFresh((previous) => new Set([...previous, ...ids]));
    // Unhighlighted by a timer: nothing else re-renders the list while no entry falls due.
    const timer = setTimeout(() => {
      timers.current.delete(timer);
      setFresh((previous) => new Set([...previous].filter((id) => !ids.includes(id))));
    }, FRESH_MS);
    timers.current.add(timer);
  }, [shownCount, entries, timeline, previewing, clock]);

  return { shownCount, fresh, announcement };
}
