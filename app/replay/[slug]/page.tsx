import type { Metadata } from "next";
import { notFound } from "next/navigation";
import type { FeedDetail } from "@/domain/feed";
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

async function loadFeed(slug: string): Promise<FeedDetail> {
  const feed = FEED_SLUG_PATTERN.test(slug) ? await services().feeds.get(slug) : undefined;
  if (!feed) notFound();
  return feed;
}

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { slug } = await params;
  const feed = await loadFeed(slug);
  return { title: feed.title, description: feed.description.split("\n")[0] };
}

const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function FeedPage({ params, searchParams }: Params) {
  const { slug } = await params;
  const query = await searchParams;
  const feed = await loadFeed(slug);
  const replayFeed = toReplayFeed(feed);
  const projector = one(query.view) === "projector";
  return (
    <main className={projector ? "page page-projector" : "page page-wide"}>
      <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: jsonLd(feed) }} />
      <FeedHeader feed={feed} />
      <ReplayView feed={replayFeed} mode={{ kind: "solo", t: one(query.t), speed: one(query.speed), play: one(query.play) === "1" }} projector={projector} />
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
