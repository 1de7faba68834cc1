import type { FeedDetail, FeedSummary } from "../../domain/feed";
import type { Db } from "../db/database";

/** Reads feeds for the API and the pages; the only place that knows their tables. */
export class FeedRepository {
  constructor(private readonly db: Db) {}

  async list(): Promise<FeedSummary[]> {
    const feeds = await this.db.feed.findMany({
      orderBy: [{ coverageStart: "asc" }, { slug: "asc" }],
      include: { _count: { select: { entries: true } } },
    });
    return feeds.map(({ _count, ...feed }) => toSummary(feed, _count.entries));
  }

  async get(slug: string): Promise<FeedDetail | undefined> {
    const feed = await this.db.feed.findUnique({
      where: { slug },
      include: { entries: { orderBy: [{ publishedAt: "asc" }, { pagePosition: "desc" }] } },
    });
    if (!feed) return undefined;
    return {
      ...toSummary(feed, feed.entries.length),
      entries: feed.entries.map((entry) => ({
        id: entry.id,
        publishedAt: entry.publishedAt.toISOString(),
        pagePosition: entry.pagePosition,
        kind: entry.kind,
        title: entry.title,
        body: entry.body,
      })),
    };
  }
}

interface FeedRow {
  slug: string;
  title: string;
  outlet: string;
  description: string;
  eventZone: string;
  publishedZone: string;
  eventDate: string;
  coverageStart: Date;
  coverageEnd: Date;
}

function toSummary(feed: FeedRow, entryCount: number): FeedSummary {
  return {
    slug: feed.slug,
    title: feed.title,
    outlet: feed.outlet,
    description: feed.description,
    eventZone: feed.eventZone,
    publishedZone: feed.publishedZone,
    eventDate: feed.eventDate,
    coverageStart: feed.coverageStart.toISOString(),
    coverageEnd: feed.coverageEnd.toISOString(),
    entryCount,
  };
}
