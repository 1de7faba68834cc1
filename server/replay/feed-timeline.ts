/**
 * A feed as the replay engine uses it: entries in replay order, their times,
 * and the card ids. One copy per feed *version*. A session replays the
 * version it was created on, to its end: a re-import makes a new version for
 * sessions created afterwards, while the version a session started on is
 * kept in PostgreSQL (feed_version) for as long as the session may be
 * loaded, so that every server process, and the same one after a restart,
 * loads the same text for it (docs/RELIABILITY.md).
 */
import type { ProtocolEntry } from "../../domain/protocol";
import type { Timeline } from "../../domain/replay/clock";
import type { FeedDetail } from "../../domain/feed";
import { KeptLoads } from "../feeds/kept-loads";

export interface FeedTimeline {
  id: string;
  slug: string;
  /** The feed's version this copy was read from (FeedRepository.versions). */
  version: string;
  eventDate: string;
  publishedZone: string;
  eventZone: string;
  timeline: Timeline;
  entries: ProtocolEntry[];
  /** entries[i].key, for the pause-point rule. */
  entryKeys: string[];
  cardIds: Set<string>;
  defaultPins: string[];
  /** This version as the feed API serves it, as JSON: what is kept for sessions (FeedTimelines.keep). */
  readonly detail: () => string;
}

/** Where the copies come from: the feed repository, or a test's stand-in. */
export interface TimelineSource {
  versions(slugs: readonly string[]): Promise<Map<string, string>>;
  getWithVersion(slug: string): Promise<{ feed: FeedDetail; version: string } | undefined>;
  idOf(slug: string): Promise<string | undefined>;
  keptVersion(slug: string, version: string): Promise<FeedDetail | undefined>;
  keepVersion(feedId: string, version: string, detail: () => string): Promise<void>;
}

/** How many kept versions stay loaded for sessions loaded later (the most recently asked). */
const KEPT_LOADED = 8;

export class FeedTimelines {
  private readonly cache = new Map<string, { version: string; loaded: Promise<FeedTimeline | undefined> }>();
  /** Kept versions as loaded: every session on one shares one copy. */
  private readonly kept = new KeptLoads<FeedTimeline>(KEPT_LOADED);

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

  /**
   * The version a session replays: the current one if it is that version (or
   * the session is from before versions were kept: null), else the version as
   * kept. A version that was not kept falls back to the current one.
   */
  async at(slug: string, version: string | null): Promise<FeedTimeline | undefined> {
    const current = await this.get(slug);
    if (!current || version === null || current.version === version) return current;
    // Loaded once for every session on it: after a restart, say, each solo session on an old version would otherwise hold its own copy.
    const kept = await this.kept.get(slug, version, () => this.feeds.keptVersion(slug, version).then((feed) => feed && timelineOf(current.id, feed, version)));
    return kept ?? current;
  }

  /** Keeps this version for a session just written that replays it (FeedRepository.keepVersion). */
  keep(feed: FeedTimeline): Promise<void> {
    return this.feeds.keepVersion(feed.id, feed.version, feed.detail);
  }

  private async load(slug: string): Promise<FeedTimeline | undefined> {
    const [read, id] = await Promise.all([this.feeds.getWithVersion(slug), this.feeds.idOf(slug)]);
    if (!read || !id) return undefined;
    return timelineOf(id, read.feed, read.version);
  }
}

function timelineOf(id: string, feed: FeedDetail, version: string): FeedTimeline {
  // What a client receives: the entry without its place on the source page.
  const entries: ProtocolEntry[] = feed.entries.map(({ pagePosition: _pagePosition, ...entry }) => entry);
  return {
    id,
    slug: feed.slug,
    version,
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
    detail: () => JSON.stringify(feed),
  };
}
