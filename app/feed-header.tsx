/**
 * What every page about one feed shares: the feed as the replay view needs
 * it, and the masthead with the title and the data note.
 */
import type { FeedDetail } from "@/domain/feed";
import { longDate } from "@/domain/time";
import type { ReplayFeed } from "./_replay/feed";
import { Masthead } from "./masthead";

/** The feed as the replay view takes it; `version`: a class session's, which its whole feed is read at. */
export function toReplayFeed(feed: FeedDetail, version?: string): ReplayFeed {
  // Entries are not included: the replay shows each one when its time comes.
  const source = `/api/feeds/${feed.slug}`;
  return {
    slug: feed.slug,
    source: version === undefined ? source : `${source}?version=${encodeURIComponent(version)}`,
    title: feed.title,
    eventDate: feed.eventDate,
    publishedZone: feed.publishedZone,
    eventZone: feed.eventZone,
    coverageStart: feed.coverageStart,
    cards: feed.cards,
    notes: feed.notes,
    // Stored with the feed (seeded from data/key-moments.json, edited in the library).
    keyMoments: feed.keyMoments.map((moment) => ({ label: moment.label, at: Date.parse(moment.at) })),
    pauseKeys: feed.pauseKeys,
  };
}

export function FeedHeader({ feed, context }: { feed: FeedDetail; context?: string }) {
  return (
    <>
      <Masthead>
        {feed.outlet} · {longDate(feed.coverageStart, feed.eventZone)}
        {context && <> · {context}</>}
      </Masthead>
      <h1 className="feed-title">{feed.title}</h1>
      {feed.notes.length > 0 && (
        // One line until opened: on a phone the clock and the newest update come first.
        <aside aria-label="About this data">
          <details className="data-note">
            <summary>
              <strong>About this feed&apos;s data</strong> ({feed.notes.length === 1 ? "1 note" : `${feed.notes.length} notes`})
            </summary>
            <p className="data-note-text">{feed.notes.map((note) => note.message).join(" ")}</p>
          </details>
        </aside>
      )}
    </>
  );
}
