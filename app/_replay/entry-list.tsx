"use client";

/**
 * The updates published so far, newest first (or oldest), in the zone the
 * viewer picked. Renders when an entry falls due, a setting changes or the
 * scrubber previews another count, never because time passes. While the
 * reader is scrolled down, new entries wait behind a "new updates" button.
 */
import { memo, useDeferredValue, useEffect, useMemo, useRef, useState } from "react";
import type { ProtocolEntry } from "@/domain/protocol";
import { entriesShownAt, type Timeline } from "@/domain/replay/clock";
import { EntryView } from "./entry-view";
import type { ReplayFeed } from "./feed";
import { useFeedEntries } from "./full-feed";
import type { CardMentionFinder } from "./marked-text";
import { useRenderCount } from "./render-count";
import { useSimValue, type SimClock } from "./sim-clock";
import button from "../button.module.css";
import styles from "./entry-list.module.css";

/** Entries rendered at once; older ones behind a button (a 10,000-entry feed stays fast). */
const LIST_PAGE = 100;
/** Entries rendered while the scrubber is dragged. */
const PREVIEW_PAGE = 12;
/** Scrolled further than this from the top, the list holds still. */
const HOLD_SCROLL_PX = 400;

interface Props {
  feed: ReplayFeed;
  /** The entries received so far, in replay order. */
  entries: ProtocolEntry[];
  timeline: Timeline;
  clock: SimClock;
  /** On the projector the latest entry is featured above the list, not repeated in it. */
  projector: boolean;
  displayZone: string;
  oldestFirst: boolean;
  fresh: ReadonlySet<string>;
  finder: CardMentionFinder;
  onOpenCard: (cardId: string) => void;
  /** "Key events only": the keys of the entries to list; null lists all. */
  only: ReadonlySet<string> | null;
  /** The entry a link or a search result points at, highlighted and scrolled to. */
  highlightKey: string | undefined;
  /** What the list says while nothing is published: only who drives the clock is told to press Play. */
  emptyText: string;
}

export const EntryList = memo(function EntryList({ feed, entries, timeline, clock, projector, displayZone, oldestFirst, fresh, finder, onOpenCard, only, highlightKey, emptyText }: Props) {
  useRenderCount("entry-list");
  const liveCount = useSimValue(clock, (c) => (c.sim === undefined ? 0 : Math.min(entries.length, entriesShownAt(timeline, c.sim))));
  // Deferred: while the scrubber is dragged, the thumb moves at once and the list follows in an
  // interruptible render, so a 10,000-entry feed never makes the pointer wait for the list.
  const preview = useDeferredValue(useSimValue(clock, (c) => (c.preview === null ? null : entriesShownAt(timeline, c.preview))));
  const [previewed, setPreviewed] = useState(false);
  if (preview !== null && !previewed) setPreviewed(true);
  // The whole feed, fetched on the first scrubber drag, so the preview can show entries not yet sent.
  const allEntries = useFeedEntries(feed.source, previewed);
  const [listLimit, setListLimit] = useState(LIST_PAGE);
  /** While the reader is scrolled away from the top, the list is held at this many entries. */
  const [heldAt, setHeldAt] = useState<number | null>(null);
  const lastShown = useRef(liveCount);
  useEffect(() => {
    lastShown.current = liveCount;
  }, [liveCount]);

  useEffect(() => {
    const onScroll = () => {
      const away = window.scrollY > HOLD_SCROLL_PX;
      setHeldAt((held) => (away ? (held ?? lastShown.current) : null));
    };
    window.addEventListener("scroll", onScroll, { passive: true });
    return () => window.removeEventListener("scroll", onScroll);
  }, []);

  const noteByEntry = useMemo(() => new Map(feed.notes.flatMap((note) => note.entryKeys.map((key) => [key, note.message] as const))), [feed.notes]);

  const previewing = preview !== null;
  const shownCount = previewing ? Math.min(entries.length, preview) : liveCount;
  const source = previewing && allEntries ? allEntries : entries;
  const previewCount = previewing && allEntries ? preview : shownCount;
  const listCount = heldAt !== null && !oldestFirst && !previewing ? Math.min(heldAt, shownCount) : previewCount;
  const visible = source.slice(0, listCount);
  const unfiltered = projector ? visible.slice(0, -1) : visible;
  const listed = only ? unfiltered.filter((entry) => only.has(entry.key)) : unfiltered;
  // While the scrubber is dragged the list changes at every step: render only what a screen can show.
  const limit = previewing ? Math.min(listLimit, PREVIEW_PAGE) : listLimit;
  const ordered = oldestFirst ? listed.slice(0, limit) : listed.slice(Math.max(0, listed.length - limit)).reverse();
  const hiddenEarlier = listed.length - ordered.length;
  const waiting = shownCount - listCount;

  return (
    <div>
      {waiting > 0 && (
        <button
          type="button"
          className={`${styles.newUpdates} new-updates`}
          onClick={() => {
            setHeldAt(null);
            window.scrollTo({ top: 0, behavior: matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth" });
          }}
        >
          {waiting === 1 ? "1 new update" : `${waiting} new updates`} ↑
        </button>
      )}
      <ol className={styles.entries} data-testid="entries">
        {ordered.map((entry) => (
          <EntryView
            key={entry.id}
            entry={entry}
            eventZone={displayZone}
            publishedZone={feed.publishedZone}
            note={noteByEntry.get(entry.key)}
            fresh={fresh.has(entry.id)}
            clock={clock}
            finder={finder}
            onOpenCard={onOpenCard}
            linkSlug={feed.slug}
            highlighted={entry.key === highlightKey}
          />
        ))}
        {visible.length === 0 && <li className={styles.empty}>{emptyText}</li>}
        {visible.length > 0 && listed.length === 0 && only && <li className={styles.empty}>No key event published yet.</li>}
      </ol>
      {hiddenEarlier > 0 && !previewing && (
        <button type="button" className={`${button.button} ${styles.showMore}`} onClick={() => setListLimit((limit) => limit + LIST_PAGE)}>
          Show {Math.min(hiddenEarlier, LIST_PAGE)} more of {hiddenEarlier} {oldestFirst ? "later" : "earlier"} updates
        </button>
      )}
    </div>
  );
});
