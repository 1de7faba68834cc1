/**
 * The library's edits to a stored feed other than an import: its key moments and suggested
 * pause points, and deleting it. Each is one transaction that also renews the feed's version (so
 * the feed API's cache drops its copy, server/http/feed-cache.ts), and returns once no server
 * trusts a copy from before it, as an import does (server/feeds/importer.ts).
 */
import { checkMoments, type FeedMoments } from "../../domain/import/moments";
import type { Db } from "../db/database";
import { dropUnusedVersions, FeedRepository } from "./feed-repository";
import { outlastTrustedCopies } from "./importer";

export type MomentsResult = { status: "saved"; moments: FeedMoments } | { status: "not_found" } | { status: "invalid"; issues: Array<{ field: string; message: string }> };

export async function saveMoments(db: Db, slug: string, input: unknown): Promise<MomentsResult> {
  const feed = await new FeedRepository(db).get(slug);
  if (!feed) return { status: "not_found" };
  const checked = checkMoments(input, feed);
  if (!checked.ok) return { status: "invalid", issues: checked.issues };
  const { keyMoments, pauseKeys } = checked.moments;
  const updated = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(727001)`; // waits for imports (importer.ts)
    // Keys are checked again inside the transaction: an import may have removed one since.
    const keys = new Set((await tx.entry.findMany({ where: { feed: { slug } }, select: { key: true } })).map((e) => e.key));
    if (!pauseKeys.every((k) => keys.has(k))) return false;
    await tx.$executeRaw`UPDATE feed SET "keyMoments" = ${JSON.stringify(keyMoments)}::jsonb, "pauseKeys" = ${pauseKeys}::text[], "updatedAt" = clock_timestamp() WHERE slug = ${slug}`;
    await dropUnusedVersions(tx, [slug]);
    return true;
  });
  if (!updated) return { status: "invalid", issues: [{ field: "pauseKeys", message: "the feed changed meanwhile; reload and try again" }] };
  await outlastTrustedCopies(performance.now());
  return { status: "saved", moments: checked.moments };
}

/** Class and solo sessions on a feed that have not expired: deleting the feed ends them. */
export async function liveSessionsOn(db: Db, slug: string, now = new Date()): Promise<{ shared: number; solo: number }> {
  const rows = await db.replaySession.groupBy({ by: ["kind"], where: { feed: { slug }, expiresAt: { gt: now } }, _count: { _all: true } });
  const count = (kind: string) => rows.find((r) => r.kind === kind)?._count._all ?? 0;
  return { shared: count("shared"), solo: count("solo") };
}

/** Deletes a feed with its entries, cards, sessions and their questions (cascades). False if there was none. */
export async function deleteFeed(db: Db, slug: string): Promise<boolean> {
  const deleted = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(727001)`;
    return (await tx.feed.deleteMany({ where: { slug } })).count > 0;
  });
  if (deleted) await outlastTrustedCopies(performance.now());
  return deleted;
}
