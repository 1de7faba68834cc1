import type { CardCategory } from "../../domain/cards";
import type { FeedCard, FeedDetail, FeedEntry, FeedSummary } from "../../domain/feed";
import type { DataNote, EntryKind } from "../../domain/feed-model";
import type { Db } from "../db/database";

type Client = Pick<Db, "feed">;

/**
 * A feed's version: it changes whenever anything the feed API serves of it
 * changes. The importer rewrites a feed's row in every transaction that
 * changes the feed, its entries or its cards (server/feeds/importer.ts), so the
 * row's id, its xmin (the id of the transaction that last wrote it) and its
 * updatedAt name the content. xmin alone would do; updatedAt guards against
 * transaction ids wrapping around.
 */
const VERSION_SQL = `id::text || ':' || xmin::text || ':' || (extract(epoch FROM "updatedAt") * 1000)::bigint::text`;

/**
 * How long a server may trust that a feed it read is still current without
 * reading its version again, counted from when it sent the query that read
 * it. An import that changes a feed returns only once this long has passed
 * since its commit (server/feeds/importer.ts), so no copy read before the
 * commit is still trusted by then, in any process.
 */
export const FEED_VERSION_LEASE_MS = 250;

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

  async idOf(slug: string): Promise<string | undefined> {
    return (await this.db.feed.findUnique({ where: { slug }, select: { id: true } }))?.id;
  }

  async get(slug: string): Promise<FeedDetail | undefined> {
    return readFeed(this.db, slug);
  }

  /**
   * The feed as it was at `version`: the current feed if that is its version,
   * else the version as kept for sessions (keptVersion); undefined if neither.
   */
  async getAt(slug: string, version: string): Promise<FeedDetail | undefined> {
    if ((await this.versions([slug])).get(slug) === version) {
      const current = await this.getWithVersion(slug);
      if (current?.version === version) return current.feed;
    }
    return this.keptVersion(slug, version);
  }

  /** The current version of each of these feeds that exists (one query, by the unique index on slug). */
  async versions(slugs: readonly string[]): Promise<Map<string, string>> {
    return feedVersions(this.db, slugs);
  }

  /** The feed and its version, read from one snapshot, so that the version names exactly this content. */
  async getWithVersion(slug: string): Promise<{ feed: FeedDetail; version: string } | undefined> {
    return this.db.$transaction(
      async (tx) => {
        const rows = await tx.$queryRawUnsafe<Array<{ version: string }>>(`SELECT ${VERSION_SQL} AS version FROM feed WHERE slug = $1`, slug);
        const feed = rows[0] && (await readFeed(tx, slug));
        return feed ? { feed, version: rows[0]!.version } : undefined;
      },
      { isolationLevel: "RepeatableRead", timeout: 60_000, maxWait: 10_000 },
    );
  }

  /**
   * A version of a feed kept for the sessions that replay it (feed_version),
   * as the feed API served it; undefined if that version was not kept.
   */
  async keptVersion(slug: string, version: string): Promise<FeedDetail | undefined> {
    const rows = await this.db.$queryRawUnsafe<Array<{ detail: string }>>(
      `SELECT v.detail::text AS detail FROM feed_version v JOIN feed f ON f.id = v."feedId" WHERE f.slug = $1 AND v.version = $2`,
      slug,
      version,
    );
    return rows[0] && (JSON.parse(rows[0].detail) as FeedDetail);
  }

  /**
   * Keeps a version of a feed for a session that replays it: one indexed
   * read if it is kept already, else one write of `detail()` (the feed as
   * JSON). Nothing if the feed was deleted meanwhile (its sessions went with it).
   */
  async keepVersion(feedId: string, version: string, detail: () => string): Promise<void> {
    const kept = await this.db.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM feed_version WHERE "feedId" = $1::uuid AND version = $2`, feedId, version);
    if (kept.length > 0) return;
    await this.db.$executeRawUnsafe(
      `INSERT INTO feed_version ("feedId", version, detail) SELECT $1::uuid, $2, $3::json WHERE EXISTS (SELECT 1 FROM feed WHERE id = $1::uuid)
       ON CONFLICT DO NOTHING`,
      feedId,
      version,
      detail(),
    );
  }
}

/** The current version of each of these feeds that exists; in a transaction, as its own writes left them. */
export async function feedVersions(client: Pick<Db, "$queryRawUnsafe">, slugs: readonly string[]): Promise<Map<string, string>> {
  const rows = await client.$queryRawUnsafe<Array<{ slug: string; version: string }>>(
    `SELECT slug, ${VERSION_SQL} AS version FROM feed WHERE slug = ANY($1::text[])`,
    [...slugs],
  );
  return new Map(rows.map((row) => [row.slug, row.version]));
}

/**
 * Drops the kept versions of these feeds ("all": of every feed) that no
 * unexpired session replays. Called in every transaction that makes a new
 * version (an import, an edit of key moments), and by the expiry sweep after
 * it deletes sessions (SessionStore.deleteExpired), so versions are kept only
 * while a session may load them. A session created meanwhile keeps its
 * version again once it is written (SessionManager.create), so a version is
 * never dropped from under it.
 */
export async function dropUnusedVersions(tx: Pick<Db, "$executeRaw">, slugs: readonly string[] | "all"): Promise<number> {
  return tx.$executeRaw`DELETE FROM feed_version v USING feed f
    WHERE v."feedId" = f.id AND (${slugs === "all"} OR f.slug = ANY(${slugs === "all" ? [] : [...slugs]}::text[]))
      AND NOT EXISTS (SELECT 1 FROM replay_session r WHERE r."feedId" = v."feedId" AND r."feedVersion" = v.version AND r."expiresAt" > now())`;
}

async function readFeed(client: Client, slug: string): Promise<FeedDetail | undefined> {
  const feed = await client.feed.findUnique({
    where: { slug },
    include: {
      // Replay order (domain/feed-model.ts replayOrder): time, then lower on the page first.
      entries: { orderBy: [{ publishedAt: "asc" }, { pagePosition: "desc" }] },
      cards: { orderBy: { position: "asc" } },
    },
  });
  if (!feed) return undefined;
  const entryIdByKey = new Map(feed.entries.map((entry) => [entry.key, entry.id]));
  return {
    ...toSummary(feed, feed.entries.length),
    notes: feed.notes as unknown as DataNote[],
    keyMoments: feed.keyMoments as unknown as FeedDetail["keyMoments"],
    pauseKeys: feed.pauseKeys,
    entries: feed.entries.map(
      (entry): FeedEntry => ({
        id: entry.id,
        key: entry.key,
        publishedAt: entry.publishedAt.toISOString(),
        pagePosition: entry.pagePosition,
        kind: entry.kind as EntryKind,
        title: entry.title,
        body: entry.body,
        photoCaption: entry.photoCaption,
        photoCredit: entry.photoCredit,
        videoTitle: entry.videoTitle,
      }),
    ),
    cards: feed.cards.map(
      (card): FeedCard => ({
        id: card.key,
        category: card.category as CardCategory,
        title: card.title,
        body: card.body,
        source: { outlet: card.sourceOutlet, title: card.sourceTitle, date: card.sourceDate, ref: card.sourceRef, note: card.sourceNote },
        knownFrom: card.knownFrom.toISOString(),
        aliases: card.aliases,
        pinnedByDefault: card.pinnedByDefault,
        entryIds: card.entryKeys.flatMap((key) => entryIdByKey.get(key) ?? []),
      }),
    ),
  };
}

/** A feed's row as it is read: the summary's fields, its coverage as dates. */
type FeedRow = Omit<FeedSummary, "coverageStart" | "coverageEnd" | "entryCount"> & { coverageStart: Date; coverageEnd: Date };

function toSummary(feed: FeedRow, entryCount: number): FeedSummary {
  return {
    slug: feed.slug,
    title: feed.title,
    outlet: feed.outlet,
    description: feed.description,
    sourceUrl: feed.sourceUrl,
    eventZone: feed.eventZone,
    publishedZone: feed.publishedZone,
    eventDate: feed.eventDate,
    coverageStart: feed.coverageStart.toISOString(),
    coverageEnd: feed.coverageEnd.toISOString(),
    entryCount,
  };
}
