"use client";

/**
 * The search's results, in their own chunk (lazy-parts.tsx): loaded when the
 * viewer first types. What may be found is domain/replay/search.ts's rule;
 * this renders when the query changes, an entry falls due or a card unlocks.
 */
import { useMemo } from "react";
import { cardLockClock } from "@/domain/card-logic";
import { entriesShownAt } from "@/domain/replay/clock";
import { searchReplay, type Range } from "@/domain/replay/search";
import { clockTime, zoneLabel } from "@/domain/time";
import { useFeedEntries } from "./full-feed";
import type { SearchProps } from "./search-box";
import { useSimValue } from "./sim-clock";
import styles from "./find.module.css";

export function SearchResults({ source, eventZone, entries, timeline, cards, revealed, clock, lookAhead, onPickEntry, onPickCard, query }: SearchProps & { query: string }) {
  const published = useSimValue(clock, (c) => (c.sim === undefined ? 0 : entriesShownAt(timeline, c.sim)));
  const lockClock = useSimValue(clock, (c) => cardLockClock(cards, c.sim ?? Number.NaN));
  const wholeFeed = useFeedEntries(source, lookAhead);
  const searched = lookAhead && wholeFeed ? wholeFeed : entries;
  const result = useMemo(
    () => searchReplay({ entries: searched, publishedCount: Math.min(published, searched.length), cards, revealedCards: revealed, sim: lockClock, query, lookAhead }),
    [searched, published, cards, revealed, lockClock, query, lookAhead],
  );

  return (
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
  );
}

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
