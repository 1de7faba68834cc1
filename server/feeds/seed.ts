import path from "node:path";
import type { Db } from "../db/database";
import { projectRoot } from "../env";
import { readImportFile } from "./import-files";
import { feedVersions } from "./feed-repository";
import { inImport, type ImportItem } from "./importer";
import SEED_KEY_MOMENTS from "../../data/key-moments.json" with { type: "json" };

/** The feeds and cards every installation starts with (copied from the project's seeds). */
export const SEED_FILES = ["data/feeds/sputnik-helsinki-2018.txt", "data/cards/helsinki-2018.json"];

/**
 * Loads the seed data on every start: a new database gets it, and one that
 * an earlier version of the seed filled gets this version's (the import
 * compares before it writes, so an up-to-date database is left untouched).
 * After that a seeded feed is the library's: one changed there since it was
 * seeded (an import, an edit of its key moments) or deleted there is left as
 * it is, with its cards, and the log says so. What the seed left each feed
 * at is recorded by slug (feed_seed).
 */
export async function seedDatabase(db: Db, log: (line: string) => void): Promise<void> {
  const all = await Promise.all(SEED_FILES.map((file) => readImportFile(path.join(projectRoot, file))));
  const slugOf = (item: ImportItem) => (item.kind === "feed" ? item.feed.slug : item.file.feed);
  const slugs = [...new Set(all.map(slugOf))];
  // One transaction under the library's lock: no import, edit or delete in the
  // library can land between reading what it owns and recording what the seed left.
  const report = await inImport(db, async (tx, write) => {
    const current = await feedVersions(tx, slugs);
    const owned = new Set<string>();
    for (const { slug, version } of await tx.feedSeed.findMany({ where: { slug: { in: slugs } } })) {
      if (current.get(slug) === version) continue;
      owned.add(slug);
      const what = current.has(slug) ? "changed in the library" : "deleted in the library";
      log(`Seed data: "${slug}" was ${what} since it was seeded; left as it is (import the seed files from the library to restore it)`);
    }
    const items = all.filter((item) => !owned.has(slugOf(item)));
    if (items.length === 0) return undefined;
    const report = await write(items);
    // Key moments are the seed's only on a feed's first import: after that the library owns them.
    for (const feed of report.feeds) {
      const moments = (SEED_KEY_MOMENTS as Record<string, Array<{ label: string; at: string }>>)[feed.slug];
      if (feed.created && moments) await tx.feed.update({ where: { slug: feed.slug }, data: { keyMoments: moments } });
    }
    for (const [slug, version] of await feedVersions(tx, items.map(slugOf))) {
      await tx.feedSeed.upsert({ where: { slug }, create: { slug, version }, update: { version } });
    }
    return report;
  });
  if (!report) return;
  const changed =
    report.feeds.some((feed) => feed.created || feed.feedUpdated || feed.entries.added + feed.entries.updated + feed.entries.removed > 0) ||
    report.cards.some(({ cards }) => cards.added + cards.updated + cards.removed > 0) ||
    report.relinkedCards > 0;
  const entries = report.feeds.reduce((sum, feed) => sum + feed.entries.added + feed.entries.updated + feed.entries.unchanged, 0);
  log(`Seed data: ${changed ? "loaded" : "up to date"} (${report.feeds.length} feed, ${entries} entries)`);
}
