"use client";

/**
 * Finding your way without spoilers: the search (search-box.tsx), the "Key
 * events only" filter of the list (key-events.ts says which), and the key
 * moments as a list, each a jump to its moment.
 */
import { memo } from "react";
import type { FeedCard } from "@/domain/feed";
import type { ProtocolEntry } from "@/domain/protocol";
import type { Timeline } from "@/domain/replay/clock";
import { clockTime, zoneLabel } from "@/domain/time";
import type { ReplayFeed } from "./feed";
import { SearchBox } from "./search-box";
import type { SimClock } from "./sim-clock";
import button from "../button.module.css";
import styles from "./find.module.css";

interface Props {
  feed: ReplayFeed;
  entries: ProtocolEntry[];
  timeline: Timeline;
  cards: FeedCard[];
  revealed: ReadonlySet<string>;
  clock: SimClock;
  lookAhead: boolean;
  keyOnly: boolean;
  toggleKeyOnly: () => void;
  onPickEntry: (key: string, publishedAt: string) => void;
  onPickCard: (id: string) => void;
  onSeek: (ms: number) => void;
}

export const FindBar = memo(function FindBar(props: Props) {
  const { feed, keyOnly } = props;
  return (
    <section className={styles.bar} aria-label="Find">
      <SearchBox
        slug={feed.slug}
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
      <button type="button" className={button.button} aria-pressed={keyOnly} onClick={props.toggleKeyOnly} title="Only the key moments and the entries the teacher marked">
        Key events only
      </button>
      {feed.keyMoments.length > 0 && (
        <details className={styles.moments} data-testid="key-moments">
          <summary>Key moments ({feed.keyMoments.length})</summary>
          <ol>
            {feed.keyMoments.map((moment) => (
              <li key={`${moment.at}:${moment.label}`}>
                <button type="button" onClick={() => props.onSeek(moment.at)}>
                  {clockTime(new Date(moment.at).toISOString(), feed.eventZone)} {zoneLabel(feed.eventZone)} · {moment.label}
                </button>
              </li>
            ))}
          </ol>
        </details>
      )}
    </section>
  );
});
