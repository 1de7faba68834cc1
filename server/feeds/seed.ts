import path from "node:path";
import type { Db } from "../db/database";
import { projectRoot } from "../env";
import { readImportFile } from "./import-files";
import { importItems } from "./importer";
import SEED_KEY_MOMENTS from "../../data/key-moments.json" with { type: "json" };

/** The feeds and cards every installation starts with (copied from the project's seeds). */
export const SEED_FILES = ["data/feeds/sputnik-helsinki-2018.txt", "data/cards/helsinki-2018.json"];

/**
 * Loads the seed data. Safe on every start: the import compares before it
 * writes, so an up-to-date database is left untouched.
 */
export async function seedDatabase(db: Db, log: (line: string) => void): Promise<void> {
  const items = await Promise.all(SEED_FILES.map((file) => readImportFile(path.join(projectRoot, file))));
  const report = await importItems(db, items);
  // Key moments are the seed's only on a feed's first import: after that the library owns them.
  for (const feed of report.feeds) {
    const moments = (SEED_KEY_MOMENTS as Record<string, Array<{ label: string; at: string }>>)[feed.slug];
    if (feed.created && moments) await db.feed.update({ where: { slug: feed.slug }, data: { keyMoments: moments } });
  }
  const changed =
    report.feeds.some((feed) => feed.created || feed.feedUpdated || feed.entries.added + feed.entries.updated + feed.entries.removed > 0) ||
    report.cards.some(({ cards }) => cards.added + cards.updated + cards.removed > 0) ||
    report.relinkedCards > 0;
  const entries = report.feeds.reduce((sum, feed) => sum + feed.entries.added + feed.entries.updated + feed.entries.unchanged, 0);
  log(`Seed data: ${changed ? "loaded" : "up to date"} (${report.feeds.length} feed, ${entries} entries)`);
}
