import type { Metadata } from "next";
import { notFound } from "next/navigation";
import type { FeedDetail } from "@/domain/feed";
import { toLiveBlogJson } from "@/domain/import/json-feed";
import { longDate } from "@/domain/time";
import { services } from "@/server/services";
import keyMoments from "@/data/key-moments.json";
import { ReplayView, type ReplayFeed } from "./replay-view";

export const dynamic = "force-dynamic";

type Params = {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

async function loadFeed(slug: string): Promise<FeedDetail> {
  const feed = /^[a-z0-9-]{1,120}$/.test(slug) ? await services().feeds.get(slug) : undefined;
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
  // Entries are not rendered here: the replay shows each one when its time comes.
  const replayFeed: ReplayFeed = {
    slug: feed.slug,
    eventDate: feed.eventDate,
    publishedZone: feed.publishedZone,
    eventZone: feed.eventZone,
    coverageStart: feed.coverageStart,
    cards: feed.cards,
    notes: feed.notes,
    keyMoments: ((keyMoments as Record<string, Array<{ label: string; at: string }>>)[feed.slug] ?? []).map((moment) => ({
      label: moment.label,
      at: Date.parse(moment.at),
    })),
  };

  const projector = one(query.view) === "projector";
  return (
    <main className={projector ? "page page-projector" : "page page-wide"}>
      <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: jsonLd(feed) }} />
      <header className="masthead">
        <a className="brand" href="/">
          Re<span className="brand-mark">live</span>
        </a>
        <p className="tagline">
          {feed.outlet} · {longDate(feed.coverageStart, feed.eventZone)}
        </p>
      </header>
      <h1 className="feed-title">{feed.title}</h1>
      {feed.notes.length > 0 && (
        <aside className="data-note" aria-label="About this data">
          <strong>About this feed&apos;s data.</strong> {feed.notes.map((note) => note.message).join(" ")}
        </aside>
      )}
      <ReplayView feed={replayFeed} t={one(query.t)} speed={one(query.speed)} play={one(query.play) === "1"} projector={projector} />
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
