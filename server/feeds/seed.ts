import path from "node:path";
import type { Db } from "../db/database";
import { projectRoot } from "../env";
import { readImportFile } from "./import-files";
import { importItems } from "./importer";

/** The feeds and cards every installation starts with (copied from the project's seeds). */
export const SEED_FILES = ["data/feeds/sputnik-helsinki-2018.txt", "data/cards/helsinki-2018.json"];

/**
 * Loads the seed data. Safe on every start: the import compares before it
 * writes, so an up-to-date database is left untouched.
 */
export async function seedDatabase(db: Db, log: (line: string) => void): Promise<void> {
  const items = await Promise.all(SEED_FILES.map((file) => readImportFile(path.join(projectRoot, file))));
  const report = await importItems(db, items);
  const changed =
    report.feeds.some((feed) => feed.created || feed.feedUpdated || feed.entries.added + feed.entries.updated + feed.entries.removed > 0) ||
    report.cards.some(({ cards }) => cards.added + cards.updated + cards.removed > 0) ||
    report.relinkedCards > 0;
  const entries = report.feeds.reduce((sum, feed) => sum + feed.entries.added + feed.entries.updated + feed.entries.unchanged, 0);
  log(`Seed data: ${changed ? "loaded" : "up to date"} (${report.feeds.length} feed, ${entries} entries)`);
}
