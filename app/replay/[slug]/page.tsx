import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import type { FeedDetail, FeedEntry } from "@/domain/feed";
import { clockTime, longDate, zoneLabel } from "@/domain/time";
import { toLiveBlogJson } from "@/domain/import/json-feed";
import { FEED_SLUG_PATTERN } from "@/domain/protocol-constants";
import { services } from "@/server/services";
import { FeedHeader, toReplayFeed } from "../../feed-header";
import { ReplayView } from "../../_replay/replay-view";

export const dynamic = "force-dynamic";

type Params = {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

/** The feed, read once per request: the title and the page both need it. */
const loadFeed = cache(async (slug: string): Promise<FeedDetail> => {
  const feed = FEED_SLUG_PATTERN.test(slug) ? await services().feeds.get(slug) : undefined;
  if (!feed) notFound();
  return feed;
});

/**
 * The title and the preview a shared link shows (Open Graph, Twitter card).
 * Spoiler rule: a link to one entry may name that entry, published at the
 * moment it opens at, and nothing later; any other link only the feed.
 */
export async function generateMetadata({ params, searchParams }: Params): Promise<Metadata> {
  const { slug } = await params;
  const feed = await loadFeed(slug);
  const entry = linkedEntry(feed, one((await searchParams).entry));
  const title = entry ? `${entry.title} · ${feed.title}` : feed.title;
  const description = entry ? `${clockTime(entry.publishedAt, feed.eventZone)} ${zoneLabel(feed.eventZone)}, ${longDate(entry.publishedAt, feed.eventZone)}: ${firstWords(entry.body || entry.title)}` : feed.description.split("\n")[0]!;
  return {
    title,
    description,
    openGraph: { title, description, type: "article", siteName: "Relive" },
    twitter: { card: "summary", title, description },
  };
}

const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** The entry ?entry= names, if the feed has it. */
function linkedEntry(feed: FeedDetail, key: string | undefined): FeedEntry | undefined {
  return key === undefined ? undefined : feed.entries.find((entry) => entry.key === key);
}

function firstWords(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

export default async function FeedPage({ params, searchParams }: Params) {
  const { slug } = await params;
  const query = await searchParams;
  const feed = await loadFeed(slug);
  const replayFeed = toReplayFeed(feed);
  // A kiosk (an exhibition screen) has the projector's look.
  const projector = one(query.view) === "projector" || one(query.kiosk) === "1";
  // ?entry= opens at that entry's moment (its own ?t=), the entry highlighted; an unknown key is said so.
  const entryKey = one(query.entry);
  const entry = linkedEntry(feed, entryKey);
  return (
    <main className={projector ? "page page-projector" : "page page-wide"}>
      <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: jsonLd(feed) }} />
      <FeedHeader feed={feed} />
      <ReplayView feed={replayFeed} mode={{
          kind: "solo",
          t: entry ? entry.publishedAt : one(query.t),
          speed: one(query.speed),
          play: one(query.play) === "1",
          entry: entry?.key,
          missingEntry: entryKey !== undefined && !entry,
          today: one(query.clock) === "today",
          kiosk: one(query.kiosk) === "1",
        }} projector={projector} />
    </main>
  );
}

/**
 * schema.org LiveBlogPosting for search engines and other tools. Escaped so
 * that text such as "</script>" in an entry cannot end the script element.
 */
function jsonLd(feed: FeedDetail): string {
  return JSON.stringify(toLiveBlogJson(feed))
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
