"use client";

/**
 * "Search this replay": what the viewer may already see (domain/replay/search.ts
 * keeps to it), results highlighted, each one a jump to its entry or card.
 * The presenter's search looks ahead too; those results are marked, and the
 * console is the only screen that shows them. Renders when the query changes,
 * an entry falls due or a card unlocks, never because time passes.
 */
import { memo, useDeferredValue, useMemo, useState } from "react";
import { cardLockClock } from "@/domain/card-logic";
import type { FeedCard } from "@/domain/feed";
import type { ProtocolEntry } from "@/domain/protocol";
import { entriesShownAt, type Timeline } from "@/domain/replay/clock";
import { searchReplay, type Range } from "@/domain/replay/search";
import { clockTime, zoneLabel } from "@/domain/time";
import { useFeedEntries } from "./full-feed";
import { useSimValue, type SimClock } from "./sim-clock";
import styles from "./find.module.css";

/** The search field's id: "/" focuses it (use-key-map.ts). */
export const SEARCH_INPUT_ID = "replay-search";

interface Props {
  slug: string;
  eventZone: string;
  entries: ProtocolEntry[];
  timeline: Timeline;
  cards: FeedCard[];
  revealed: ReadonlySet<string>;
  clock: SimClock;
  /** The presenter's console: search the entries the class has not reached as well. */
  lookAhead: boolean;
  onPickEntry: (key: string, publishedAt: string) => void;
  onPickCard: (id: string) => void;
}

export const SearchBox = memo(function SearchBox({ slug, eventZone, entries, timeline, cards, revealed, clock, lookAhead, onPickEntry, onPickCard }: Props) {
  const [query, setQuery] = useState("");
  const deferred = useDeferredValue(query);
  const published = useSimValue(clock, (c) => (c.sim === undefined ? 0 : entriesShownAt(timeline, c.sim)));
  const lockClock = useSimValue(clock, (c) => cardLockClock(cards, c.sim ?? Number.NaN));
  const wholeFeed = useFeedEntries(slug, lookAhead && deferred.trim() !== "");
  const searched = lookAhead && wholeFeed ? wholeFeed : entries;
  const result = useMemo(
    () => searchReplay({ entries: searched, publishedCount: Math.min(published, searched.length), cards, revealedCards: revealed, sim: lockClock, query: deferred, lookAhead }),
    [searched, published, cards, revealed, lockClock, deferred, lookAhead],
  );
  const searching = deferred.trim() !== "";

  return (
    <div className={styles.search} role="search">
      <label htmlFor={SEARCH_INPUT_ID} className="visually-hidden">
        Search this replay
      </label>
      <input
        id={SEARCH_INPUT_ID}
        className={styles.field}
        type="search"
        placeholder="Search published updates (/)"
        value={query}
        autoComplete="off"
        onChange={(event) => setQuery(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            setQuery("");
            event.currentTarget.blur();
          }
        }}
      />
      {searching && (
        <div className={styles.results} data-testid="search-results">
          <p className={styles.count} role="status">
            {result.total === 0
              ? lookAhead
                ? "Nothing found, ahead or behind."
                : "Nothing published so far matches."
              : `${result.total} ${result.total === 1 ? "match" : "matches"}${result.total > result.matches.length ? `, the first ${result.matches.length} shown` : ""}`}
          </p>
          <ul>
            {result.matches.map((match) => (
              <li key={`${match.kind}:${match.id}`} className={match.ahead ? styles.ahead : undefined} data-testid="search-result">
                <button type="button" onClick={() => (match.kind === "entry" ? onPickEntry(match.id, match.at) : onPickCard(match.id))}>
                  <span className={styles.meta}>
                    {match.kind === "card" ? "Card" : `${clockTime(match.at, eventZone)} ${zoneLabel(eventZone)}`}
                    {match.ahead && <strong className={styles.aheadMark}> · ahead of the class</strong>}
                  </span>
                  <span className={styles.title}>
                    <Highlighted text={match.title} ranges={match.titleRanges} />
                  </span>
                  {match.snippet && (
                    <span className={styles.snippet}>
                      <Highlighted text={match.snippet} ranges={match.snippetRanges} />
                    </span>
                  )}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
});

/** The text with each range in a <mark> (as text nodes: feed content is never HTML). */
function Highlighted({ text, ranges }: { text: string; ranges: Range[] }) {
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start > at) parts.push(text.slice(at, start));
    parts.push(<mark key={start}>{text.slice(start, end)}</mark>);
    at = end;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}
