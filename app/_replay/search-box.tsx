"use client";

/**
 * "Search this replay": what the viewer may already see (domain/replay/search.ts
 * keeps to it), results highlighted, each one a jump to its entry or card.
 * The presenter's search looks ahead too; those results are marked, and the
 * console is the only screen that shows them. The results (search-results.tsx)
 * load with the first query; the field renders only when the query changes.
 */
import { memo, useDeferredValue, useState } from "react";
import type { FeedCard } from "@/domain/feed";
import type { ProtocolEntry } from "@/domain/protocol";
import type { Timeline } from "@/domain/replay/clock";
import { SearchResults } from "./lazy-parts";
import type { SimClock } from "./sim-clock";
import styles from "./find.module.css";

/** The search field's id: "/" focuses it (use-key-map.ts). */
export const SEARCH_INPUT_ID = "replay-search";

export interface SearchProps {
  /** The whole feed's address (ReplayFeed.source), for the console's look ahead. */
  source: string;
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

export const SearchBox = memo(function SearchBox(props: SearchProps) {
  const [query, setQuery] = useState("");
  const deferred = useDeferredValue(query);
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
      {searching && <SearchResults {...props} query={deferred} />}
    </div>
  );
});
