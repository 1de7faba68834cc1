"use client";

/**
 * Finding your way without spoilers: the search (search-box.tsx), the "Key
 * events only" filter of the list (key-events.ts says which), and the key
 * moments as a list, each a jump to its moment.
 */
import { memo } from "react";
import { clockTime, zoneLabel } from "@/domain/time";
import type { ReplayFeed } from "./feed";
import { SearchBox, type SearchProps } from "./search-box";
import button from "../button.module.css";
import styles from "./find.module.css";

/** The search's own props (but the feed's source and zone, taken from `feed`), and the filter's. */
type Props = Omit<SearchProps, "source" | "eventZone"> & {
  feed: ReplayFeed;
  keyOnly: boolean;
  toggleKeyOnly: () => void;
  onSeek: (ms: number) => void;
  /** On a phone the bar is folded away (the first screen is the clock and the newest update) until the controls' Search opens it. */
  open: boolean;
};

export const FindBar = memo(function FindBar(props: Props) {
  const { feed, keyOnly } = props;
  return (
    <section className={props.open ? `${styles.bar} ${styles.open}` : styles.bar} aria-label="Find">
      <SearchBox
        source={feed.source}
        eventZone={feed.eventZone}
        entries={props.entries}
        timeline={props.timeline}
        cards={props.cards}
        revealed={props.revealed}
        clock={props.clock}
        lookAhead={props.lookAhead}
        onPickEntry={props.onPickEntry}
        onPickCard={props.onPickCard}
      />
      {/* One row beside the search; it opens over the list. */}
      <details className={styles.moments} data-testid="key-moments">
        <summary className={button.button}>Key events{keyOnly ? " · on" : ""}</summary>
        <div className={styles.momentsBox}>
          <button type="button" className={button.button} aria-pressed={keyOnly} onClick={props.toggleKeyOnly}>
            Key events only
          </button>
          <p className={styles.count}>Only the key moments&apos; updates and those the teacher marked.</p>
          {feed.keyMoments.length > 0 && (
            <ol aria-label="Key moments">
              {feed.keyMoments.map((moment) => (
                <li key={`${moment.at}:${moment.label}`}>
                  <button type="button" onClick={() => props.onSeek(moment.at)}>
                    {clockTime(new Date(moment.at).toISOString(), feed.eventZone)} {zoneLabel(feed.eventZone)} · {moment.label}
                  </button>
                </li>
              ))}
            </ol>
          )}
        </div>
      </details>
    </section>
  );
});
