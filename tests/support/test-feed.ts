/** A small feed for room-logic tests: an entry every 7 minutes for 6 hours, so clock changes move the cursor. */
import type { ProtocolEntry } from "@/domain/protocol";
import type { FeedTimeline, FeedTimelines } from "@/server/replay/feed-timeline";

const MIN = 60_000;
/** The first entry: 2018-07-16 09:00 GMT. */
export const FIRST = Date.UTC(2018, 6, 16, 9, 0);

export function spacedFeed(slug: string, cardIds: string[] = ["card-a"]): FeedTimeline {
  const entries: ProtocolEntry[] = Array.from({ length: 52 }, (_, i) => ({
    id: `e${i}`,
    key: `k${i}`,
    publishedAt: new Date(FIRST + i * 7 * MIN).toISOString(),
    kind: "text",
    title: `Entry ${i}`,
    body: "",
    photoCaption: null,
    photoCredit: null,
    videoTitle: null,
  }));
  const entryTimes = entries.map((entry) => Date.parse(entry.publishedAt));
  return {
    id: "feed-1",
    slug,
    version: "v1",
    eventDate: "2018-07-16",
    publishedZone: "GMT",
    eventZone: "Europe/Helsinki",
    timeline: { start: entryTimes[0]!, end: entryTimes.at(-1)!, entryTimes },
    entries,
    entryKeys: entries.map((entry) => entry.key),
    cardIds: new Set(cardIds),
    defaultPins: [],
    detail: () => JSON.stringify({ slug, entries }),
  };
}

/** A library of this one feed, in one version, for the session manager of room-logic tests. */
export function libraryOf(feed: FeedTimeline): Pick<FeedTimelines, "get" | "at" | "keep"> {
  const find = async (slug: string) => (slug === feed.slug ? feed : undefined);
  return { get: find, at: find, keep: async () => undefined };
}
