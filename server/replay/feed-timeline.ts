/**
 * A feed as the replay engine uses it: entries in replay order, their times,
 * and the card ids. One copy per feed *version*, shared by the sessions that
 * load it: a re-import makes a new version, so sessions created or loaded
 * after it get the new text, while a session already running keeps the copy
 * it started with, the same for every device in it (docs/RELIABILITY.md).
 */
import type { ProtocolEntry } from "../../domain/protocol";
import type { Timeline } from "../../domain/replay/clock";
import type { FeedDetail } from "../../domain/feed";

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

/** Where the copies come from: the feed repository, or a test's stand-in. */
export interface TimelineSource {
  versions(slugs: readonly string[]): Promise<Map<string, string>>;
  getWithVersion(slug: string): Promise<{ feed: FeedDetail; version: string } | undefined>;
  idOf(slug: string): Promise<string | undefined>;
}

export class FeedTimelines {
  private readonly cache = new Map<string, { version: string; loaded: Promise<FeedTimeline | undefined> }>();

  constructor(private readonly feeds: TimelineSource) {}

  /** The feed's current version (one indexed row), loaded once per version. */
  async get(slug: string): Promise<FeedTimeline | undefined> {
    const version = (await this.feeds.versions([slug])).get(slug);
    if (version === undefined) {
      this.cache.delete(slug);
      return undefined;
    }
    const cached = this.cache.get(slug);
    if (cached?.version === version) return cached.loaded;
    const loaded = this.load(slug);
    const entry = { version, loaded };
    this.cache.set(slug, entry);
    // A failed load (database down) must not be remembered.
    const forget = () => this.cache.get(slug) === entry && this.cache.delete(slug);
    loaded.then((feed) => feed ?? forget(), forget);
    return loaded;
  }

  private async load(slug: string): Promise<FeedTimeline | undefined> {
    const [read, id] = await Promise.all([this.feeds.getWithVersion(slug), this.feeds.idOf(slug)]);
    if (!read || !id) return undefined;
    const feed = read.feed;
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
