/**
 * Reading a stored feed back out: for the re-import preview (what is stored, to diff against)
 * and for the export (domain/import/export.ts). Reads through FeedRepository, in one snapshot.
 */
import type { ImportedFeed } from "../../domain/feed-model";
import { exportFeedDetail, importedFromDetail, type FeedExport } from "../../domain/import/export";
import { diffFeeds, type FeedDiff } from "../../domain/import/reimport";
import type { Db } from "../db/database";
import { FeedRepository } from "./feed-repository";

/** The stored feed as the importers produce it (entries in page order), or undefined. */
export async function readStoredFeed(db: Db, slug: string): Promise<ImportedFeed | undefined> {
  const stored = await new FeedRepository(db).getWithVersion(slug);
  return stored && importedFromDetail(stored.feed);
}

/** The feed and its cards as a LiveBlogPosting JSON and a context-card file, or undefined. */
export async function exportStoredFeed(db: Db, slug: string): Promise<FeedExport | undefined> {
  const stored = await new FeedRepository(db).getWithVersion(slug);
  return stored && exportFeedDetail(stored.feed);
}

/** What importing `next` would change in the stored feed of the same slug (everything added when it is new). */
export async function previewReimport(db: Db, next: ImportedFeed): Promise<FeedDiff> {
  return diffFeeds((await readStoredFeed(db, next.slug)) ?? null, next);
}
