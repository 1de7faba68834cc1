/**
 * Writes imported feeds and card files to PostgreSQL.
 *
 * Everything given to one `importItems` call happens in one transaction: a
 * failure anywhere leaves the database exactly as it was. Rows are compared
 * before they are written, so importing the same input again writes nothing,
 * and a changed input updates rows in place (entries and cards keep their ids).
 * An entry whose generated key changed only because its headline was edited
 * keeps its stored key (domain/import/reimport.ts), so what refers to it by key
 * (sessions' pause points, cards' links, questions) still finds it.
 *
 * A feed whose row, entries or cards changed gets a new `updatedAt` in the
 * same transaction, so its row changes with every change to what the feed
 * API serves: a server (this process or another) checks that row to know
 * whether its cached copy is still current (server/http/feed-cache.ts). An
 * import that changed something returns FEED_VERSION_LEASE_MS after its
 * commit, when no server trusts a copy it checked before the commit any more.
 */
import { linkCardsToEntries, type ContextCardFile } from "../../domain/cards";
import type { DataNote, ImportedEntry, ImportedFeed } from "../../domain/feed-model";
import type { ParsedFeed } from "../../domain/import/parsed-feed";
import { reconcileEntryKeys } from "../../domain/import/reimport";
import type { Db } from "../db/database";
import { dropUnusedVersions, FEED_VERSION_LEASE_MS } from "./feed-repository";

export type ImportItem =
  /** `parsed`, when the reader kept it, is what the anomaly report is computed from (scripts/import.ts). */
  | { kind: "feed"; feed: ImportedFeed; origin: string; parsed?: ParsedFeed }
  | { kind: "cards"; file: ContextCardFile; origin: string };

export interface RowCounts {
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
}

export interface ImportReport {
  feeds: Array<{
    slug: string;
    created: boolean;
    feedUpdated: boolean;
    entries: RowCounts;
    notes: DataNote[];
    /** Entries that kept their stored key although a headline edit changed their generated key (domain/import/reimport.ts). */
    keptKeys: Array<{ key: string; generatedKey: string }>;
  }>;
  cards: Array<{ feed: string; cards: RowCounts }>;
  /** Cards whose entry links changed because entries or aliases changed. */
  relinkedCards: number;
}

/** An import that cannot be applied as given (the input parsed, but does not fit the database). */
export class ImportError extends Error {
  override readonly name = "ImportError";
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

export async function importItems(db: Db, items: readonly ImportItem[]): Promise<ImportReport> {
  return inImport(db, (_tx, write) => write(items));
}

/**
 * One import transaction, under the lock that every library write takes, so
 * imports, edits and deletes wait for each other (two servers seeding one
 * database at once, a library import meanwhile). `work` may read before it
 * writes and write more after (the seed: which feeds the library owns, then
 * the versions it left them at); all of it commits together or not at all.
 */
export async function inImport<T>(db: Db, work: (tx: Tx, write: (items: readonly ImportItem[]) => Promise<ImportReport>) => Promise<T>): Promise<T> {
  let changedFeeds = 0;
  const result = await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(727001)`;
      return work(tx, async (items) => {
        const { report, changed } = await writeItems(tx, items);
        changedFeeds += changed;
        return report;
      });
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
  if (changedFeeds > 0) await outlastTrustedCopies(performance.now());
  return result;
}

async function writeItems(tx: Tx, items: readonly ImportItem[]): Promise<{ report: ImportReport; changed: number }> {
  const report: ImportReport = { feeds: [], cards: [], relinkedCards: 0 };
  const touched = new Set<string>();
  for (const item of items) {
    if (item.kind !== "feed") continue;
    report.feeds.push(await upsertFeed(tx, item.feed));
    touched.add(item.feed.slug);
  }
  for (const item of items) {
    if (item.kind !== "cards") continue;
    report.cards.push(await upsertCards(tx, item.file, item.origin));
    touched.add(item.file.feed);
  }
  const changed = new Set<string>();
  for (const feed of report.feeds) if (feed.created || feed.feedUpdated || rowsChanged(feed.entries)) changed.add(feed.slug);
  for (const cards of report.cards) if (rowsChanged(cards.cards)) changed.add(cards.feed);
  for (const slug of touched) {
    const relinked = await relinkCards(tx, slug);
    report.relinkedCards += relinked;
    if (relinked > 0) changed.add(slug);
  }
  if (changed.size > 0) {
    // The row's new version is what servers compare; clock_timestamp() records when this write happened.
    await tx.$executeRaw`UPDATE feed SET "updatedAt" = clock_timestamp() WHERE slug = ANY(${[...changed]}::text[])`;
    await dropUnusedVersions(tx, [...changed]);
  }
  return { report, changed: changed.size };
}

/**
 * Waits out the lease of every copy a server checked before our commit (a
 * little more: a timer may fire a millisecond early, and other machines'
 * clocks may run a hair slow). After this, every server serves the new feed.
 */
export async function outlastTrustedCopies(committedBy: number): Promise<void> {
  const until = committedBy + FEED_VERSION_LEASE_MS * 1.01 + 5;
  while (performance.now() < until) await new Promise((resolve) => setTimeout(resolve, Math.ceil(until - performance.now())));
}

async function upsertFeed(tx: Tx, given: ImportedFeed): Promise<ImportReport["feeds"][number]> {
  const existing = await tx.feed.findUnique({ where: { slug: given.slug }, include: { entries: true } });
  // Keys stay stable across a headline edit, so sessions, cards and pause points keep their entries.
  const stored = existing && { entries: existing.entries.map((row) => ({ ...row, kind: row.kind as ImportedEntry["kind"], publishedAt: row.publishedAt.toISOString() })) };
  const { feed, keptKeys } = reconcileEntryKeys(stored, given);
  const fields = {
    title: feed.title,
    outlet: feed.outlet,
    description: feed.description,
    sourceUrl: feed.sourceUrl,
    publishedZone: feed.publishedZone,
    eventZone: feed.eventZone,
    eventDate: feed.eventDate,
    coverageStart: new Date(feed.coverageStart),
    coverageEnd: new Date(feed.coverageEnd),
    notes: feed.notes as unknown as object,
  };
  let feedId: string;
  let feedUpdated = false;
  if (!existing) {
    feedId = (await tx.feed.create({ data: { slug: feed.slug, ...fields }, select: { id: true } })).id;
  } else {
    feedId = existing.id;
    if (!sameFields(existing, fields)) {
      await tx.feed.update({ where: { id: feedId }, data: fields });
      feedUpdated = true;
    }
  }

  // Moments given with the feed (an exported library feed) replace the stored ones; pause points
  // follow their entries if the reconciliation kept a stored key for them.
  if (given.moments) {
    const keyOf = new Map(given.entries.map((entry, index) => [entry.key, feed.entries[index]!.key]));
    const moments = { keyMoments: given.moments.keyMoments, pauseKeys: given.moments.pauseKeys.map((key) => keyOf.get(key) ?? key) };
    if (!existing || !sameFields(existing, moments)) {
      await tx.feed.update({ where: { id: feedId }, data: moments });
      feedUpdated = existing !== null;
    }
  }

  const counts: RowCounts = { added: 0, updated: 0, removed: 0, unchanged: 0 };
  const current = new Map((existing?.entries ?? []).map((row) => [row.key, row]));
  const toCreate: ReturnType<typeof entryFields>[] = [];
  for (const entry of feed.entries) {
    const wanted = entryFields(entry);
    const row = current.get(entry.key);
    current.delete(entry.key);
    if (!row) {
      toCreate.push(wanted);
    } else if (!sameFields(row, wanted)) {
      await tx.entry.update({ where: { id: row.id }, data: wanted });
      counts.updated++;
    } else {
      counts.unchanged++;
    }
  }
  if (current.size > 0) {
    await tx.entry.deleteMany({ where: { id: { in: [...current.values()].map((row) => row.id) } } });
    counts.removed = current.size;
  }
  if (toCreate.length > 0) {
    await tx.entry.createMany({ data: toCreate.map((data) => ({ ...data, feedId })) });
    counts.added = toCreate.length;
  }
  return { slug: feed.slug, created: !existing, feedUpdated, entries: counts, notes: feed.notes, keptKeys };
}

const rowsChanged = (counts: RowCounts) => counts.added + counts.updated + counts.removed > 0;

function entryFields(entry: ImportedEntry) {
  return {
    key: entry.key,
    publishedAt: new Date(entry.publishedAt),
    pagePosition: entry.pagePosition,
    kind: entry.kind,
    title: entry.title,
    body: entry.body,
    photoCaption: entry.photoCaption,
    photoCredit: entry.photoCredit,
    videoTitle: entry.videoTitle,
  };
}

async function upsertCards(tx: Tx, file: ContextCardFile, origin: string): Promise<ImportReport["cards"][number]> {
  const feed = await tx.feed.findUnique({ where: { slug: file.feed }, include: { cards: true } });
  if (!feed) {
    throw new ImportError(`${origin}: the cards are for feed "${file.feed}", which has not been imported`);
  }
  const counts: RowCounts = { added: 0, updated: 0, removed: 0, unchanged: 0 };
  const current = new Map(feed.cards.map((row) => [row.key, row]));
  for (const [position, card] of file.cards.entries()) {
    const wanted = {
      key: card.id,
      position,
      category: card.category,
      title: card.title,
      body: card.body,
      sourceOutlet: card.source.outlet,
      sourceTitle: card.source.title,
      sourceDate: card.source.date,
      sourceRef: card.source.seed ?? card.source.url ?? null,
      sourceNote: card.source.dateNote ?? null,
      knownFrom: new Date(card.knownFrom),
      aliases: card.aliases,
      pinnedByDefault: card.pinnedByDefault,
    };
    const row = current.get(card.id);
    current.delete(card.id);
    if (!row) {
      await tx.card.create({ data: { ...wanted, feedId: feed.id, entryKeys: [] } });
      counts.added++;
    } else if (!sameFields(row, wanted)) {
      await tx.card.update({ where: { id: row.id }, data: wanted });
      counts.updated++;
    } else {
      counts.unchanged++;
    }
  }
  if (current.size > 0) {
    await tx.card.deleteMany({ where: { id: { in: [...current.values()].map((row) => row.id) } } });
    counts.removed = current.size;
  }
  return { feed: file.feed, cards: counts };
}

/** Recomputes which entries mention each card of a feed; writes only the cards whose links changed. */
async function relinkCards(tx: Tx, slug: string): Promise<number> {
  const feed = await tx.feed.findUniqueOrThrow({
    where: { slug },
    include: { cards: { orderBy: { position: "asc" } }, entries: { orderBy: { pagePosition: "asc" } } },
  });
  const links = linkCardsToEntries(
    feed.cards.map((card) => ({ id: card.key, aliases: card.aliases })),
    feed.entries,
  );
  let changed = 0;
  for (const card of feed.cards) {
    const entryKeys = links.get(card.key) ?? [];
    if (!sameFields({ entryKeys: card.entryKeys }, { entryKeys })) {
      await tx.card.update({ where: { id: card.id }, data: { entryKeys } });
      changed++;
    }
  }
  return changed;
}

/** Whether `row` already holds every value in `wanted` (dates by instant, JSON by value). */
function sameFields(row: Record<string, unknown>, wanted: Record<string, unknown>): boolean {
  return Object.entries(wanted).every(([field, value]) => {
    const stored = row[field];
    if (value instanceof Date) return stored instanceof Date && stored.getTime() === value.getTime();
    if (typeof value === "object" && value !== null) return canonicalJson(stored) === canonicalJson(value);
    return stored === value;
  });
}

/** JSON with object keys sorted: PostgreSQL's jsonb does not keep key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
