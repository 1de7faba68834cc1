import type { Metadata } from "next";
import { notFound } from "next/navigation";
import type { FeedDetail, FeedEntry } from "@/domain/feed";
import { toLiveBlogJson } from "@/domain/import/json-feed";
import { clockTime, longDate, zoneLabel } from "@/domain/time";
import { services } from "@/server/services";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ slug: string }> };

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

export default async function FeedPage({ params }: Params) {
  const { slug } = await params;
  const feed = await loadFeed(slug);
  const newestFirst = [...feed.entries].reverse();
  const noteByEntry = new Map(feed.notes.flatMap((note) => note.entryKeys.map((key) => [key, note.message] as const)));

  return (
    <main className="page">
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
      {feed.description.split("\n\n").map((paragraph, index) => (
        <p className="feed-intro" key={index}>
          {paragraph}
        </p>
      ))}
      {feed.notes.length > 0 && (
        <aside className="data-note" aria-label="About this data">
          <strong>About this feed&apos;s data.</strong>{" "}
          {feed.notes.map((note) => note.message).join(" ")}
        </aside>
      )}
      <ol className="entries" reversed>
        {newestFirst.map((entry) => (
          <Entry key={entry.id} entry={entry} feed={feed} note={noteByEntry.get(entry.key)} />
        ))}
      </ol>
    </main>
  );
}

function Entry({ entry, feed, note }: { entry: FeedEntry; feed: FeedDetail; note: string | undefined }) {
  return (
    <li className="entry" id={`entry-${entry.key}`} data-kind={entry.kind}>
      <p className="entry-time">
        <time dateTime={entry.publishedAt}>
          {clockTime(entry.publishedAt, feed.eventZone)} {zoneLabel(feed.eventZone)}
        </time>{" "}
        <span className="entry-time-alt">
          ({clockTime(entry.publishedAt, feed.publishedZone)} {feed.publishedZone})
        </span>
        {entry.kind === "video" && <span className="badge">Video</span>}
        {entry.kind === "photo" && <span className="badge">Photo</span>}
      </p>
      <h2 className="entry-title">{entry.title}</h2>
      {entry.photoCaption && (
        <p className="entry-caption">
          {entry.photoCaption}
          {entry.photoCredit && <span className="entry-credit"> {entry.photoCredit}</span>}
        </p>
      )}
      {entry.body.split("\n\n").filter(Boolean).map((paragraph, index) => (
        <p className="entry-body" key={index}>
          {paragraph}
        </p>
      ))}
      {note && <p className="entry-note">{note}</p>}
    </li>
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
