/**
 * A feed as the replay engine uses it: entries in replay order, their times,
 * and the card ids. Loaded once per feed and shared by its sessions.
 */
import type { ProtocolEntry } from "../../domain/protocol";
import type { Timeline } from "../../domain/replay/clock";
import type { FeedRepository } from "../feeds/feed-repository";

export interface FeedTimeline {
  id: string;
  slug: string;
  eventDate: string;
  publishedZone: string;
  eventZone: string;
  timeline: Timeline;
  entries: ProtocolEntry[];
  /** entries[i].key, for the pause-point rule. */
  entryKeys: string[];
  cardIds: Set<string>;
  defaultPins: string[];
}

export class FeedTimelines {
  private readonly cache = new Map<string, Promise<FeedTimeline | undefined>>();

  constructor(
    private readonly feeds: FeedRepository,
    private readonly feedId: (slug: string) => Promise<string | undefined>,
  ) {}

  get(slug: string): Promise<FeedTimeline | undefined> {
    let loaded = this.cache.get(slug);
    if (!loaded) {
      loaded = this.load(slug);
      this.cache.set(slug, loaded);
      // A failed load (database down) must not be remembered.
      loaded.then(
        (feed) => feed ?? this.cache.delete(slug),
        () => this.cache.delete(slug),
      );
    }
    return loaded;
  }

  private async load(slug: string): Promise<FeedTimeline | undefined> {
    const [feed, id] = await Promise.all([this.feeds.get(slug), this.feedId(slug)]);
    if (!feed || !id) return undefined;
    // What a client receives: the entry without its place on the source page.
    const entries: ProtocolEntry[] = feed.entries.map(({ pagePosition: _pagePosition, ...entry }) => entry);
    return {
      id,
      slug: feed.slug,
      eventDate: feed.eventDate,
      publishedZone: feed.publishedZone,
      eventZone: feed.eventZone,
      timeline: {
        start: Date.parse(feed.coverageStart),
        end: Date.parse(feed.coverageEnd),
        entryTimes: entries.map((entry) => Date.parse(entry.publishedAt)),
      },
      entries,
      entryKeys: entries.map((entry) => entry.key),
      cardIds: new Set(feed.cards.map((card) => card.id)),
      defaultPins: feed.cards.filter((card) => card.pinnedByDefault).map((card) => card.id),
    };
  }
}
